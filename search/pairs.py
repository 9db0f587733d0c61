"""Hashes of each document's adjacent-term pairs, per field kind, kept in a per-document column, so a
two-word phrase is decided without decoding any word positions.

Why: Whoosh stores positions pickled per posting block; checking a phrase on positions means one zlib
+ unpickle of a 128-posting block per candidate and word (~70 µs), so a phrase of two common words
cost milliseconds per page at 100k documents (benchmarks/README.md). A document's column holds the
sorted 64-bit hashes of its (title or body, term at p, term at p + 1) pairs. For a two-word phrase
in a title or body field, "the pair's hash is in the column" is the phrase test itself, up to a
64-bit collision (about 4,096 / 2^64 per candidate at most, i.e. never in practice); longer phrases
use the column to drop candidates and decide the rest on positions.

Measured alternatives: pair terms in an inverted field (hashed into 65,536 buckets to bound the term
table) cost +33 % indexing CPU, one posting per pair through Whoosh's writer; this column costs one
value per document. A 32-bit version of this column could only filter (a collision per ~2^32 / 300
candidates is a wrong hit now and then), so positions had to confirm every hit. Documents with more
than MAX_PAIRS distinct pairs store nothing ("unknown") and are always checked on positions (the
column stays bounded by MAX_PAIRS × 8 bytes per document).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
from whoosh.fields import COLUMN

from search import analysis

FIELD = "wordpairs64"  # a new name: an index of schema 2 (32-bit "wordpairs") reads as having no column
MAX_PAIRS = 4096
KINDS = ("title", "body")  # the text fields a column value covers, in the order of its texts
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: (first, second) and (second, first) hash apart
_KIND_SALT = {kind: int.from_bytes(hashlib.blake2b(kind.encode(), digest_size=8).digest(), "little") for kind in KINDS}


@lru_cache(maxsize=1 << 18)
def term_hash(term: str) -> int:
    """64-bit hash of one analysed term (stable across processes, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def _mix(first: np.ndarray, second: np.ndarray, kind: str) -> np.ndarray:
    """Pair hashes of uint64 term hashes, wrapping mod 2^64 as pair_hash does with Python ints."""
    salted = first ^ np.uint64(_KIND_SALT[kind])
    return (salted * np.uint64(_MIX)) ^ second


def pair_hash(first: str, second: str, kind: str = "body") -> int:
    """Hash of `first` directly followed by `second` (analysed terms) in a field of `kind`."""
    return (((term_hash(first) ^ _KIND_SALT[kind]) * _MIX) & _MASK) ^ term_hash(second)


def kind_of(fieldname: str) -> str | None:
    """The kind of a text field name ("body_fr" -> "body"), None for a field the column does not cover."""
    kind = fieldname.split("_", 1)[0]
    return kind if kind in _KIND_SALT and "_" in fieldname else None


def pair_hashes(positions: dict[str, list[int]], kind: str = "body") -> np.ndarray:
    """Sorted distinct hashes of every (term at p, term at p + 1) pair of a term -> positions map.

    Terms sharing a position (a compound's joined form beside its parts) each pair with every term
    of the next position, as a phrase may use either. One slot per position in a list (a Python
    loop over the positions, ~0.1 ms for a 500-word text), then the pairs are mixed at once.
    """
    if not positions:
        return np.zeros(0, dtype=np.uint64)
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
    out = _mix(values[:-1][both], values[1:][both], kind)
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
            out = np.concatenate([out, _mix(pairs_arr[:, 0], pairs_arr[:, 1], kind)])
    return np.unique(out)


def phrase_pair_hashes(words: Iterable[str], kind: str = "body") -> list[int]:
    """The pair hashes every document matching the phrase `words` (consecutive terms) must hold."""
    words = list(words)
    return list(dict.fromkeys(pair_hash(a, b, kind) for a, b in zip(words, words[1:])))


class PairsColumn(COLUMN):
    """Column of little-endian uint64 pair hashes per document; its value is (latin language, title, body).

    Analyses the texts through analysis.index_positions (which hands back the field's result for the
    same text object), so Whoosh's own writer and Arshif's write the same bytes. An empty value
    means "unknown": the document is always checked on positions.
    """

    def to_column_value(self, value: object) -> bytes:
        """The column bytes of one document."""
        lang, *texts = value  # type: ignore[misc]
        parts = [pair_hashes(analysis.index_positions(text, lang), kind) for kind, text in zip(KINDS, texts) if text]
        found = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
        if len(found) > MAX_PAIRS:
            return b""
        return found.astype("<u8").tobytes()

    def to_bytes(self, value: object) -> bytes:
        return self.to_column_value(value)


def leaf_column(reader: object) -> tuple[np.ndarray, Callable[[], bytes]] | None:
    """(per-document hash counts, a function reading all the segment's hashes as little-endian uint64
    bytes) of one segment, or None when it has no pair column. The caller reads the hashes when it
    has room for them (FastIndex.pair_table copies each segment into one array, then drops it).
    Reads the column's length array and data whole (Whoosh 2.7.5 layout of VarBytesColumn, pinned
    like the posting blocks in search/fastpath.py)."""
    schema = getattr(reader, "schema", None)
    if schema is None or FIELD not in schema or not reader.has_column(FIELD):  # type: ignore[attr-defined]
        return None  # an index from before the column (or from schema 2): positions decide
    column = reader.column_reader(FIELD, translate=False)  # type: ignore[attr-defined]
    lengths = np.asarray(column._lengths, dtype=np.int64)
    total = int(lengths.sum())
    if lengths.any() and (lengths % 8).any():
        raise ValueError("unexpected pair column layout; is whoosh-reloaded still 2.7.5?")

    def read() -> bytes:
        return bytes(column._dbfile.get(column._basepos, total)) if total else b""

    return lengths // 8, read


#: Bits of a document's sketch: bit (hash >> SKETCH_SHIFT) set for each of its pair hashes. A phrase
#: reads one byte per candidate and binary-searches only those whose bit is set (the candidates of two
#: common words are long documents: at ~560 pairs 24 % of 2,048 bits are set, 42 % of 1,024). At 100k
#: documents the hashes do not fit any CPU cache: a binary search costs a cache miss per step, the
#: sketch (256 bytes per document) one.
SKETCH_BITS = 2048
SKETCH_SHIFT = 64 - (SKETCH_BITS.bit_length() - 1)  # the top log2(SKETCH_BITS) bits of a hash choose its bit
_SKETCH_SHIFT = np.uint64(SKETCH_SHIFT)


def owners(counts: np.ndarray) -> np.ndarray:
    """The document (0-based, in `counts` order) of each hash of a run of slices."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def sketches(counts: np.ndarray, hashes: np.ndarray, owner: np.ndarray | None = None) -> np.ndarray:
    """The sketch (SKETCH_BITS // 8 bytes, little bit order) of each of the documents whose hash
    counts are `counts` and whose hashes follow each other in `hashes` (`owner`: owners(counts))."""
    docs = len(counts)
    if not docs:
        return np.zeros((0, SKETCH_BITS // 8), dtype=np.uint8)
    bits = np.zeros(docs * SKETCH_BITS, dtype=bool)
    owner = owners(counts) if owner is None else owner
    bits[owner * SKETCH_BITS + (hashes >> _SKETCH_SHIFT).astype(np.int64)] = True
    return np.packbits(bits.reshape(docs, SKETCH_BITS), axis=1, bitorder="little")


def sketch_may_hold(sketch: np.ndarray, docs: np.ndarray, value: int) -> np.ndarray:
    """False where a document's sketch proves it lacks `value` (True: it may hold it)."""
    bit = int(value) >> SKETCH_SHIFT
    return ((sketch[docs, bit >> 3] >> (bit & 7)) & 1).astype(bool)


#: A document's hashes in BUCKETS buckets by their top BUCKET_BITS bits (its slice is sorted, so each
#: bucket is a run of it): ends[d, b] = how many of its hashes fall in buckets <= b. A value is then
#: searched in its bucket only (~1/64 of the slice: 3 vector steps instead of ~9, each a cache miss
#: at 100k documents), for 128 bytes per document (MAX_PAIRS fits uint16).
BUCKET_BITS = 6
BUCKETS = 1 << BUCKET_BITS
_BUCKET_SHIFT = np.uint64(64 - BUCKET_BITS)
assert MAX_PAIRS < 2**16


def bucket_ends(counts: np.ndarray, hashes: np.ndarray, owner: np.ndarray | None = None) -> np.ndarray:
    """The (documents, BUCKETS) uint16 bucket ends of documents whose hash counts are `counts` and
    whose sorted hashes follow each other in `hashes` (`owner`: owners(counts))."""
    docs = len(counts)
    owner = owners(counts) if owner is None else owner
    cells = np.bincount(owner * BUCKETS + (hashes >> _BUCKET_SHIFT).astype(np.int64), minlength=docs * BUCKETS)
    return np.cumsum(cells.reshape(docs, BUCKETS), axis=1).astype(np.uint16)


def holds(
    offsets: np.ndarray, hashes: np.ndarray, counts: np.ndarray, docs: np.ndarray, value: int, ends: np.ndarray | None = None
) -> np.ndarray:
    """For each of `docs`: whether its sorted hash slice holds `value` (False for an empty slice).

    A branch-free binary search run on all documents at once: each step halves every slice, moving
    its base up where the middle value is still <= `value`; ~log2(longest slice) vector steps. With
    `ends` (bucket_ends of the same table) only the value's bucket of each slice is searched.
    """
    if ends is None:
        base = offsets[docs].copy()
        count = counts[docs]
    else:
        bucket = int(value) >> (64 - BUCKET_BITS)
        high = ends[docs, bucket].astype(np.int64)
        low = ends[docs, bucket - 1].astype(np.int64) if bucket else np.zeros(len(docs), dtype=np.int64)
        base = offsets[docs] + low
        count = high - low
    size = count.copy()
    target = np.uint64(value)
    last = len(hashes) - 1
    while True:
        half = size // 2
        if not half.any():
            break
        middle = base + half
        step = (half > 0) & (hashes[np.minimum(middle, last)] <= target)
        base = np.where(step, middle, base)
        size -= half
    found = np.zeros(len(docs), dtype=bool)
    known = np.flatnonzero(count > 0)
    found[known] = hashes[base[known]] == target
    return found
