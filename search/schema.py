"""THE index schema, in one place, stamped with a version that triggers a rebuild when it changes."""
from __future__ import annotations

import json
from pathlib import Path

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search import analysis
from search.pairs import FIELD as PAIRS_FIELD, PairsColumn

SCHEMA_VERSION = "3"  # 2: the wordpairs column (search/pairs.py); 3: its hashes 64-bit, per field kind
STAMP_FILE = "arshif-version.json"

# Facets shown to users, in display order; each is a comma-separated KEYWORD field.
FACETS: tuple[str, ...] = ("lang", "type", "program", "partner", "region", "country", "year")
TITLE_BOOST = 3.0


def text_field(kind: str, lang: str) -> str:
    """Name of the analysed field holding `kind` ('title'/'body') for documents whose Latin text is `lang`."""
    return f"{kind}_{lang}"


def text_fields() -> list[str]:
    """Every analysed text field, titles first."""
    return [text_field(k, lang) for k in ("title", "body") for lang in analysis.TEXT_LANGS]


def build_schema() -> Schema:
    """Build the schema: stored originals for display, one analysed field per Latin language, facets."""
    fields: dict[str, object] = {
        "id": ID(stored=True, unique=True),
        "path": ID(stored=True),
        "paths": STORED(),
        "source": STORED(),  # absolute path of the file, for download of indexed files only
        "title": STORED(),
        "body": STORED(),  # original extracted text, pages separated by \f
        "date": ID(stored=True, sortable=True),  # YYYY-MM-DD
        "month": KEYWORD(stored=True, commas=True),  # YYYY-MM, for the date drill-down
        "format": ID(stored=True),
        "pages": NUMERIC(stored=True),
        "size": NUMERIC(stored=True, bits=64),
        "hash": ID(stored=True),
        "visibility": KEYWORD(stored=True, commas=True),
        "warnings": STORED(),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(stored=True, commas=True, scorable=False)
    for lang in analysis.TEXT_LANGS:
        fields[text_field("title", lang)] = TEXT(
            analyzer=analysis.analyzer(lang), phrase=True, field_boost=TITLE_BOOST
        )
        fields[text_field("body", lang)] = TEXT(analyzer=analysis.analyzer(lang), phrase=True)
    fields[PAIRS_FIELD] = PairsColumn()  # hashes of adjacent-term pairs of title and body: phrase filter
    return Schema(**fields)


def version_stamp() -> dict[str, str]:
    """What an index must have been built with to be reused as is."""
    return {"schema": SCHEMA_VERSION, "analysis": analysis.ANALYSIS_VERSION}


def read_stamp(index_dir: Path) -> dict[str, str] | None:
    """The stamp stored in `index_dir`, or None when there is none or it is unreadable."""
    try:
        return json.loads((Path(index_dir) / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_stamp(index_dir: Path) -> None:
    """Record the versions the index in `index_dir` was built with."""
    (Path(index_dir) / STAMP_FILE).write_text(json.dumps(version_stamp()), encoding="utf-8")


def stale_reason(index_dir: Path) -> str | None:
    """Why the index in `index_dir` must be rebuilt, or None when its stamp matches this code."""
    stamp = read_stamp(index_dir)
    if stamp is None:
        return None if not (Path(index_dir) / STAMP_FILE).parent.exists() else "no version stamp"
    want = version_stamp()
    changed = [f"{k} {stamp.get(k)!r} -> {v!r}" for k, v in want.items() if stamp.get(k) != v]
    return ("version changed: " + ", ".join(changed)) if changed else None
