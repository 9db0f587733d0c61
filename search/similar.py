"""More like this: the key terms of one document searched over every text field, among visible documents.

The key terms are weighted by Bo1 (Whoosh's query-expansion model) over the statistics of the
visible documents only, and the neighbours are scored by BM25F on the same statistics, so the list
a visitor gets is the one an archive holding only what they may see would give.
"""
from __future__ import annotations

from collections import Counter
from math import log

from whoosh import query as Q
from whoosh.searching import Searcher

from search import analysis
from search.schema import text_field
from search.visibility import VisibleBM25F, VisibleStats

KEY_TERMS = 12
SCAN_CHARS = 60_000


def _bo1(weight: float, collection: float, n_docs: int) -> float:
    """Bo1 weight of a term: how much more often it occurs here than its collection rate predicts."""
    f = collection / n_docs
    return weight * log((1.0 + f) / f, 2) + log(1.0 + f, 2)


def key_terms(searcher: Searcher, stats: VisibleStats, stored: dict, lang: str, count: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The terms that set this document apart from the visible archive, normalized to (0, 1]."""
    text = (stored.get("title") or "") + "\n" + (stored.get("body") or "")[:SCAN_CHARS]
    fieldname = text_field("body", lang)
    if fieldname not in searcher.schema or not stats.count:
        return []
    field = searcher.schema[fieldname]
    weights: Counter[str] = Counter()
    for btext, _freq, weight, _value in field.index(text):
        weights[field.from_bytes(btext)] += weight
    total = sum(weights.values())
    scored = []
    for term, weight in weights.items():
        collection = stats.frequency(fieldname, term)
        if collection > 0:
            scored.append((_bo1(weight, collection, stats.count), term))
    if not scored:
        return []
    top = max(s for s, _ in scored)
    f = top / stats.count
    norm = (top * log((1.0 + f) / f) + log(1.0 + f)) / log(2.0) if top else 1.0
    scored.sort(key=lambda st: (-st[0], st[1]))
    return [(t, s / norm) for s, t in scored[:count]] if total else []


def similar_docnums(
    searcher: Searcher, docnum: int, stored: dict, lang: str, stats: VisibleStats, visible: frozenset[int], top: int = 5
) -> list[tuple[int, float]]:
    """(docnum, score) of the `top` visible documents sharing the most distinctive terms, best first."""
    allowed = set(visible) - {docnum}
    if not allowed:
        return []
    terms = key_terms(searcher, stats, stored, lang)
    if not terms:
        return []
    fields = [text_field(kind, la) for la in analysis.TEXT_LANGS for kind in ("title", "body")]
    clauses = [Q.Term(f, t, boost=max(w, 0.01)) for t, w in terms for f in fields]
    collector = searcher.collector(filter=allowed, limit=top)
    searcher.search_with_collector(Q.Or(clauses), collector, context=searcher.context(weighting=VisibleBM25F(stats)))
    return [(hit.docnum, float(hit.score or 0.0)) for hit in collector.results()]
