"""Fast hit sets, facet counts and BM25F top-k over a Whoosh searcher, with numpy arrays.

Whoosh's own path scores every hit in Python and builds Python sets; here posting blocks are read
whole (zlib + pickle in C, delta-decoding with numpy), hit sets are sorted int32 arrays of global
document numbers, facets are (doc, value-code) pair arrays counted with `np.bincount`, and the
top k by BM25F is computed from the same arrays with `argpartition`. Built once per searcher
generation. Queries this module does not understand fall back to Whoosh (`docs_for_query`,
`searcher.search`), so answers are always those of the plain Whoosh path (tests/test_fastpath.py).

Reads Whoosh 2.7 posting internals (W3 codec); whoosh-reloaded is pinned to 2.7.5 for that reason.
"""
from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

EMPTY = np.zeros(0, dtype=np.int32)
_INT = struct.Struct("!i")
TERM_CACHE_BYTES = 96 * 2**20  # postings of frequent terms kept decoded (ids + weights)


@dataclass(frozen=True)
class FacetColumn:
    """One facet as parallel arrays: pair i says document docs[i] has value values[codes[i]]."""

    values: tuple[str, ...]
    docs: np.ndarray
    codes: np.ndarray


def _block_postings(postfile: object, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, weights) of one term's on-disk posting list, every block decoded at C speed."""
    if postfile.get(offset, 4) != WHOOSH3_HEADER_MAGIC:
        raise ValueError("unexpected posting header; is whoosh-reloaded still 2.7.5?")
    pos = offset + 4
    ids_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    while True:
        (length,) = _INT.unpack(postfile.get(pos, 4))
        size = abs(length)
        raw = postfile.get(pos + 4, size)
        stream = io.BytesIO(raw)
        count, _maxid, _maxw, comp, _mn, _mx = pickle.load(stream)
        data = raw[stream.tell():]
        ids_delta, weights, _values = pickle.loads(zlib.decompress(data) if comp else data)
        ids_parts.append(np.cumsum(np.asarray(ids_delta, dtype=np.int64)))  # each block restarts at 0
        if weights is None:
            weight_parts.append(np.ones(count, dtype=np.float64))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights, dtype=np.float64))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        pos += 4 + size
        if length < 0:
            break
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def leaf_postings(reader: object, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(local ids, weights) of a term in one segment reader; empty when the term is absent."""
    terms = reader._terms  # W3TermsReader
    key = (fieldname, text.encode("utf-8") if isinstance(text, str) else text)
    try:
        info = terms.term_info(*key)
    except (KeyError, TermNotFound):
        return EMPTY, np.zeros(0)
    if info.is_inlined():
        ids, weights, _values = info.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    return _block_postings(terms._postfile, info._offset)


class FastIndex:
    """Per-generation arrays over one searcher: live documents, facets, field lengths, term cache."""

    def __init__(self, searcher: Searcher, facet_names: Iterable[str] = ()) -> None:
        self.searcher = searcher
        self.leaves = list(searcher.reader().leaf_readers())
        self.size = searcher.reader().doc_count_all()
        self.live = np.zeros(self.size, dtype=bool)
        for reader, offset in self.leaves:
            local = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
            self.live[local + offset] = True
        self.live_ids = np.flatnonzero(self.live).astype(np.int32)
        self._lengths: dict[str, np.ndarray] = {}
        self._dates: np.ndarray | None = None
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_bytes = 0
        self.facets = {name: self._facet_column(name) for name in facet_names}

    # -- building ------------------------------------------------------------------------------
    def _facet_column(self, name: str) -> FacetColumn:
        values: list[str] = []
        docs: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        schema = self.searcher.schema
        if name in schema:
            for raw in self.searcher.reader().lexicon(name):
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                ids, _ = self.postings(name, text, cache=False)
                values.append(text)
                docs.append(ids)
                codes.append(np.full(len(ids), len(values) - 1, dtype=np.int32))
        if not docs:
            return FacetColumn((), EMPTY, EMPTY)
        return FacetColumn(tuple(values), np.concatenate(docs).astype(np.int32), np.concatenate(codes))

    def field_lengths(self, fieldname: str) -> np.ndarray:
        """Per-document length of a field as Whoosh scores it (byte-quantized), cached."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = np.ones(self.size, dtype=np.float64)
            for reader, offset in self.leaves:
                dfl = reader.doc_field_length
                local = np.fromiter((dfl(d, fieldname, 1) for d in range(reader.doc_count_all())), dtype=np.float64)
                lengths[offset : offset + len(local)] = local
            self._lengths[fieldname] = lengths
        return lengths

    def date_keys(self) -> np.ndarray:
        """Per-document sort key of the 'date' column (YYYYMMDD as int; 0 without a date)."""
        if self._dates is None:
            keys = np.zeros(self.size, dtype=np.int64)
            for reader, offset in self.leaves:
                column = reader.column_reader("date") if reader.has_column("date") else None
                for d in range(reader.doc_count_all()):
                    value = column[d] if column is not None else ""
                    value = value.decode() if isinstance(value, bytes) else value
                    keys[offset + d] = int(value.replace("-", "")) if value else 0
            self._dates = keys
        return self._dates

    # -- postings ------------------------------------------------------------------------------
    def postings(self, fieldname: str, text: str, cache: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(global ids, weights) of a term over every segment, deleted documents included."""
        key = (fieldname, text)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        id_parts, weight_parts = [], []
        for reader, offset in self.leaves:
            ids, weights = leaf_postings(reader, fieldname, text)
            if len(ids):
                id_parts.append(ids + offset)
                weight_parts.append(weights)
        if not id_parts:
            return EMPTY, np.zeros(0)
        out = (np.concatenate(id_parts).astype(np.int32), np.concatenate(weight_parts))
        if cache and len(out[0]) > 1000:
            self._remember(key, out)
        return out

    def _remember(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        self._cache[key] = value
        self._cache_bytes += value[0].nbytes + value[1].nbytes
        while self._cache_bytes > TERM_CACHE_BYTES and self._cache:
            _, old = self._cache.popitem(last=False)
            self._cache_bytes -= old[0].nbytes + old[1].nbytes

    # -- hit sets ------------------------------------------------------------------------------
    def hits(self, query: Q.Query | None) -> np.ndarray:
        """Sorted live document numbers matching `query` (None: every live document)."""
        if query is None:
            return self.live_ids
        ids = self._match(query)
        return ids[self.live[ids]] if len(ids) else ids

    def _match(self, q: Q.Query) -> np.ndarray:
        if isinstance(q, Q.Term):
            return self.postings(q.fieldname, q.text)[0]
        if isinstance(q, Q.Every) and not q.fieldname:
            return self.live_ids
        if isinstance(q, Q.And):
            parts = sorted((self._match(c) for c in q.subqueries), key=len)
            out = parts[0] if parts else EMPTY
            for other in parts[1:]:
                if not len(out):
                    break
                out = np.intersect1d(out, other, assume_unique=True)
            return out
        if isinstance(q, Q.Or):
            parts = [self._match(c) for c in q.subqueries]
            return np.unique(np.concatenate(parts)).astype(np.int32) if parts else EMPTY
        if isinstance(q, Q.AndNot):
            return np.setdiff1d(self._match(q.a), self._match(q.b), assume_unique=True)
        if isinstance(q, Q.AndMaybe):
            return self._match(q.a)
        if isinstance(q, Q.Not):
            return np.setdiff1d(self.live_ids, self._match(q.query), assume_unique=True)
        if isinstance(q, Q.NullQuery.__class__):
            return EMPTY
        found = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        return np.unique(found).astype(np.int32)

    # -- facets and filters ---------------------------------------------------------------------
    def mask(self, docs: np.ndarray | Iterable[int]) -> np.ndarray:
        """Boolean membership array of a hit set."""
        out = np.zeros(self.size, dtype=bool)
        ids = docs if isinstance(docs, np.ndarray) else np.fromiter(docs, dtype=np.int64)
        out[ids] = True
        return out

    def facet_counts(self, name: str, docs: np.ndarray) -> dict[str, int]:
        """Count of `docs` per value of facet `name` (zero counts left out)."""
        column = self.facets.get(name)
        if column is None or not len(column.docs) or not len(docs):
            return {}
        picked = column.codes[self.mask(docs)[column.docs]]
        counts = np.bincount(picked, minlength=len(column.values))
        return {column.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def docs_with(self, name: str, values: Iterable[str]) -> np.ndarray:
        """Sorted live documents having any of `values` in facet `name` (a filter)."""
        column = self.facets.get(name)
        if column is None:
            return EMPTY
        wanted = [i for i, v in enumerate(column.values) if v in set(values)]
        ids = np.unique(column.docs[np.isin(column.codes, wanted)])
        return ids[self.live[ids]]

    # -- ranking -------------------------------------------------------------------------------
    def scorable(self, q: Q.Query) -> bool:
        """True when top_k can score `q` exactly as Whoosh's BM25F (terms, and/or/not, no boosts)."""
        if getattr(q, "boost", 1.0) != 1.0:
            return False
        if isinstance(q, (Q.Term, Q.Every)):
            return True
        if isinstance(q, (Q.And, Q.Or)):
            return type(q) in (Q.And, Q.Or) and getattr(q, "scale", None) is None and all(self.scorable(c) for c in q.subqueries)
        if isinstance(q, (Q.AndNot, Q.AndMaybe)):
            return self.scorable(q.a) and self.scorable(q.b)
        return False

    def _positive_terms(self, q: Q.Query) -> list[tuple[str, str]]:
        if isinstance(q, Q.Term):
            return [(q.fieldname, q.text)]
        if isinstance(q, (Q.And, Q.Or)):
            return [t for c in q.subqueries for t in self._positive_terms(c)]
        if isinstance(q, Q.AndNot):
            return self._positive_terms(q.a)
        if isinstance(q, Q.AndMaybe):
            return self._positive_terms(q.a) + self._positive_terms(q.b)
        return []

    def scores(self, query: Q.Query, docs: np.ndarray, B: float = 0.75, K1: float = 1.2) -> np.ndarray:
        """BM25F score of each of `docs` for `query`: the sum over matching positive terms."""
        total = np.zeros(len(docs), dtype=np.float64)
        parent = self.searcher
        for fieldname, text in self._positive_terms(query):
            ids, weights = self.postings(fieldname, text)
            if not len(ids):
                continue
            where = np.searchsorted(ids, docs)
            where[where == len(ids)] = 0
            present = ids[where] == docs
            if not present.any():
                continue
            tf = weights[where[present]]
            fl = self.field_lengths(fieldname)[docs[present]]
            idf = parent.idf(fieldname, text)
            avgfl = parent.avg_field_length(fieldname) or 1
            total[present] += idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        return total

    def top_k(self, query: Q.Query | None, docs: np.ndarray, k: int, sort: str = "relevance") -> list[tuple[int, float]]:
        """The first k of `docs` as (docnum, score), ordered like Whoosh: score desc, then docnum."""
        if not len(docs) or k <= 0:
            return []
        if sort != "relevance" or query is None:
            keys = self.date_keys()[docs]
            order = np.lexsort((docs, -keys if sort != "date" else keys))
            return [(int(docs[i]), 0.0) for i in order[:k]]
        if not self.scorable(query):
            found = self.searcher.search(query, filter=set(docs.tolist()), limit=k)
            return [(hit.docnum, float(hit.score or 0.0)) for hit in found]
        scores = self.scores(query, docs)
        if len(docs) > k:
            part = np.argpartition(-scores, k - 1)[:k]
            cutoff = scores[part].min()
            part = np.flatnonzero(scores >= cutoff)
        else:
            part = np.arange(len(docs))
        order = part[np.lexsort((docs[part], -scores[part]))][:k]
        return [(int(docs[i]), float(scores[i])) for i in order]
