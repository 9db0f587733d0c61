"""More like this: the key terms of one document searched over every text field, among visible documents."""
from __future__ import annotations

from whoosh import query as Q
from whoosh.searching import Searcher

from search import analysis
from search.schema import text_field

KEY_TERMS = 12
SCAN_CHARS = 60_000


def key_terms(searcher: Searcher, stored: dict, lang: str, count: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The terms that set this document apart from the archive (Bo1 over its own field's statistics)."""
    text = (stored.get("title") or "") + "\n" + (stored.get("body") or "")[:SCAN_CHARS]
    field = text_field("body", lang)
    try:
        return list(searcher.key_terms_from_text(field, text, numterms=count, normalize=True))
    except (KeyError, ValueError, ZeroDivisionError):
        return []


def similar_docnums(
    searcher: Searcher, docnum: int, stored: dict, lang: str, visible: frozenset[int], top: int = 5
) -> list[tuple[int, float]]:
    """(docnum, score) of the `top` visible documents sharing the most distinctive terms, best first."""
    terms = key_terms(searcher, stored, lang)
    if not terms:
        return []
    fields = [text_field(kind, la) for la in analysis.TEXT_LANGS for kind in ("title", "body")]
    clauses = [Q.Term(f, t, boost=max(w, 0.01)) for t, w in terms for f in fields]
    allowed = set(visible) - {docnum}
    if not allowed:
        return []
    results = searcher.search(Q.Or(clauses), filter=allowed, limit=top)
    return [(hit.docnum, float(hit.score or 0.0)) for hit in results]
