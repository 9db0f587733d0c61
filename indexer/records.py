"""The frozen record of one document, the only thing the writer maps onto the schema."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRecord:
    """A document ready to index: identity, original text, labels; paths lists every copy."""

    id: str
    path: str  # primary path, relative to the indexed folder, '/' separators
    paths: tuple[str, ...]
    source: str  # absolute path of the primary copy
    title: str
    body: str  # original text; pages separated by \f
    langs: tuple[str, ...]
    primary_lang: str
    date: str | None  # YYYY-MM-DD; a source giving only a month or a year says day (and month) 01
    type: str | None
    programs: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    format: str = ""
    pages: int = 1
    size: int = 0
    hash: str = ""
    visibility: str = "public"
    groups: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    date_precision: str = "day"  # "day", "month" or "year": how much of `date` its source gave

    @property
    def month(self) -> str | None:
        """YYYY-MM for the month facet, None when the date gives no month (a bare year is not January)."""
        return self.date[:7] if self.date and self.date_precision != "year" else None

    @property
    def latin_lang(self) -> str:
        """Language whose stemmer handles this document's Latin-script words."""
        for lang in self.langs:
            if lang in ("fr", "en"):
                return lang
        return "fr"

    @property
    def year(self) -> str | None:
        """Year of the document date, for the year facet."""
        return self.date[:4] if self.date else None
