"""Map DocumentRecords onto THE schema and apply a batch of changes to the Whoosh index in one commit."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.index import Index

from indexer.records import DocumentRecord
from search import schema as schema_mod


@dataclass(frozen=True)
class OpenedIndex:
    """An index ready for writing, and why it was (re)created if it was."""

    index: Index
    rebuilt_reason: str | None


def record_fields(record: DocumentRecord) -> dict[str, object]:
    """The schema fields of one record (pure: no I/O)."""
    keyword = ",".join
    lang = record.latin_lang
    fields: dict[str, object] = {
        "id": record.id,
        "path": record.path,
        "paths": list(record.paths),
        "source": record.source,
        "title": record.title,
        "body": record.body,
        "format": record.format,
        "pages": record.pages,
        "size": record.size,
        "hash": record.hash,
        "visibility": keyword([record.visibility, *("group:" + g for g in record.groups)]),
        "warnings": list(record.warnings),
        "lang": keyword(record.langs),
        "type": record.type or "",
        "program": keyword(record.programs),
        "partner": keyword(record.partners),
        "region": keyword(record.regions),
        "country": keyword(record.countries),
        schema_mod.text_field("title", lang): record.title,
        schema_mod.text_field("body", lang): record.body,
    }
    if record.date:
        fields["date"] = record.date
        fields["year"] = record.date[:4]
        fields["month"] = record.date[:7]
    return {k: v for k, v in fields.items() if v not in ("", None)}


def open_for_writing(index_dir: Path, rebuild: bool = False) -> OpenedIndex:
    """Open the index in `index_dir`, creating it, or recreating it when asked or when its stamp is stale."""
    index_dir = Path(index_dir)
    reason: str | None = "requested with --rebuild" if rebuild else None
    exists = index_dir.is_dir() and whoosh_index.exists_in(str(index_dir))
    if exists and reason is None:
        reason = schema_mod.stale_reason(index_dir)
    if exists and reason is None:
        return OpenedIndex(whoosh_index.open_dir(str(index_dir)), None)
    if not exists and reason is None:
        reason = "new index"
    if index_dir.exists():
        for child in index_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema_mod.build_schema())
    schema_mod.write_stamp(index_dir)
    return OpenedIndex(ix, reason)


def apply_changes(
    ix: Index,
    upserts: Iterable[DocumentRecord],
    deletes: Iterable[str],
    *,
    procs: int = 1,
) -> tuple[int, int]:
    """Update or add `upserts` and delete the ids in `deletes` in one commit; returns the counts."""
    upserts = list(upserts)
    deletes = [d for d in deletes if d not in {r.id for r in upserts}]
    if not upserts and not deletes:
        return 0, 0
    writer = ix.writer(procs=1, limitmb=256)
    try:
        for doc_id in deletes:
            writer.delete_by_term("id", doc_id)
        for record in upserts:
            writer.update_document(**record_fields(record))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return len(upserts), len(deletes)
