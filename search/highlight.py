"""Snippets cut from the ORIGINAL stored text with <mark> around the words that matched."""
from __future__ import annotations

import re
from html import escape

from whoosh import highlight as wh
from whoosh.query import Query

from search import analysis

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


def first_match(text: str, terms: frozenset[str], lang: str) -> int:
    """Character offset of the first chunk of `text` holding one of `terms`, or -1 (why: look only there).

    The text is split in growing windows cut at whitespace: most first matches are in the first
    kilobytes, and splitting a whole long text costs more than analysing its first chunks.
    """
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
    """Offset of the first occurrence of `chunk` in text[start:end] that is a whole whitespace-free
    run (not the tail or head of a longer word: "formation" inside "information"); -1 if none.
    `start` and `end` are run boundaries (the window's edges are whitespace or the text's ends)."""
    size = len(chunk)
    at = text.find(chunk, start, end)
    while at >= 0:
        after = at + size
        if (at == start or text[at - 1].isspace()) and (after == end or text[after].isspace()):
            return at
        at = text.find(chunk, at + 1, end)
    return -1


def _marks(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """(start, end) of every matching token in text[start:end], through the chunk cache (the chains never look across whitespace).

    Only a matching chunk is located, at each of its occurrences bounded by whitespace or by the
    window's edges, i.e. exactly where a scan of the window's whitespace-free runs would find it.
    """
    out: list[tuple[int, int]] = []
    hits, cache = _matching(set(text[start:end].split()), terms, lang)
    for chunk in hits:
        spans = [(s, e) for s, e, term in cache[chunk][1] if term in terms]
        size = len(chunk)
        at = text.find(chunk, start, end)
        while at >= 0:
            after = at + size
            if (at == start or text[at - 1].isspace()) and (after == end or text[after].isspace()):
                out.extend((at + s, at + e) for s, e in spans)
            at = text.find(chunk, at + 1, end)
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
    return tuple(n for n, page in enumerate(pages, start=1) if _matching(set(page.split()), terms, lang)[0])
