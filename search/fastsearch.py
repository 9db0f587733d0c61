"""One result page computed on FastIndex arrays: the reference for wiring fastpath into the engine.

Same semantics as Engine.search for a parsed query: hits ∩ visible, one filter array per active
facet, multi-select facet counts (each facet ignores its own filter), top k ranked or by date,
snippets from the stored original text. The hit set stays a numpy array from start to end.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
from whoosh import query as Q

from search.fastpath import FastIndex
from search.highlight import snippet

FACETS = ("lang", "type", "program", "partner", "region", "country", "year")


@dataclass(frozen=True)
class FastPage:
    """A page: total, facet counts, and the top hits as (docnum, score, snippet)."""

    total: int
    facets: dict[str, dict[str, int]]
    hits: tuple[tuple[int, float, str], ...]


def _lang_of(stored: dict) -> str:
    langs = (stored.get("lang") or "").split(",")
    return next((lang for lang in langs if lang in ("fr", "en")), "fr")


def fast_search(
    fast: FastIndex,
    query: Q.Query | None,
    rank_query: Q.Query | None,
    terms: frozenset[str],
    filters: Mapping[str, tuple[str, ...]],
    principals: tuple[str, ...] | None = ("public",),
    sort: str = "relevance",
    k: int = 10,
) -> FastPage:
    """Answer one parsed request on arrays (why: 5-20x less work than Python sets and full scoring)."""
    base = fast.hits(query)
    if principals is not None:
        base = np.intersect1d(base, fast.docs_with("visibility", principals), assume_unique=True)
    sets = {name: fast.docs_with(name, values) for name, values in filters.items()}
    final = base
    for ids in sorted(sets.values(), key=len):
        final = np.intersect1d(final, ids, assume_unique=True)
    facets = {}
    for name in FACETS:
        docs = base
        for other, ids in sets.items():
            if other != name:
                docs = np.intersect1d(docs, ids, assume_unique=True)
        facets[name] = fast.facet_counts(name, docs)
    top = fast.top_k(rank_query if rank_query is not None else query, final, k, sort)
    reader = fast.searcher
    hits = []
    for docnum, score in top:
        stored = reader.stored_fields(docnum)
        hits.append((docnum, score, snippet(stored.get("body", "") or "", terms, _lang_of(stored))))
    return FastPage(int(len(final)), facets, tuple(hits))
