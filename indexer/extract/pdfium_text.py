"""Page text from PDFium, with multi-letter Arabic glyphs (lam-alef…) put back in reading order."""
from __future__ import annotations

import ctypes
import re

import pypdfium2.raw as pdfium_c

from .arabic_order import RIGHT_JOINING_ONLY

_ARABIC = re.compile("[\u0621-\u064a]")


def _is_valid_glyph_order(chars: str) -> bool:
    """A glyph covering several letters: every letter but the last must join the next one."""
    return not any(c in RIGHT_JOINING_ONLY for c in chars[:-1])


def _glyph_clusters(textpage: object, count: int) -> list[tuple[int, int]]:
    """(start, end) index ranges of consecutive characters drawn by one glyph (same box)."""
    handle = textpage.raw  # type: ignore[attr-defined]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    clusters: list[tuple[int, int]] = []
    previous: tuple[float, float, float, float] | None = None
    start = 0
    for index in range(count):
        pdfium_c.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        box = (left.value, right.value, bottom.value, top.value)
        if box != previous or box[0] == box[1]:
            if index - start > 1:
                clusters.append((start, index))
            start = index
        previous = box
    if count - start > 1:
        clusters.append((start, count))
    return clusters


def fix_ligature_order(text: str, textpage: object) -> str:
    """Undo PDFium's reversal of letters inside ligature glyphs ("املصرح" → "المصرح")."""
    count = pdfium_c.FPDFText_CountChars(textpage.raw)  # type: ignore[attr-defined]
    if count != len(text) or not _ARABIC.search(text):
        return text
    arabic = [
        (a, b) for a, b in _glyph_clusters(textpage, count) if all(_ARABIC.match(c) for c in text[a:b])
    ]
    flipped = kept = 0
    for a, b in arabic:
        here, back = _is_valid_glyph_order(text[a:b]), _is_valid_glyph_order(text[a:b][::-1])
        flipped += back and not here
        kept += here and not back
    if flipped <= kept:
        return text
    chars = list(text)
    for a, b in arabic:
        if _is_valid_glyph_order(text[a:b][::-1]):
            chars[a:b] = chars[a:b][::-1]
    return "".join(chars)


def page_text(page: object) -> str:
    """Raw text of one pypdfium2 page, ligature order repaired."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        text = textpage.get_text_range()
        return fix_ligature_order(text, textpage)
    finally:
        textpage.close()


MANY_PATHS = 100  # text converted to outlines shows up as hundreds of path objects


def page_is_graphic(page: object) -> bool:
    """True when the page draws an image (a scan) or many vector paths (text as outlines)."""
    paths = 0
    for obj in page.get_objects(max_depth=8):  # type: ignore[attr-defined]
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= MANY_PATHS:
                return True
    return False
