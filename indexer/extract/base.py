"""The extractor contract: every format returns the same frozen `Extracted` value or raises."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Page:
    """One page of text (non-paged formats have a single page numbered 1)."""

    number: int
    text: str
    needs_ocr: bool = False  # text layer unusable (no text, (cid:N) runs, mojibake) and not OCRed
    ocr: bool = False  # text came from OCR


@dataclass(frozen=True)
class Extracted:
    """What an extractor found in one file, before cleaning, language and metadata steps."""

    pages: tuple[Page, ...]
    title: str | None = None  # document metadata title, HTML <title>/<h1>, DOCX core title
    date: str | None = None  # ISO YYYY-MM-DD from document metadata, if any
    lang_hint: str | None = None  # declared language (HTML lang attribute, DOCX language)
    meta: Mapping[str, str] = field(default_factory=dict)  # other raw metadata (author, keywords…)
    warnings: tuple[str, ...] = ()  # e.g. "OCR needed on pages 2-5: install tesseract-ocr …"

    @property
    def text(self) -> str:
        """All pages joined with form feeds, so page boundaries survive."""
        return "\f".join(p.text for p in self.pages)


class ExtractionError(Exception):
    """A file could not be extracted; the message names the path and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
