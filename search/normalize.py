"""Pure str -> str normalisation steps shared by the analysis chains (no Whoosh here).

Every function is deterministic and cheap (translate tables built once at import), so that the
same call gives the same result at index and at query time.
"""
from __future__ import annotations

import re
import unicodedata

# --- character classes -------------------------------------------------------------------------

#: Arabic combining marks removed before tokenizing: harakat and tanween (U+064B-U+065F, which also
#: holds the loose hamza above/below that NFD produces), superscript alef (U+0670), the Quranic
#: annotation signs, and tatweel (U+0640), plus the zero-width (non-)joiners used inside words.
ARABIC_MARKS: frozenset[str] = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u200c", "\u200d"]
    + [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + ["\u06E7", "\u06E8"]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
    + [chr(c) for c in range(0x08D3, 0x0900) if unicodedata.category(chr(c)) == "Mn"]
)

#: Blocks whose letters belong to the Arabic script (incl. presentation forms A and B).
ARABIC_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

_MARKS_TABLE = {ord(c): None for c in ARABIC_MARKS}
_MARKS_TABLE[0x00AD] = None  # soft hyphen left inside words by PDF extraction

# Letter variants folded to one letter: hamza seats and madda on alef, alef wasla, alef maksura,
# teh marbuta, hamza on waw / yeh (users type them bare), and the Persian/Urdu look-alikes that
# appear in PDFs and keyboards (keheh, farsi yeh, heh doachashmee, heh goal, ae).
_AR_LETTERS = {
    "\u0622": "\u0627",  # آ
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ
    "\u0672": "\u0627",  # ٲ
    "\u0673": "\u0627",  # ٳ
    "\u0649": "\u064A",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
}
_AR_HAMZA_SEATS = {
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064A",  # ئ -> ي
}
_AR_PERSIAN = {
    "\u06A9": "\u0643",  # ک -> ك
    "\u06AA": "\u0643",  # ڪ -> ك
    "\u06CC": "\u064A",  # ی -> ي
    "\u06D2": "\u064A",  # ے -> ي
    "\u06BE": "\u0647",  # ھ -> ه
    "\u06C1": "\u0647",  # ہ -> ه
    "\u06D5": "\u0647",  # ە -> ه
    "\u06C0": "\u0647",  # ۀ -> ه
}
_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}


def _table(*maps: dict[str, str]) -> dict[int, str]:
    table: dict[int, str] = {}
    for m in maps:
        table.update({ord(k): v for k, v in m.items()})
    return table


_AR_TABLE = _table(_AR_LETTERS, _AR_HAMZA_SEATS, _AR_PERSIAN) | _DIGITS
_AR_TABLE_NO_SEATS = _table(_AR_LETTERS, _AR_PERSIAN) | _DIGITS
_AR_TABLE_NO_PERSIAN = _table(_AR_LETTERS, _AR_HAMZA_SEATS) | _DIGITS


def _latin_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {c: None for c in range(0x0300, 0x0370)}  # combining accents
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii() and base:
            table[cp] = base
    specials = {
        "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    }
    table.update({ord(k): v for k, v in specials.items()})
    return table


_LATIN_FOLD = _latin_fold_table()

#: Apostrophe look-alikes unified to ASCII ' (Word's ’ and the modifier letter ʼ).
APOSTROPHES = "'\u2019\u02bc"
#: Hyphen look-alikes unified to ASCII - (hyphen, non-breaking hyphen, figure dash).
HYPHENS = "-\u2010\u2011\u2012"
_PUNCT_TABLE = {ord(c): "'" for c in APOSTROPHES[1:]} | {ord(c): "-" for c in HYPHENS[1:]}


# --- functions ---------------------------------------------------------------------------------


_ARABIC_SCRIPT = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ARABIC_BLOCKS) + "]")


def has_arabic(text: str) -> bool:
    """True when `text` holds a character of an Arabic-script block."""
    return _ARABIC_SCRIPT.search(text) is not None


def is_arabic_char(ch: str) -> bool:
    """True when `ch` lies in an Arabic-script block (letters, digits, marks, presentation forms)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ARABIC_BLOCKS)


def nfkc(text: str) -> str:
    """Unicode NFKC: ligatures (ﬁ, ﻻ), presentation forms and full-width letters become plain letters."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def strip_arabic_marks(text: str) -> str:
    """Remove harakat, tanween, superscript alef, Quranic signs, tatweel, ZWJ/ZWNJ and soft hyphens."""
    return text if text.isascii() else text.translate(_MARKS_TABLE)


def unify_punctuation(text: str) -> str:
    """Map apostrophe and hyphen look-alikes to ASCII ' and - so elision and compounds see one form."""
    return text if text.isascii() else text.translate(_PUNCT_TABLE)


def normalize_surface(text: str) -> str:
    """What the tokenizer does to a raw word: ' and - unified, NFKC, then marks/tatweel removed."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_PUNCT_TABLE)).translate(_MARKS_TABLE)


def fold_arabic(text: str, *, hamza_seats: bool = True, persian: bool = True) -> str:
    """Fold Arabic letter variants (أ إ آ ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, Persian look-alikes) and digits→0-9."""
    if hamza_seats and persian:
        table = _AR_TABLE
    elif persian:
        table = _AR_TABLE_NO_SEATS
    elif hamza_seats:
        table = _AR_TABLE_NO_PERSIAN
    else:
        table = _table(_AR_LETTERS) | _DIGITS
    return text.translate(table)


def arabic_digits_to_ascii(text: str) -> str:
    """Arabic-Indic (٠-٩) and Eastern/Persian (۰-۹) digits to ASCII 0-9 (numbers match in any script)."""
    return text.translate(_DIGITS)


def fold_latin(text: str) -> str:
    """Remove accents from Latin letters (é→e, ç→c, œ→oe) so users may type without them."""
    return text if text.isascii() else text.translate(_LATIN_FOLD)


def normalize_arabic(text: str) -> str:
    """Full Arabic normalisation of a string: NFKC, marks and tatweel removed, letters and digits folded."""
    return fold_arabic(strip_arabic_marks(nfkc(text)))
