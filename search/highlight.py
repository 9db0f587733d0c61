"""Snippets cut from the ORIGINAL stored text with <mark> around the words that matched."""
from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Iterator

from whoosh import highlight as wh
from whoosh.query import Query

from search import analysis
from search.filters import char_class
from search.normalize import APOSTROPHES, ARABIC_MARKS, HYPHENS, fold_arabic, fold_latin, is_arabic_char, unify_punctuation

SNIPPET_CHARS = 220
MAX_SCAN_CHARS = 300_000
WINDOW_CHARS = 800  # text after the first match in which a second fragment is looked for
_SPACE = re.compile(r"\s")
CHUNKS_CACHED = 100_000  # analysed whitespace chunks kept per language (the chains never look across whitespace)
FIRST_WINDOW_CHARS = 256  # first window in which first_match looks, then 4x larger ones


class _MarkFormatter(wh.Formatter):
    """Escape everything, wrap matched tokens in <mark>."""

    between = " … "

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return "<mark>" + escape(wh.get_text(text, token, replace)) + "</mark>"

    def _text(self, text: str) -> str:
        return escape(text)


def query_terms(query: Query | None, fieldname: str) -> frozenset[str]:
    """The analysed terms of `query` that search `fieldname` (positive clauses only)."""
    if query is None:
        return frozenset()
    out = set()
    for fname, text in query.iter_all_terms(phrases=True):
        if fname == fieldname:
            out.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(out)


# Per language: chunk -> (its terms as a set, its (start, end, term) tokens), and term -> the cached
# chunks holding it. With both, the chunks of a window that match a query are found by set
# operations in C (the window's distinct chunks minus those cached, then intersected with the
# query terms' chunks) instead of one Python-level probe per chunk. Replaced by empty ones when
# full (a few thousand chunks make the working set); a call keeps the pair it started with.
_Chunks = dict[str, tuple[frozenset[str], tuple[tuple[int, int, str], ...]]]
_STATE: dict[str, tuple[_Chunks, dict[str, set[str]]]] = {}


def _state(lang: str) -> tuple[_Chunks, dict[str, set[str]]]:
    """The (chunk cache, term -> chunks) pair of a language, fresh ones once the cache is full."""
    state = _STATE.get(lang)
    if state is None or len(state[0]) > CHUNKS_CACHED:
        state = _STATE[lang] = ({}, {})
    return state


def _add(chunk: str, lang: str, cache: _Chunks, forms: dict[str, set[str]]) -> None:
    """Analyse one whitespace-free chunk as the highlighter does (stops kept) into both maps."""
    tokens = tuple(
        (t.startchar, t.endchar, t.text)
        for t in analysis.analyzer(lang)(chunk, chars=True, mode="query", removestops=False)
    )
    terms = frozenset(t for _, _, t in tokens)
    cache[chunk] = (terms, tokens)
    for term in terms:
        forms.setdefault(term, set()).add(chunk)


def _matching(chunks: set[str], terms: frozenset[str], lang: str) -> tuple[set[str], _Chunks]:
    """The chunks of `chunks` holding one of `terms` (analysing those not cached yet), and the cache."""
    cache, forms = _state(lang)
    for chunk in chunks.difference(cache):
        _add(chunk, lang, cache, forms)
    hits: set[str] = set()
    for term in terms:
        found = forms.get(term)
        if found:
            hits |= chunks.intersection(found)
    return hits, cache


# ---------------------------------------------------------------- anchors
# A term's first characters stand, contiguous, in every chunk that yields it: the chain cuts
# whole chunks into tokens, changes characters one for one (case, accents, Arabic letter variants,
# digits, apostrophes and hyphens), drops marks inside words (harakat, tatweel, soft hyphens), and
# its stemmers only cut prefixes and suffixes; NFKC, the one step that can change characters
# otherwise, changes none inside the words of a stretch without _NFKC_UNSAFE characters (checked on
# every stretch read, else the plain scan).
# So a regex of the terms' first characters, widened to every character that becomes them,
# finds every chunk that may hold a term in one pass in C: only those chunks are looked up or analysed.
_IGNORED_IN_WORDS = "".join(sorted(set(ARABIC_MARKS) | {"\u00ad"}))
_SURFACE_RANGES = ((0x20, 0x7F), (0xA0, 0x250), (0x1E00, 0x1F00), (0x2010, 0x2013), (0x2019, 0x201A), (0x2BC, 0x2BD),
                   (0x600, 0x700), (0x750, 0x780), (0x8A0, 0x900))


def _char_form(ch: str) -> str:
    """What one surface character becomes in a term (case, accents, Arabic variants, ' and -)."""
    ch = unify_punctuation(ch)
    if is_arabic_char(ch):
        return fold_arabic(ch)
    return fold_latin(ch.lower())


def _surface_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(form -> the characters that become exactly it, first character of a form -> the characters
    whose form starts with it, two-character form -> the characters that become it: œ for "oe")."""
    exact: dict[str, set[str]] = {}
    starts: dict[str, set[str]] = {}
    for lo, hi in _SURFACE_RANGES:
        for cp in range(lo, hi):
            ch = chr(cp)
            if ch in _IGNORED_IN_WORDS or ch.isspace() or unicodedata.normalize("NFKC", ch) != ch:
                continue
            form = _char_form(ch)
            if form:
                exact.setdefault(form, set()).add(ch)
                starts.setdefault(form[0], set()).add(ch)
    joined = {k: "".join(sorted(v)) for k, v in exact.items()}
    return ({k: v for k, v in joined.items() if len(k) == 1}, {k: "".join(sorted(v)) for k, v in starts.items()},
            {k: v for k, v in joined.items() if len(k) == 2})


_EXACT, _STARTS, _PAIRS = _surface_tables()
# may stand between a term's first two characters in the text: marks dropped inside words, Latin
# accents that NFKC composes with the letter before them (folded away after), and the apostrophes
# and hyphens the elision and compound filters join across (d'Ivoire -> "divoir")
_LATIN_ACCENTS = "".join(chr(c) for c in range(0x0300, 0x0370))
_BETWEEN = _IGNORED_IN_WORDS + _LATIN_ACCENTS + APOSTROPHES + HYPHENS


def _nfkc_unsafe_pattern() -> re.Pattern[str]:
    """Characters of a word that NFKC would change beyond what the anchors see through: letters and
    digits with a compatibility form (ligatures, presentation forms, full-width, superscripts), marks
    other than the dropped and Latin-accent ones, Hangul jamo (they compose), and the planes above
    the BMP. Not "…" or a no-break space: outside words they change no term."""
    seen = set(_IGNORED_IN_WORDS + _LATIN_ACCENTS)
    bad = []
    for cp in range(0x10000):
        ch = chr(cp)
        if ch in seen or 0xD800 <= cp < 0xE000:
            continue
        mark = unicodedata.category(ch).startswith("M")
        if mark or ((ch.isalnum() or ch in APOSTROPHES + HYPHENS) and unicodedata.normalize("NFKC", ch) != ch):
            bad.append(cp)
    bad += list(range(0x1100, 0x1200)) + list(range(0x3130, 0x3190)) + list(range(0xA960, 0xA980)) + list(range(0xD7B0, 0xD800))
    return re.compile(char_class({chr(cp) for cp in bad}) + "|[\U00010000-\U0010ffff]")


_NFKC_UNSAFE = _nfkc_unsafe_pattern()  # ~15 ms at import, not inside the first search


def _anchor_safe(text: str, start: int, end: int) -> bool:
    """Whether the anchors see every term of text[start:end] (no character NFKC would change in a word)."""
    return _NFKC_UNSAFE.search(text, start, end) is None


_SPACE_OR_END = re.compile(r"\s|\Z")


ANCHOR_CHARS = 3  # a term's first characters looked for (2 found too many other words: "دو" of دول)


def _anchor(term: str) -> str | None:
    """The regex of `term`'s first ANCHOR_CHARS characters as a chunk may spell them; None when a
    character is outside the tables (the plain scan then decides)."""
    return _spelling(term[:ANCHOR_CHARS]) if term else None


def _spelling(head: str) -> str | None:
    """Every surface spelling of `head`: each character one that becomes it (the last one: one whose
    form starts with it, œ for "o"), or one that becomes two of them (œ for "oe"), with the
    characters the chain drops or joins across in between; None outside the tables."""
    between = f"[{re.escape(_BETWEEN)}]*"
    if len(head) == 1:
        return f"[{re.escape(_STARTS[head])}]" if head in _STARTS else None
    alternatives = []
    if head[0] in _EXACT:
        rest = _spelling(head[1:])
        if rest is not None:
            alternatives.append(f"[{re.escape(_EXACT[head[0]])}]{between}{rest}")
    if head[:2] in _PAIRS:
        rest = _spelling(head[2:]) if len(head) > 2 else ""
        if rest is not None:
            alternatives.append(f"[{re.escape(_PAIRS[head[:2]])}]" + (f"{between}{rest}" if rest else ""))
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


_FINDERS: dict[frozenset[str], re.Pattern[str] | None] = {}


def _finder(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regex of the anchors of `terms` (cached: a page asks for the same terms ten times)."""
    found = _FINDERS.get(terms, False)
    if found is False:
        anchors = [_anchor(t) for t in sorted(terms)]
        found = None if not anchors or None in anchors else re.compile("|".join(dict.fromkeys(anchors)))  # type: ignore[arg-type]
        if len(_FINDERS) > 256:
            _FINDERS.clear()
        _FINDERS[terms] = found
    return found


def _candidate_chunks(text: str, start: int, end: int, finder: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each chunk of text[start:end] holding an anchor, in order, each once.
    `start` and `end` are chunk boundaries."""
    last = -1
    for m in finder.finditer(text, start, end):
        at = m.start()
        if at < last:
            continue
        first = at
        while first > start and not text[first - 1].isspace():
            first -= 1
        stop = _SPACE_OR_END.search(text, m.end()).start()  # type: ignore[union-attr]
        last = min(stop, end)
        yield first, last


def _chunk_entry(chunk: str, lang: str) -> tuple[frozenset[str], tuple[tuple[int, int, str], ...]]:
    """(terms, tokens) of one chunk, through the chunk cache."""
    cache, forms = _state(lang)
    found = cache.get(chunk)
    if found is None:
        _add(chunk, lang, cache, forms)
        found = cache[chunk]
    return found


def first_match(text: str, terms: frozenset[str], lang: str) -> int:
    """Character offset of the first chunk of `text` holding one of `terms`, or -1 (why: look only there).

    Found through the terms' anchors (see above) on stretches without _NFKC_UNSAFE characters; else by the plain scan.
    """
    finder = _finder(terms)
    if finder is not None:
        checked = 0  # text[:checked] is known to be safe for the anchors
        for first, last in _candidate_chunks(text, 0, len(text), finder):
            if not _anchor_safe(text, checked, last):
                break
            checked = last
            if not terms.isdisjoint(_chunk_entry(text[first:last], lang)[0]):
                return first
        else:
            if _anchor_safe(text, checked, len(text)):
                return -1
    return _first_match_scan(text, terms, lang)


def _first_match_scan(text: str, terms: frozenset[str], lang: str) -> int:
    """first_match by analysing every chunk (cached), in growing windows cut at whitespace: most
    first matches are in the first kilobytes, and splitting a whole long text costs more."""
    start, step, size = 0, FIRST_WINDOW_CHARS, len(text)
    while start < size:
        end = _boundary(text, start + step, forward=True) if start + step < size else size
        chunks = text[start:end].split()
        hits, _ = _matching(set(chunks), terms, lang)
        if hits:
            return _whole_chunk(text, chunks[min(map(chunks.index, hits))], start, end)
        start, step = end, step * 4
    return -1


def _whole_chunk(text: str, chunk: str, start: int, end: int) -> int:
    """Offset of the first whole occurrence of `chunk` in text[start:end] (see _whole_chunks); -1 if none."""
    return next(_whole_chunks(text, chunk, start, end), -1)


def _whole_chunks(text: str, chunk: str, start: int, end: int) -> Iterator[int]:
    """Offsets of the occurrences of `chunk` in text[start:end] that are whole whitespace-free runs
    (not the tail or head of a longer word: "formation" inside "information"). `start` and `end`
    are run boundaries (the window's edges are whitespace or the text's ends)."""
    size = len(chunk)
    at = text.find(chunk, start, end)
    while at >= 0:
        after = at + size
        if (at == start or text[at - 1].isspace()) and (after == end or text[after].isspace()):
            yield at
        at = text.find(chunk, at + 1, end)


def _marks(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """(start, end) of every matching token in text[start:end] (chunk boundaries), through the chunk
    cache (the chains never look across whitespace): the anchors' chunks only where they are safe (see _anchor_safe)."""
    finder = _finder(terms)
    if finder is None or not _anchor_safe(text, start, end):
        return _marks_scan(text, start, end, terms, lang)
    out: list[tuple[int, int]] = []
    for first, last in _candidate_chunks(text, start, end, finder):
        found, tokens = _chunk_entry(text[first:last], lang)
        if not terms.isdisjoint(found):
            out.extend((first + s, first + e) for s, e, term in tokens if term in terms)
    return out


def _marks_scan(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """_marks by analysing every chunk of the window. Only a matching chunk is located, at each of
    its occurrences bounded by whitespace or by the window's edges, i.e. exactly where a scan of the
    window's whitespace-free runs would find it."""
    out: list[tuple[int, int]] = []
    hits, cache = _matching(set(text[start:end].split()), terms, lang)
    for chunk in hits:
        spans = [(s, e) for s, e, term in cache[chunk][1] if term in terms]
        for at in _whole_chunks(text, chunk, start, end):
            out.extend((at + s, at + e) for s, e in spans)
    out.sort()
    return out


def _boundary(text: str, at: int, forward: bool) -> int:
    """The nearest whitespace at or after (forward) / before `at`, so no word is cut."""
    if at <= 0:
        return 0
    if at >= len(text):
        return len(text)
    found = _SPACE.search(text, at) if forward else None
    if forward:
        return found.start() if found else len(text)
    space = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at))
    return space + 1 if space >= 0 else 0


def _fragment(text: str, marks: list[tuple[int, int]], start: int, end: int) -> str:
    """text[start:end] escaped, the marked ranges wrapped in <mark>."""
    parts, last = [], start
    for s, e in marks:
        if s < start or e > end:
            continue
        parts.append(escape(text[last:s]))
        parts.append("<mark>" + escape(text[s:e]) + "</mark>")
        last = e
    parts.append(escape(text[last:end]))
    return "".join(parts).strip()


def snippet(text: str, terms: frozenset[str], lang: str, chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet of the ORIGINAL `text`: up to two fragments around its first matches of `terms`; else its start.

    A pre-check over whitespace chunks (analysed once each, cached) finds the first match, then only
    the neighbourhood is read, so a long document costs about as much as a short one.
    """
    text = text.replace("\f", "\n")[:MAX_SCAN_CHARS]
    pos = first_match(text, terms, lang) if terms else -1
    if pos >= 0:
        marks = _marks(text, pos, _boundary(text, pos + WINDOW_CHARS, forward=True), terms, lang)
        fragments, covered = [], -1
        for s, _ in marks:
            if s < covered:
                continue
            start = max(_boundary(text, s - chars // 3, forward=False), covered)  # no passage shown twice
            end = _boundary(text, start + chars, forward=True)
            fragments.append(_fragment(text, marks, start, end))
            covered = end
            if len(fragments) == 2:
                break
        if fragments:
            return _MarkFormatter.between.join(fragments)
    return _head(text, chars)


def _head(text: str, chars: int) -> str:
    """The text's first `chars` characters, whitespace collapsed, escaped (the snippet of a browse
    page, or of a hit matched on its title or metadata only)."""
    head = " ".join(text[: chars * 2].split())
    return escape(head[:chars] + ("…" if len(head) > chars else ""))


def mark_all(text: str, terms: frozenset[str], lang: str) -> str:
    """The whole text, escaped, with every match wrapped in <mark> (for the document page)."""
    if not terms:
        return escape(text)
    parts, last = [], 0
    for token in analysis.analyzer(lang)(text, chars=True, mode="query", removestops=False):
        if token.text in terms:
            parts.append(escape(text[last : token.startchar]))
            parts.append("<mark>" + escape(text[token.startchar : token.endchar]) + "</mark>")
            last = token.endchar
    parts.append(escape(text[last:]))
    return "".join(parts)


def matching_pages(pages: list[str], terms: frozenset[str], lang: str) -> tuple[int, ...]:
    """1-based numbers of the pages containing at least one of `terms`."""
    if not terms or len(pages) < 2:
        return ()
    return tuple(n for n, page in enumerate(pages, start=1) if first_match(page, terms, lang) >= 0)
