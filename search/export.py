"""Result sets as citable rows (CSV safe for spreadsheets, and JSON): the metadata researchers cite."""
from __future__ import annotations

import csv
import io
from typing import Iterable

COLUMNS: tuple[str, ...] = (
    "id", "title", "date", "type", "lang", "programs", "partners", "regions", "countries", "path", "url",
)
LIST_SEPARATOR = "; "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def row(stored: dict, doc_url: str) -> dict:
    """One exported document: ids of its metadata (stable across label changes) and its URL."""
    return {
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
