"""Plain-text files: encoding detection (UTF-8/16, Windows-1256, Windows-1252) and a size cap."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from .base import Extracted, ExtractionError, Page
from .sniff import _looks_utf16
from .textfix import fold_compat_forms, tidy_whitespace

MAX_TEXT_CHARS = 20_000_000  # ~20 M characters; the rest of a bigger file is dropped with a warning
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
_ARABIC = re.compile("[\u0621-\u064a]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes) -> str:
    """Best codec for a file's first bytes: BOM, UTF-16 without BOM, UTF-8, else cp1256 vs cp1252."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _looks_utf16(sample[:4096]):
        high_odd = sum(sample[1::2].count(b) for b in (0x00, 0x06))
        high_even = sum(sample[0::2].count(b) for b in (0x00, 0x06))
        return "utf-16-le" if high_odd > high_even else "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1256 keeps the French accented letters of Windows-1252 at the same bytes (é, è, à, ç…),
    # so Arabic letters appearing among the high bytes are what tells the two apart.
    high = [b for b in sample if b >= 0x80]
    arabic = len(_ARABIC.findall(bytes(high).decode("cp1256", "replace")))
    return "cp1256" if high and arabic / len(high) >= 0.3 else "cp1252"


def read_text(path: Path, *, max_chars: int = MAX_TEXT_CHARS) -> tuple[str, str, bool]:
    """(text, encoding, truncated) — decoded incrementally so a huge file is never read whole."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        encoding = detect_encoding(sample)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        parts: list[str] = []
        size = 0
        chunk = sample
        while chunk:
            piece = decoder.decode(chunk)
            parts.append(piece)
            size += len(piece)
            if size > max_chars:
                return "".join(parts)[:max_chars], encoding, True
            chunk = handle.read(CHUNK_BYTES)
        parts.append(decoder.decode(b"", final=True))
    return "".join(parts), encoding, False


def extract_text(path: Path, *, max_chars: int = MAX_TEXT_CHARS) -> Extracted:
    """Extract a plain-text file as one page; undecodable bytes become U+FFFD, never an error."""
    try:
        raw, encoding, truncated = read_text(path, max_chars=max_chars)
    except OSError as exc:
        raise ExtractionError(path, f"unreadable file: {exc.strerror or exc}") from exc
    text = fold_compat_forms(tidy_whitespace(raw))
    if not text:
        raise ExtractionError(path, "no text found")
    warnings = (f"truncated: only the first {max_chars} characters kept",) if truncated else ()
    return Extracted(pages=(Page(1, text),), meta={"encoding": encoding}, warnings=warnings)
