"""Extractor registry: pick the extractor from the file suffix, checked against the file's magic bytes."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .base import Extracted, ExtractionError, Page
from .docx import extract_docx
from .html import extract_html
from .pdf import extract_pdf
from .sniff import sniff_format
from .text import MAX_TEXT_CHARS, extract_text

__all__ = ["Extracted", "ExtractionError", "Page", "SUPPORTED_SUFFIXES", "extract", "is_supported"]

# suffix → (format family, formats the content may have)
_FORMATS: dict[str, tuple[str, frozenset[str]]] = {
    ".pdf": ("pdf", frozenset({"pdf"})),
    ".docx": ("docx", frozenset({"zip"})),
    ".html": ("html", frozenset({"html", "text"})),
    ".htm": ("html", frozenset({"html", "text"})),
    ".xhtml": ("html", frozenset({"html", "text"})),
    ".txt": ("text", frozenset({"text"})),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMATS)
_CONTENT_NAMES = {"html": "HTML", "zip": "a zip archive", "ole": "a legacy/encrypted MS Office file",
                  "pdf": "a PDF", "binary": "binary data", "text": "plain text"}


def is_supported(path: Path) -> bool:
    """True when the file's suffix names a format we can extract."""
    return Path(path).suffix.lower() in _FORMATS


def _mismatch_reason(family: str, found: str) -> str:
    content = _CONTENT_NAMES.get(found, found)
    if family == "docx":
        return f"not a DOCX (zip) file: content is {content}"
    if family == "pdf":
        return f"not a PDF: content is {content}"
    return f"not a {family} file: content is {content}"


def extract(path: Path, *, ocr: bool = True, max_pages: int = 2000, max_chars: int = MAX_TEXT_CHARS) -> Extracted:
    """Extract one file; every failure is an ExtractionError carrying a short human reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise ExtractionError(path, f"unreadable file: {exc.strerror or exc}") from exc
    found = sniff_format(head)
    if found == "empty":
        raise ExtractionError(path, "empty file")
    family, accepted = _FORMATS[suffix]
    if found not in accepted:
        raise ExtractionError(path, _mismatch_reason(family, found))
    runners: dict[str, Callable[[], Extracted]] = {
        "pdf": lambda: extract_pdf(path, ocr=ocr, max_pages=max_pages),
        "docx": lambda: extract_docx(path),
        "html": lambda: extract_html(path),
        "text": lambda: extract_text(path, max_chars=max_chars),
    }
    try:
        return runners[family]()
    except ExtractionError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a library bug on a hostile file must still end as a reasoned error
        raise ExtractionError(path, f"{family} extraction failed: {type(exc).__name__}: {exc}") from exc
