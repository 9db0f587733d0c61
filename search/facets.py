"""Facet counts over the visible hit set: values of one facet OR together, facets AND, multi-select counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from whoosh.searching import Searcher

from search.results import FacetValue

Labeler = Callable[[str, str], str]  # (facet, value) -> label


@dataclass
class FacetTable:
    """Per-generation map facet -> value -> frozenset of document numbers, read from the postings."""

    postings: dict[str, dict[str, frozenset[int]]]

    @classmethod
    def build(cls, searcher: Searcher, names: tuple[str, ...]) -> "FacetTable":
        """Read every facet's values and their documents once per searcher generation."""
        reader = searcher.reader()
        table: dict[str, dict[str, frozenset[int]]] = {}
        for name in names:
            values: dict[str, frozenset[int]] = {}
            if name in reader.schema and reader.field_length(name) is not None:
                try:
                    lexicon = list(reader.lexicon(name))
                except KeyError:
                    lexicon = []
                for raw in lexicon:
                    term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    ids = frozenset(reader.postings(name, raw).all_ids())
                    values[term] = ids - _deleted(reader, ids)
            table[name] = values
        return cls(table)

    def docs_with(self, name: str, values: tuple[str, ...]) -> frozenset[int]:
        """Documents having any of `values` in facet `name`."""
        column = self.postings.get(name, {})
        out: set[int] = set()
        for value in values:
            out |= column.get(value, frozenset())
        return frozenset(out)

    def counts(self, name: str, docs: frozenset[int] | set[int]) -> dict[str, int]:
        """Count of `docs` per value of facet `name` (zero counts left out)."""
        out = {}
        for value, ids in self.postings.get(name, {}).items():
            n = len(ids & docs) if len(ids) < len(docs) else len(docs & ids)
            if n:
                out[value] = n
        return out


def _deleted(reader: object, ids: frozenset[int]) -> set[int]:
    is_deleted = getattr(reader, "is_deleted", None)
    if is_deleted is None or not getattr(reader, "has_deletions", lambda: False)():
        return set()
    return {i for i in ids if is_deleted(i)}


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
