"""Facet counts over the visible hit set: values of one facet OR together, facets AND, multi-select counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
from whoosh.searching import Searcher

from search.fastpath import FastIndex

from search.results import FacetValue

Labeler = Callable[[str, str], str]  # (facet, value) -> label


@dataclass
class FacetTable:
    """Per-generation facet columns (numpy (doc, value) pairs from the postings), counted with bincount.

    The same arrays serve as filters. `docs_with` returns a frozenset (what the engine intersects
    today); `counts` takes a set or a numpy array of document numbers; `fast` is the FastIndex
    behind it, for callers that keep hit sets as arrays throughout.
    """

    fast: FastIndex

    @classmethod
    def build(cls, searcher: Searcher, names: tuple[str, ...]) -> "FacetTable":
        """Read every facet's values and their documents once per searcher generation."""
        return cls(FastIndex(searcher, names))

    @property
    def postings(self) -> dict[str, dict[str, frozenset[int]]]:
        """facet -> value -> live documents, as sets (for inspection; the hot path never builds these)."""
        out: dict[str, dict[str, frozenset[int]]] = {}
        for name, column in self.fast.facets.items():
            out[name] = {v: frozenset(self.fast.docs_with(name, (v,)).tolist()) for v in column.values}
        return out

    def docs_with(self, name: str, values: tuple[str, ...]) -> frozenset[int]:
        """Documents having any of `values` in facet `name`."""
        return frozenset(self.fast.docs_with(name, values).tolist())

    def docs_array(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        """Sorted document numbers having any of `values` in facet `name` (no set built)."""
        return self.fast.docs_with(name, values)

    def counts(self, name: str, docs: "frozenset[int] | set[int] | np.ndarray") -> dict[str, int]:
        """Count of `docs` per value of facet `name` (zero counts left out)."""
        if not isinstance(docs, np.ndarray):
            docs = np.fromiter(docs, dtype=np.int64, count=len(docs))
        return self.fast.facet_counts(name, docs)

    def counts_many(self, names: tuple[str, ...], docs: np.ndarray) -> dict[str, dict[str, int]]:
        """counts() of several facets over the same documents, at once."""
        return self.fast.facet_counts_many(names, docs)


def facet_values(
    name: str,
    counts: Mapping[str, int],
    selected: tuple[str, ...],
    toggle_url: Callable[[str], str],
    labeler: Labeler,
    order: str = "count",
) -> list[FacetValue]:
    """FacetValue list for one facet: selected values always shown, then by count (or value for dates)."""
    values = set(counts) | set(selected)
    if order == "value":
        ordered = sorted(values, reverse=True)
    else:
        ordered = sorted(values, key=lambda v: (-counts.get(v, 0), labeler(name, v).casefold()))
    return [
        FacetValue(v, labeler(name, v), counts.get(v, 0), v in selected, toggle_url(v))
        for v in ordered
    ]
