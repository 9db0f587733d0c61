"""Decide whether a page's text layer is usable or the page must be OCRed."""
from __future__ import annotations

import re

_CID = re.compile(r"\(cid:\d+\)")
_ALLOWED = re.compile(
    "[\\s!-~"  # ASCII printable
    "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"  # French letters
    "\u00a0\u00ab\u00bb\u00b0\u00b7\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u20ac\u00a7"
    "\ufffd\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u200c-\u200f]"
)
_ODD_CASE = re.compile(r"\w*[a-zà-ÿ][A-ZÀ-Þ]\w*")  # "áHQÉfi": case flips inside a token
_LETTER = re.compile(r"[^\W\d_]")
MIN_LETTERS = 20  # below this a page with an image is treated as scanned
MAX_BAD_RATIO = 0.15  # measured: clean FR/AR pages < 0.02, legacy-font SNIA-ar pages > 0.3


def cid_ratio(text: str) -> float:
    """Share of the text made of pdfminer `(cid:N)` placeholders (unmapped glyphs)."""
    if not text:
        return 0.0
    return sum(len(m) for m in _CID.findall(text)) / len(text)


def bad_ratio(text: str) -> float:
    """Share of non-space characters that look like garbage: unmapped glyphs, foreign scripts, mojibake."""
    visible = [c for c in _CID.sub("\x00", text) if not c.isspace()]
    if not visible:
        return 0.0
    bad = sum(1 for c in visible if not _ALLOWED.match(c))
    tokens = text.split()
    odd_tokens = sum(1 for t in tokens if _ODD_CASE.fullmatch(t))
    return bad / len(visible) + (odd_tokens / len(tokens) if tokens else 0.0)


def letter_count(text: str) -> int:
    """Number of letters (any script) in the text."""
    return len(_LETTER.findall(text))


def unusable_reason(text: str, *, has_images: bool) -> str | None:
    """Why a page's text layer can't be indexed as is (None when it is fine)."""
    if letter_count(text) < MIN_LETTERS:
        return "no text layer" if has_images else None
    ratio = bad_ratio(text) + cid_ratio(text)
    if ratio > MAX_BAD_RATIO:
        return f"garbled text layer (bad ratio {ratio:.2f})"
    return None
