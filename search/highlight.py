"""Snippets cut from the ORIGINAL stored text with <mark> around the words that matched."""
from __future__ import annotations

from html import escape

from whoosh import highlight as wh
from whoosh.query import Query

from search import analysis

SNIPPET_CHARS = 220
MAX_SCAN_CHARS = 300_000


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


def snippet(text: str, terms: frozenset[str], lang: str, chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet of `text` around the best matches of `terms`; the start of the text if none."""
    text = text.replace("\f", "\n")
    if terms:
        window = text[:MAX_SCAN_CHARS]
        fragmenter = wh.ContextFragmenter(maxchars=chars, surround=chars // 3)
        out = wh.highlight(window, terms, analysis.analyzer(lang), fragmenter, _MarkFormatter(), top=2)
        if out:
            return out.strip()
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
    analyzer = analysis.analyzer(lang)
    found = []
    for number, page in enumerate(pages, start=1):
        if any(t.text in terms for t in analyzer(page, mode="query")):
            found.append(number)
    return tuple(found)
