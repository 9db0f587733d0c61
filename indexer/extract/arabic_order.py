"""Detect Arabic lines stored in visual (reversed) order and put them back in logical order."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ARABIC_LETTER = "\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc"
_ARABIC_WORD = re.compile(f"[{_ARABIC_LETTER}\u064b-\u065f\u0670]+")
_ARABIC_CHAR = re.compile(f"[{_ARABIC_LETTER}]")
_LATIN_CHAR = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Left-to-right islands inside a right-to-left line: Latin words (spaces allowed between them) and numbers.
_LTR_RUN = re.compile(
    r"[A-Za-z\u00c0-\u024f0-9](?:[A-Za-z\u00c0-\u024f0-9.,:/'’\-]|[ ](?=[A-Za-z\u00c0-\u024f]))*"
    r"(?<=[A-Za-z\u00c0-\u024f0-9])"
)
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")
# Letters that never join the following letter: in logical order they may not start a multi-letter glyph.
RIGHT_JOINING_ONLY = frozenset("اأإآٱدذرزوؤة")
_FINAL_ONLY = frozenset("ةى")


@lru_cache(maxsize=4096)
def _form(ch: str) -> str:
    """Presentation-form kind of one character: 'initial', 'medial', 'final', 'isolated' or ''."""
    decomposition = unicodedata.decomposition(ch)
    if decomposition.startswith("<"):
        return decomposition[1 : decomposition.index(">")]
    return ""


def _word_votes(word: str) -> tuple[int, int]:
    """(logical, reversed) evidence given by one Arabic word."""
    logical = reversed_ = 0
    first, last = _form(word[0]), _form(word[-1])
    if len(word) > 1 and (first or last):
        # Shaped glyphs say where a word really starts: initial forms open it, final forms close it.
        if first in ("initial", "isolated") and last in ("final", "isolated") and first != last:
            logical += 2
        elif first in ("final", "isolated") and last in ("initial", "isolated") and first != last:
            reversed_ += 2
        elif first == "final" or last == "initial":
            reversed_ += 2
        elif first == "initial" or last == "final":
            logical += 2
    base = unicodedata.normalize("NFKC", word)
    base = "".join(c for c in base if not unicodedata.combining(c))
    if len(base) < 3:
        return logical, reversed_
    if base.startswith("ال") or base[-1] in _FINAL_ONLY:
        logical += 1
    if (base.endswith("لا") and not base.startswith("ال")) or base[0] in _FINAL_ONLY:
        reversed_ += 1
    return logical, reversed_


def order_votes(text: str) -> tuple[int, int]:
    """Count (logical, reversed) evidence over all Arabic words of a line or page."""
    logical = reversed_ = 0
    for word in _ARABIC_WORD.findall(text):
        a, b = _word_votes(word)
        logical += a
        reversed_ += b
    return logical, reversed_


def is_visual_order(line: str, *, default: bool = False) -> bool:
    """True when the Arabic of this line reads backwards; `default` decides lines without evidence."""
    logical, reversed_ = order_votes(line)
    if logical == reversed_:
        return default and bool(_ARABIC_CHAR.search(line))
    return reversed_ > logical


def visual_to_logical(line: str) -> str:
    """Reorder one visual-order line to logical order, keeping Latin words and numbers readable."""
    arabic = len(_ARABIC_CHAR.findall(line))
    latin = len(_LATIN_CHAR.findall(line))
    if arabic >= latin:
        # Right-to-left line: the whole line runs backwards, except its left-to-right islands.
        flipped = line[::-1].translate(_MIRROR)
        return _LTR_RUN.sub(lambda m: m.group()[::-1], flipped)
    # Left-to-right line with Arabic islands: only the islands run backwards.
    return re.sub(
        f"[{_ARABIC_LETTER}\u064b-\u065f\u0670](?:[ {_ARABIC_LETTER}\u064b-\u065f\u0670]*[{_ARABIC_LETTER}\u064b-\u065f\u0670])?",
        lambda m: m.group()[::-1],
        line,
    )


def repair_visual_lines(text: str) -> tuple[str, int]:
    """Put every visual-order line of a page back in logical order; returns (text, lines repaired)."""
    if not _ARABIC_CHAR.search(text):
        return text, 0
    logical, reversed_ = order_votes(text)
    page_reversed = reversed_ > logical
    out: list[str] = []
    repaired = 0
    for line in text.split("\n"):
        if _ARABIC_CHAR.search(line) and is_visual_order(line, default=page_reversed):
            out.append(visual_to_logical(line))
            repaired += 1
        else:
            out.append(line)
    return "\n".join(out), repaired
