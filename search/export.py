"""Result sets as citable rows (CSV safe for spreadsheets, and JSON): the metadata researchers cite."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable

COLUMNS: tuple[str, ...] = (
    "id", "title", "date", "type", "lang", "programs", "partners", "regions", "countries", "path", "url",
    "type_label", "program_labels", "partner_labels", "region_labels", "country_labels",
)
Labeler = Callable[[str, str], str]  # (facet, id) -> label in the interface language
LIST_SEPARATOR = "; "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def row(stored: dict, doc_url: str, label: Labeler | None = None) -> dict:
    """One exported document: ids of its metadata (stable across label changes), their labels, its URL."""
    label = label or (lambda facet, value: value)
    out = {
        "id": stored.get("id", ""),
        "title": stored.get("title", ""),
        "date": stored.get("date") or "",
        "type": stored.get("type") or "",
        "lang": _split(stored.get("lang")),
        "programs": _split(stored.get("program")),
        "partners": _split(stored.get("partner")),
        "regions": _split(stored.get("region")),
        "countries": _split(stored.get("country")),
        "path": stored.get("path", ""),
        "url": doc_url,
    }
    out["type_label"] = label("type", out["type"]) if out["type"] else ""
    for facet, column in (("program", "programs"), ("partner", "partners"), ("region", "regions"), ("country", "countries")):
        out[facet + "_labels"] = [label(facet, v) for v in out[column]]
    return out


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: values starting with = + - @ (formulas) get a leading '."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def to_csv(rows: Iterable[dict]) -> str:
    """CSV with a header line, lists joined by '; ', every cell formula-safe (UTF-8 BOM for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in rows:
        cells = []
        for name in COLUMNS:
            value = item.get(name, "")
            text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
            cells.append(spreadsheet_safe(text))
        writer.writerow(cells)
    return out.getvalue()
