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
_CHUNK = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
CHUNKS_CACHED = 100_000  # analysed whitespace chunks kept (the chains never look across whitespace)


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


@lru_cache(maxsize=CHUNKS_CACHED)
def _chunk_tokens(chunk: str, lang: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, term) of each token of one whitespace-free chunk, as the highlighter analyses it (stops kept)."""
    return tuple((t.startchar, t.endchar, t.text) for t in analysis.analyzer(lang)(chunk, chars=True, mode="query", removestops=False))


@lru_cache(maxsize=CHUNKS_CACHED)
def _chunk_terms(chunk: str, lang: str) -> frozenset[str]:
    """The terms of one chunk as a set: a match test is then one C-level isdisjoint call."""
    return frozenset(t for _, _, t in _chunk_tokens(chunk, lang))


def _matches(chunk: str, terms: frozenset[str], lang: str) -> bool:
    return not terms.isdisjoint(_chunk_terms(chunk, lang))


def first_match(text: str, terms: frozenset[str], lang: str) -> int:
    """Character offset of the first chunk of `text` holding one of `terms`, or -1 (why: look only there)."""
    disjoint = terms.isdisjoint
    for chunk in dict.fromkeys(text.split()):  # unique chunks in order of first appearance
        if not disjoint(_chunk_terms(chunk, lang)):
            return text.find(chunk)
    return -1


def _marks(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """(start, end) of every matching token in text[start:end], through the chunk cache (the chains never look across whitespace)."""
    out = []
    disjoint = terms.isdisjoint
    for m in _CHUNK.finditer(text, start, end):
        if disjoint(_chunk_terms(m.group(), lang)):
            continue
        for s, e, term in _chunk_tokens(m.group(), lang):
            if term in terms:
                out.append((m.start() + s, m.start() + e))
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
