"""Snippets cut from the ORIGINAL stored text with <mark> around the words that matched."""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from whoosh import highlight as wh
from whoosh.query import Query

from search import analysis

SNIPPET_CHARS = 220
MAX_SCAN_CHARS = 300_000
WINDOW_CHARS = 800  # text after the first match in which a second fragment is looked for
_SPACE = re.compile(r"\s")
CHUNKS_CACHED = 100_000  # analysed whitespace chunks kept per language (the chains never look across whitespace)
FIRST_WINDOW_CHARS = 2048  # first window in which first_match looks, then 4x larger ones


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


# lang -> chunk -> (its terms as a set, its (start, end, term) tokens); plain dicts, not lru_cache:
# a snippet looks up every chunk up to its first match, and a dict probe costs a fraction of a
# two-argument lru_cache call. Emptied when full (a few thousand chunks make the working set).
_CHUNKS: dict[str, dict[str, tuple[frozenset[str], tuple[tuple[int, int, str], ...]]]] = {}


def _analysed(chunk: str, lang: str) -> tuple[frozenset[str], tuple[tuple[int, int, str], ...]]:
    """(terms, tokens) of one whitespace-free chunk as the highlighter analyses it (stops kept), cached."""
    cache = _CHUNKS.get(lang)
    if cache is None:
        cache = _CHUNKS.setdefault(lang, {})
    got = cache.get(chunk)
    if got is None:
        tokens = tuple(
            (t.startchar, t.endchar, t.text)
            for t in analysis.analyzer(lang)(chunk, chars=True, mode="query", removestops=False)
        )
        got = (frozenset(t for _, _, t in tokens), tokens)
        if len(cache) >= CHUNKS_CACHED:
            cache.clear()
        cache[chunk] = got
    return got


def _matches(chunk: str, terms: frozenset[str], lang: str) -> bool:
    return not terms.isdisjoint(_analysed(chunk, lang)[0])


def first_match(text: str, terms: frozenset[str], lang: str) -> int:
    """Character offset of the first chunk of `text` holding one of `terms`, or -1 (why: look only there).

    The text is split in growing windows cut at whitespace: most first matches are in the first
    kilobytes, and splitting a whole long text costs more than analysing its first chunks.
    """
    disjoint = terms.isdisjoint
    cache = _CHUNKS.get(lang) or _CHUNKS.setdefault(lang, {})
    start, step, size = 0, FIRST_WINDOW_CHARS, len(text)
    while start < size:
        end = _boundary(text, start + step, forward=True) if start + step < size else size
        for chunk in text[start:end].split():
            got = cache.get(chunk) or _analysed(chunk, lang)
            if not disjoint(got[0]):
                return text.find(chunk)
        start, step = end, step * 4
    return -1


def _marks(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """(start, end) of every matching token in text[start:end], through the chunk cache (the chains never look across whitespace).

    The distinct chunks of the window are tested (a split in C, one probe each); only a matching
    chunk is located, at each of its occurrences bounded by whitespace or by the window's edges,
    i.e. exactly where a scan of the window's whitespace-free runs would find it.
    """
    out: list[tuple[int, int]] = []
    disjoint = terms.isdisjoint
    cache = _CHUNKS.get(lang) or _CHUNKS.setdefault(lang, {})
    for chunk in set(text[start:end].split()):
        found, tokens = cache.get(chunk) or _analysed(chunk, lang)
        if disjoint(found):
            continue
        hits = [(s, e) for s, e, term in tokens if term in terms]
        size = len(chunk)
        at = text.find(chunk, start, end)
        while at >= 0:
            after = at + size
            if (at == start or text[at - 1].isspace()) and (after == end or text[after].isspace()):
                out.extend((at + s, at + e) for s, e in hits)
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
        marks = _marks(text, pos, min(len(text), pos + WINDOW_CHARS), terms, lang)
        fragments, covered = [], -1
        for s, _ in marks:
            if s < covered:
                continue
            start = _boundary(text, s - chars // 3, forward=False)
            end = _boundary(text, start + chars, forward=True)
            fragments.append(_fragment(text, marks, start, end))
            covered = end
            if len(fragments) == 2:
                break
        return _MarkFormatter.between.join(fragments)
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
    return tuple(n for n, page in enumerate(pages, start=1) if any(_matches(c, terms, lang) for c in set(page.split())))
