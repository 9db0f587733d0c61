"""Whoosh tokenizer and filters of the Arshif analysis chains (module-level, picklable, comparable).

The tokenizer marks each token with its script (``t.ar``: True for Arabic); every filter acts
only on the tokens of its own script and passes the others through untouched, so one chain
handles French/English text that quotes Arabic and Arabic text that quotes "PRIM" or "GIZ".
Tokens are the tokenizer's single reused object: filters edit ``t.text`` (and ``t.pos`` /
``t.startchar`` where they must) and yield ``t``; none keeps a token across iterations.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import Stemmer
from whoosh.analysis import Filter, Token, Tokenizer

from search import arabic_stem
from search.normalize import (
    APOSTROPHES,
    ARABIC_BLOCKS,
    ARABIC_MARKS,
    HYPHENS,
    fold_arabic,
    fold_latin,
    normalize_surface,
)
from search.stopwords import ARABIC_STOP, LATIN_STOP

# --- tokenizer ---------------------------------------------------------------------------------


def char_class(chars: set[str]) -> str:
    """A regex character class matching exactly `chars` (collapsed into ranges)."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        parts.append(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _arabic_word_chars() -> set[str]:
    chars = set(ARABIC_MARKS)
    for lo, hi in ARABIC_BLOCKS:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch.isalnum():
                chars.add(ch)
    return chars


_AR = char_class(_arabic_word_chars())
_AR_RANGES = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ARABIC_BLOCKS)
# A Latin (or any non-Arabic) word character: a word char that is neither _ nor Arabic, with the
# combining accents / soft hyphens that follow it.
_LAT = f"(?:[^\\W_{_AR_RANGES}][\\u0300-\\u036f\\u00ad]*)"
_JOIN = "[" + re.escape(APOSTROPHES + HYPHENS) + "]"
#: One token: an Arabic-script run (letters, digits, harakat, tatweel), or a Latin run that may hold
#: inner apostrophes and hyphens (l'intégration, Tanger-Tétouan) for the elision/compound filters.
_AR_SEARCH = re.compile(_AR)
TOKEN_PATTERN = re.compile(f"(?P<ar>{_AR}+)|(?P<lat>{_LAT}+(?:{_JOIN}{_LAT}+)*)")


def _eq(self: object, other: object) -> bool:
    return type(self) is type(other) and self.__dict__ == other.__dict__


class ScriptTokenizer(Tokenizer):
    """Split text into Arabic and Latin words, normalising each (NFKC, harakat/tatweel removed).

    Offsets (``startchar``/``endchar``) always point into the ORIGINAL text, so highlights show the
    vocalised / accented / ligatured original even though the token text is normalised. A
    compatibility ligature that expands to several words (ﷺ) yields one token per word, all
    spanning the ligature.
    """

    __eq__ = _eq

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield one reused Token per word of `value`, tagged with its script in ``t.ar``."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = normalize_surface(value)
            t.ar = _AR_SEARCH.search(value) is not None
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for m in TOKEN_PATTERN.finditer(value):
            raw = m.group()
            text = raw if raw.isascii() else normalize_surface(raw)
            is_ar = m.lastgroup == "ar"
            pieces = text.split() if (" " in text or not text) else (text,)
            for piece in pieces:
                t.text = piece
                t.ar = is_ar
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = raw
                if positions:
                    t.pos = pos
                    pos += 1
                if chars:
                    t.startchar = start_char + m.start()
                    t.endchar = start_char + m.end()
                yield t


# --- filters -----------------------------------------------------------------------------------


class _ScriptFilter(Filter):
    """Base: comparable by type and attributes, hashable, picklable (no unpicklable state)."""

    __eq__ = _eq

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(self.__dict__.items()))))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"{type(self).__name__}({args})"


class LatinLowercaseFilter(_ScriptFilter):
    """Lower-case Latin tokens (Arabic has no case)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.ar:
                t.text = t.text.lower()
            yield t


_ELIDED = {
    "fr": frozenset(
        "l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu".split()
    ),
    "en": frozenset(),
}


class ElisionFilter(_ScriptFilter):
    """Drop an elided article/pronoun (l' d' qu' jusqu'…; English: the possessive 's) and join the rest.

    "l'intégration" → "intégration" (start offset moved past "l'"), "aujourd'hui" → "aujourdhui".
    Apostrophes were unified to ' by the tokenizer, so ’ and ʼ behave the same.
    """

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        elided = _ELIDED.get(self.lang, frozenset())
        english = self.lang == "en"
        for t in tokens:
            text = t.text
            if not t.ar and "'" in text:
                head, _, tail = text.partition("'")
                if head in elided and tail:
                    if t.chars and t.endchar - t.startchar == len(text):
                        t.startchar += len(head) + 1
                    text = tail
                if english and text.endswith("'s"):
                    if t.chars and t.endchar - t.startchar == len(t.text):
                        t.endchar -= 2
                    text = text[:-2]
                t.text = text.replace("'", "")
                if not t.text:  # a lone apostrophe-like letter (ʼ) is no word
                    continue
            yield t


_HYPHEN_SPLIT = re.compile("-+")


class CompoundFilter(_ScriptFilter):
    """Split hyphenated words into their parts at consecutive positions; in index mode also keep the
    parts joined (at the last part's position) so "tangertetouan" and "covid19" find them too.

    Later positions shift so phrase queries over the parts ("Tanger Tétouan") still match.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            if t.positions and shift:
                t.pos += shift
            if t.ar or "-" not in t.text:
                yield t
                continue
            parts = [p for p in _HYPHEN_SPLIT.split(t.text) if p]
            if len(parts) <= 1:
                t.text = "".join(parts)
                if t.text:
                    yield t
                else:
                    shift -= 1
                continue
            start = t.startchar if t.chars else 0
            exact = t.chars and t.endchar - t.startchar == len(t.text)
            offsets = []
            if exact:
                i = 0
                for p in parts:
                    i = t.text.index(p, i)
                    offsets.append((start + i, start + i + len(p)))
                    i += len(p)
            whole = (t.startchar, t.endchar) if t.chars else None
            pos0 = t.pos if t.positions else 0
            for k, p in enumerate(parts):
                t.text = p
                if t.positions:
                    t.pos = pos0 + k
                if t.chars:
                    t.startchar, t.endchar = offsets[k] if exact else whole  # type: ignore[misc]
                yield t
            if t.mode == "index":
                # the joined form shares the last part's position (an alternative, not a new word)
                t.text = "".join(parts)
                if t.positions:  # reset: later filters edited the reused token
                    t.pos = pos0 + len(parts) - 1
                if t.chars:
                    t.startchar, t.endchar = whole  # type: ignore[misc]
                yield t
            shift += len(parts) - 1


class StopFilter(_ScriptFilter):
    """Remove stop words of the token's script (Latin list of `lang`, Arabic list), renumbering
    positions so that "comité de pilotage" and "comité pilotage" are the same phrase at index and
    query time. With ``removestops=False`` (highlighting) stop words are kept, marked ``stopped``.
    """

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        latin = LATIN_STOP[self.lang]
        # Renumbering by slots: the first token at an input position is a word; later tokens at the
        # same position are alternatives (a compound's joined form) and never open a new position.
        next_out: int | None = None
        last_in: int | None = None
        slot_out: int | None = None
        for t in tokens:
            stop = t.text in (ARABIC_STOP if t.ar else latin)
            if t.positions:
                p = t.pos
                if next_out is None:
                    next_out = p
                if p != last_in:
                    last_in = p
                    slot_out = None
                    if not stop:
                        slot_out = next_out
                        next_out += 1
                elif not stop and slot_out is None:
                    slot_out = max(next_out - 1, 0)
                if not stop:
                    t.pos = slot_out
            if stop:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            t.stopped = False
            yield t


class ArabicNormalizeFilter(_ScriptFilter):
    """Fold Arabic letters on Arabic tokens: أ إ آ ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, Persian forms, digits→0-9."""

    def __init__(self, hamza_seats: bool = True, persian: bool = True) -> None:
        self.hamza_seats = hamza_seats
        self.persian = persian

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        seats, persian = self.hamza_seats, self.persian
        for t in tokens:
            if t.ar:
                t.text = fold_arabic(t.text, hamza_seats=seats, persian=persian)
            yield t


class ArabicStemFilter(_ScriptFilter):
    """Light-stem Arabic tokens (see search.arabic_stem; the switches are the measured extra rules)."""

    def __init__(
        self,
        repeat_article: bool = True,
        accusative_alef: bool = True,
        extra_suffixes: bool = False,
        extra_prefixes: bool = False,
        waw_min: int = 4,
        protect_waw: bool = True,
    ) -> None:
        self.waw_min = waw_min
        self.protect_waw = protect_waw
        self.repeat_article = repeat_article
        self.accusative_alef = accusative_alef
        self.extra_suffixes = extra_suffixes
        self.extra_prefixes = extra_prefixes

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        flags = (self.repeat_article, self.accusative_alef, self.extra_suffixes, self.extra_prefixes, self.waw_min,
                 self.protect_waw)
        stem = arabic_stem.stem
        for t in tokens:
            if t.ar:
                t.text = stem(t.text, *flags)
            yield t


_SNOWBALL = {"fr": "french", "en": "english"}
_STEMMERS: dict[str, Stemmer.Stemmer] = {}
_STEM_CACHE: dict[str, dict[str, str]] = {}
_CACHE_MAX = 300_000


def latin_stem(word: str, lang: str) -> str:
    """Snowball stem of a Latin word (PyStemmer: C speed, same output as Snowball 3.x), cached."""
    cache = _STEM_CACHE.get(lang)
    if cache is None:
        _STEMMERS[lang] = Stemmer.Stemmer(_SNOWBALL[lang])
        cache = _STEM_CACHE[lang] = {}
    out = cache.get(word)
    if out is None:
        out = _STEMMERS[lang].stemWord(word)
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[word] = out
    return out


class LatinStemFilter(_ScriptFilter):
    """Snowball stemmer of the field's language (French or English/Porter2) on Latin tokens."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        lang = self.lang
        for t in tokens:
            if not t.ar:
                t.text = latin_stem(t.text, lang)
            yield t


class AccentFoldFilter(_ScriptFilter):
    """Remove accents from Latin tokens (é→e, ç→c, œ→oe) — identical at index and query time."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.ar:
                t.text = fold_latin(t.text)
                if not t.text:  # only marks were left (a stray combining accent)
                    continue
            yield t
