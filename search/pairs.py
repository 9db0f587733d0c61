"""Hashes of each document's adjacent-term pairs, kept in a per-document column, so a phrase query
checks its candidates against a few integers before it decodes any word positions.

Why: a phrase is decided on positions, and Whoosh stores positions pickled per posting block; for two
common words nearly every block of both terms had to be unpickled (phrase p95 10.8× FTS5 at 100k
documents, benchmarks/README.md). The candidates of a two-word phrase (documents holding both words)
number in the thousands; those whose pair column holds the pair's hash are the real hits plus, in
theory, a 32-bit collision. Positions still decide for those few, so results stay exact.

Measured alternatives: pair terms in an inverted field (hashed into 65,536 buckets to bound the term
table) cost +33 % indexing CPU, one posting per pair through Whoosh's writer; this column costs one
value per document. Documents with more than MAX_PAIRS distinct pairs store nothing and are always
checked on positions (the column's size stays bounded by MAX_PAIRS × 4 bytes per document).
"""
from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Iterable

import numpy as np
from whoosh.fields import COLUMN

from search import analysis

FIELD = "wordpairs"
MAX_PAIRS = 4096
_MIX = np.uint64(0x9E3779B1)  # odd multiplier: (first, second) and (second, first) hash apart
_MASK = np.uint64(0xFFFFFFFF)


@lru_cache(maxsize=1 << 18)
def term_hash(term: str) -> int:
    """32-bit hash of one analysed term (stable across processes, unlike hash())."""
    return zlib.crc32(term.encode("utf-8"))


def _mix(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return ((first.astype(np.uint64) * _MIX) ^ second.astype(np.uint64)) & _MASK


def pair_hash(first: str, second: str) -> int:
    """Hash of `first` directly followed by `second` (analysed terms)."""
    return int(_mix(np.array([term_hash(first)]), np.array([term_hash(second)]))[0])


def pair_hashes(positions: dict[str, list[int]]) -> np.ndarray:
    """Sorted distinct hashes of every (term at p, term at p + 1) pair of a term -> positions map.

    Terms sharing a position (a compound's joined form beside its parts) each pair with every term
    of the next position, as a phrase may use either. One slot per position in a list (a Python
    loop over the positions, ~0.1 ms for a 500-word text), then the pairs are mixed at once.
    """
    if not positions:
        return np.zeros(0, dtype=np.uint32)
    size = 1 + max(max(ps) for ps in positions.values())
    slots = [0] * size
    filled = bytearray(size)
    shared: list[tuple[int, int]] = []  # (position, hash) of a second term at an occupied position
    for term, poses in positions.items():
        h = term_hash(term)
        for p in poses:
            if filled[p]:
                shared.append((p, h))
            else:
                slots[p] = h
                filled[p] = 1
    values = np.array(slots, dtype=np.uint64)
    present = np.frombuffer(bytes(filled), dtype=np.uint8).astype(bool)
    both = present[:-1] & present[1:]
    out = _mix(values[:-1][both], values[1:][both])
    if shared:
        at: dict[int, list[int]] = {}
        for p, h in shared:
            at.setdefault(p, [slots[p]]).append(h)
        extra = []
        for p, hs in at.items():
            for q, first_side in ((p - 1, True), (p + 1, False)):
                if 0 <= q < size and filled[q]:
                    others = at.get(q, [slots[q]])
                    for h in hs:
                        for o in others:
                            extra.append((o, h) if first_side else (h, o))
        if extra:
            pairs_arr = np.array(extra, dtype=np.uint64)
            out = np.concatenate([out, _mix(pairs_arr[:, 0], pairs_arr[:, 1])])
    return np.unique(out.astype(np.uint32))


def phrase_pair_hashes(words: Iterable[str]) -> list[int]:
    """The pair hashes every document matching the phrase `words` (consecutive terms) must hold."""
    words = list(words)
    return list(dict.fromkeys(pair_hash(a, b) for a, b in zip(words, words[1:])))


class PairsColumn(COLUMN):
    """Column of little-endian uint32 pair hashes per document; its value is (latin language, texts...).

    Analyses the texts through analysis.index_positions (which hands back the body field's result for
    the same text object), so Whoosh's own writer and Arshif's write the same bytes. An empty value
    means "unknown": the document is always checked on positions.
    """

    def to_column_value(self, value: object) -> bytes:
        """The column bytes of one document."""
        lang, *texts = value  # type: ignore[misc]
        parts = [pair_hashes(analysis.index_positions(text, lang)) for text in texts if text]
        found = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint32)
        if len(found) > MAX_PAIRS:
            return b""
        return found.astype("<u4").tobytes()

    def to_bytes(self, value: object) -> bytes:
        return self.to_column_value(value)


def leaf_table(reader: object) -> tuple[np.ndarray, np.ndarray] | None:
    """(per-document hash counts, all hashes in document order) of one segment, or None when the
    segment has no pair column. Reads the column's data and length array whole (Whoosh 2.7.5 layout
    of VarBytesColumn, pinned like the posting blocks in search/fastpath.py)."""
    if not reader.has_column(FIELD):  # type: ignore[attr-defined]
        return None
    column = reader.column_reader(FIELD, translate=False)  # type: ignore[attr-defined]
    lengths = np.asarray(column._lengths, dtype=np.int64)
    total = int(lengths.sum())
    data = column._dbfile.get(column._basepos, total) if total else b""
    if lengths.any() and (lengths % 4).any():
        raise ValueError("unexpected pair column layout; is whoosh-reloaded still 2.7.5?")
    return lengths // 4, np.frombuffer(data, dtype="<u4")


def holds(offsets: np.ndarray, hashes: np.ndarray, counts: np.ndarray, docs: np.ndarray, value: int) -> np.ndarray:
    """For each of `docs`: whether its sorted hash slice holds `value`, or its slice is empty (unknown).

    A binary search run on all documents at once: ~log2(slice length) vector steps.
    """
    lo = offsets[docs].copy()
    end = lo + counts[docs]
    hi = end.copy()
    target = np.uint32(value)
    active = lo < hi
    while active.any():
        mid = (lo + hi) // 2
        below = np.zeros(len(docs), dtype=bool)
        below[active] = hashes[mid[active]] < target
        lo = np.where(active & below, mid + 1, lo)
        hi = np.where(active & ~below, mid, hi)
        active = lo < hi
    found = np.zeros(len(docs), dtype=bool)
    inside = lo < end
    found[inside] = hashes[lo[inside]] == target
    return found | (counts[docs] == 0)
