"""A posting pool that groups postings by term as they arrive, instead of sorting one tuple per posting.

Whoosh's PostingPool keeps a (field, term, docnum, weight, value) tuple per posting, sorts them all at
commit and, past `limitmb`, spills sorted runs to disk and merges them back (heapq over marshal
files). Postings arrive in docnum order, so grouping them by (field, term) as they come leaves only
the distinct terms to sort; the grouped form is also ~3× smaller than the tuples, so the pool rarely
spills. Measured on a 10k-document build (benchmarks/README.md): the pool's share of indexing CPU
fell from ~27 % to a few per cent. The postings it yields are the ones Whoosh's pool would yield, in
the same order (tests/test_postingpool.py compares them, and whole indexes are compared in
tests/test_pipeline_analysis.py).
"""
from __future__ import annotations

from array import array
from itertools import repeat
from typing import Iterator

from whoosh.externalsort import SortingPool
from whoosh.writing import PostingPool

Posting = tuple[str, bytes, int, float, bytes | None]

_TERM_BYTES = 400  # what a new term costs the pool: dict slot, key object, four containers
_POSTING_BYTES = 8 + 8 + 8  # docnum, weight, value reference (b"" and None are shared objects)
_VALUE_BYTES = 33  # header of a non-empty value's bytes object


class _Postings:
    """One term's postings, in arrival order, and whether that order is already by docnum."""

    __slots__ = ("docs", "weights", "values", "ordered")

    def __init__(self) -> None:
        self.docs = array("q")
        self.weights = array("d")  # kept as given: the codec rounds them itself, and sums them
        self.values: list[bytes | None] = []
        self.ordered = True


class TermPool(PostingPool):
    """Drop-in PostingPool (same constructor, add, iter_postings, fieldnames, cleanup)."""

    def __init__(self, tempstore: object, segment: object, limitmb: int = 128, **kwargs: object) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict[str, dict[bytes, _Postings]] = {}

    def add(self, item: Posting) -> None:
        """Add one (field, term bytes, docnum, weight, value bytes) posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        entry = terms.get(tbytes)
        if entry is None:
            entry = terms[tbytes] = _Postings()
            self.currentsize += _TERM_BYTES + len(tbytes)
        elif entry.docs[-1] >= docnum:
            entry.ordered = False
        entry.docs.append(docnum)
        entry.weights.append(weight)
        entry.values.append(vbytes)
        self.currentsize += _POSTING_BYTES + (_VALUE_BYTES + len(vbytes) if vbytes else 0)
        if self.currentsize > self.limit:
            self.save()

    def add_terms(self, fieldname: str, docnum: int, items: list[tuple[bytes, int, float, bytes | None]]) -> None:
        """Add one document's postings of one field at once: (term bytes, frequency, weight, value)
        per term, as a field's index() yields them (same result as add() per posting, fewer calls)."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        size = 0
        for tbytes, _freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = _Postings()
                size += _TERM_BYTES + len(tbytes)
            elif entry.docs[-1] >= docnum:
                entry.ordered = False
            entry.docs.append(docnum)
            entry.weights.append(weight)
            entry.values.append(vbytes)
            size += _POSTING_BYTES + (_VALUE_BYTES + len(vbytes) if vbytes else 0)
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()

    def _grouped(self) -> Iterator[Posting]:
        """Every posting held in memory, sorted as Whoosh's pool sorts its tuples."""
        fields = self._fields
        for fieldname in sorted(fields):
            terms = fields[fieldname]
            for tbytes in sorted(terms):
                e = terms[tbytes]
                postings = zip(repeat(fieldname), repeat(tbytes), e.docs, e.weights, e.values)
                if e.ordered:
                    yield from postings
                else:  # a docnum came twice or went back (spelling postings, odd merges): full sort
                    yield from sorted(postings)

    def _to_tuples(self) -> None:
        """Move the grouped postings into the base class's sorted tuple list (before a spill or a merge)."""
        self.current.extend(self._grouped())
        self._fields = {}

    def save(self) -> None:
        """Spill what is held as one sorted run on disk (only past `limitmb`)."""
        self._to_tuples()
        super().save()

    def items(self, maxfiles: int = 128) -> Iterator[Posting]:  # type: ignore[override]
        """All postings in (field, term, docnum) order: straight from memory unless runs were spilled."""
        if not self.runs and not self.current:
            return self._grouped()
        self._to_tuples()
        return SortingPool.items(self, maxfiles)

    def iter_postings(self) -> Iterator[Posting]:
        return self.items()

    def grouped_fields(self) -> dict[str, dict[bytes, _Postings]] | None:
        """The postings by field and term, unsorted, while all of them are held in memory (None once a
        run was spilled or tuples were moved out): what a per-term commit writes from directly."""
        if self.runs or self.current:
            return None
        return self._fields
