"""Turn the date spellings found in document metadata into ISO YYYY-MM-DD."""
from __future__ import annotations

import re
from datetime import date

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat() if 1900 <= y <= 2100 else None
    except ValueError:
        return None


def pdf_date_to_iso(value: str | None) -> str | None:
    """ISO date from a PDF date string ("D:20110705113319+01'00'" → "2011-07-05")."""
    if not value:
        return None
    m = _PDF_DATE.match(value.strip())
    if not m or not m.group(2):
        return parse_date(value)
    return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def parse_date(value: str | None) -> str | None:
    """ISO date from a free-form metadata value (ISO 8601, YYYY/MM/DD or DD/MM/YYYY)."""
    if not value:
        return None
    m = _ISO_LIKE.search(value)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMY.search(value)
    if m:
        return _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None
