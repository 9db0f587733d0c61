"""Collection statistics over the documents one visitor may see, and BM25F scoring on them.

Scores and key terms depend on collection statistics (document counts, term frequencies, average
field lengths). Computed over the whole index they would let a visitor infer the documents hidden
from them; computed here over the visible documents only, every number a visitor gets is the one
an index holding only those documents would give.
"""
from __future__ import annotations

from math import log

import numpy as np
from whoosh import scoring
from whoosh.searching import Searcher

from search.fastpath import FastIndex
from search.ranking import BM25_B, BM25_K1



class VisibleStats:
    """Document count, term and field-length statistics of one set of visible documents."""

    def __init__(self, fast: FastIndex, visible: frozenset[int] | np.ndarray) -> None:
        ids = visible if isinstance(visible, np.ndarray) else np.fromiter(visible, dtype=np.int64, count=len(visible))
        self.fast = fast
        self.mask = fast.mask(ids)
        self.count = int(len(ids))
        self._avgfl: dict[str, float] = {}

    def _postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        return self.fast.postings(fieldname, term)  # FastIndex guards its LRU itself

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """How many visible documents contain `term` in `fieldname`."""
        ids, _ = self._postings(fieldname, term)
        return int(self.mask[ids].sum()) if len(ids) else 0

    def frequency(self, fieldname: str, term: str) -> float:
        """Total weight (occurrences) of `term` in `fieldname` over the visible documents."""
        ids, weights = self._postings(fieldname, term)
        return float(weights[self.mask[ids]].sum()) if len(ids) else 0.0

    def has(self, fieldname: str, term: str) -> bool:
        """True when at least one visible document contains the term."""
        ids, _ = self._postings(fieldname, term)
        return bool(len(ids)) and bool(self.mask[ids].any())

    def first_docs(self, fieldname: str, term: str, count: int) -> list[int]:
        """The first `count` visible documents containing the term (to read how it is spelled)."""
        ids, _ = self._postings(fieldname, term)
        return [int(i) for i in ids[self.mask[ids]][:count]] if len(ids) else []

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf formula on the visible document count and frequency."""
        n = self.doc_frequency(fieldname, text)
        return log(self.count / (n + 1)) + 1 if self.count else 0.0

    def avg_field_length(self, fieldname: str) -> float:
        """Mean length of `fieldname` over the visible documents (1 when there are none)."""
        if fieldname not in self._avgfl:
            total = float(self.fast.field_lengths(fieldname)[self.mask].sum()) if self.count else 0.0
            self._avgfl[fieldname] = (total / self.count) if self.count and total else 1.0
        return self._avgfl[fieldname]


class _Scorer(scoring.BM25FScorer):
    """BM25F with statistics given from outside instead of read from the searcher."""

    def __init__(self, searcher: Searcher, fieldname: str, text: str, B: float, K1: float, qf: float, idf: float, avgfl: float) -> None:
        self.idf, self.avgfl, self.B, self.K1, self.qf = idf, avgfl, B, K1, qf
        self.setup(searcher, fieldname, text)


class VisibleBM25F(scoring.BM25F):
    """Whoosh's BM25F, with idf and average field length taken over the visible documents only."""

    def __init__(self, stats: VisibleStats, B: float = BM25_B, K1: float = BM25_K1) -> None:
        super().__init__(B=B, K1=K1)
        self.stats = stats

    def idf(self, searcher: Searcher, fieldname: str, text: str) -> float:
        """Whoosh's idf formula on the visible document count and frequency."""
        return self.stats.idf(fieldname, text)

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: float = 1):
        """A BM25F scorer whose statistics leave the hidden documents out."""
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        idf = self.idf(searcher, fieldname, text)
        return _Scorer(searcher, fieldname, text, self.B, self.K1, qf, idf, self.stats.avg_field_length(fieldname))
