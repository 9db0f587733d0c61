"""Run a SearchRequest against the index: hit set, filters, facets, ranking, snippets, one result."""
from __future__ import annotations

import functools
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import scoring
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from search import schema as schema_mod
from search.errors import NotFound, QueryError
from search.facets import FacetTable, facet_values
from search.fastpath import FastIndex, intersect_sorted
from search.highlight import matching_pages, snippet
from search.index_dir import recover
from search.query import Notice, ParsedQuery, Resolver, build_query, date_bound
from search.querylang import N_
from search.request import SearchRequest
from search.results import FacetValue, Hit, SearchResult
from search.similar import similar_docnums
from search.suggest import VisibleVocabulary, suggest
from search.ranking import BM25_B, BM25_K1
from search.visibility import VisibleBM25F, VisibleStats

Labeler = Callable[[str, str], str]
FACET_NAMES = (*schema_mod.FACETS, "month")
TABLE_NAMES = (*FACET_NAMES, "visibility")
PUBLIC: tuple[str, ...] = ("public",)
STATS_CACHED = 16  # principal sets whose visible documents and statistics are kept per index generation


def _plain_label(facet: str, value: str) -> str:
    return value


@dataclass(frozen=True)
class _Found:
    """One reading of a request: the query, its document sets (sorted numpy arrays) and what to tell the user."""

    parsed: ParsedQuery
    base: np.ndarray
    filters: dict[str, np.ndarray]
    final: np.ndarray
    mode: str
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class _View:
    """What one set of principals sees of the current generation: documents, statistics, vocabulary."""

    searcher: Searcher
    table: FacetTable
    ids: np.ndarray
    stats: VisibleStats
    vocab: VisibleVocabulary

    @property
    def fast(self) -> FastIndex:
        """The generation's arrays."""
        return self.table.fast

    @property
    def visible(self) -> frozenset[int]:
        """The visible documents as a set (for the Whoosh-side helpers: similar documents)."""
        return frozenset(self.ids.tolist())

    def top(self, query: Q.Query | None, docs: np.ndarray, k: int, sort: str) -> list[tuple[int, float]]:
        """The first k of `docs`, by BM25F over the visible documents' statistics or by date."""
        return self.fast.top_k(query, docs, k, sort, stats=self.stats, B=BM25_B, K1=BM25_K1, weighting=VisibleBM25F(self.stats))


def hit_lang(stored: dict) -> str:
    """The Latin language whose field holds this document's text (as the writer chose it)."""
    for lang in (stored.get("lang") or "").split(","):
        if lang in ("fr", "en"):
            return lang
    return "fr"


def serialized(method: Callable) -> Callable:
    """Run an Engine method under the engine's serial lock."""

    @functools.wraps(method)
    def wrapper(self: "Engine", *args: object, **kwargs: object) -> object:
        with self._serial:
            return method(self, *args, **kwargs)

    return wrapper


def _folder_state(index_dir: Path) -> tuple[tuple[int, int], int] | None:
    """((device, inode), modification time in ns) of the index folder, from one stat: the identity
    changes when a rebuilt index is swapped in, the time with every commit (files are created and
    renamed in the folder)."""
    try:
        st = os.stat(index_dir)
    except OSError:
        return None
    return (st.st_dev, st.st_ino), st.st_mtime_ns


#: A folder time this much older than the moment it was seen is settled: any later commit gives the
#: folder a later time, even where file times advance in coarse ticks.
SETTLED_NS = 1_000_000_000


class Engine:
    """An open index with a searcher refreshed after each commit and facet tables per generation."""

    def __init__(self, index_dir: Path, labeler: Labeler | None = None, taxonomy: Resolver | None = None) -> None:
        index_dir = Path(index_dir)
        recover(index_dir)  # a rebuild swap interrupted by a crash is finished (or undone) first
        if not whoosh_index.exists_in(str(index_dir)):
            raise FileNotFoundError(
                f"no index in {index_dir}; run 'arshif index' first (or point --index at an index folder)"
            )
        self.index_dir = index_dir
        self.labeler = labeler or _plain_label
        self.taxonomy = taxonomy
        # No mmap: Whoosh would copy every compound sub-file into a BytesIO (the whole index in RAM,
        # ~600 MB at 100k documents); plain reads are shared-position but the engine serializes them.
        self._ix = self._open()
        state = _folder_state(index_dir)
        self._identity = state[0] if state else None
        self._lock = threading.Lock()
        # Whoosh readers share file positions (stored fields are unpickled from them): concurrent
        # reads from waitress threads garble each other, so public operations run one at a time.
        self._serial = threading.RLock()
        self._searcher: Searcher | None = None
        self._facets: FacetTable | None = None
        self._views: dict[tuple[str, ...] | None, tuple[np.ndarray, VisibleStats]] = {}
        self._seen_mtime: int | None = None  # the folder's time when the searcher was last found current
        self._seen_at = 0

    def _open(self):  # type: ignore[no-untyped-def]
        """The index, read without mmap (Whoosh would copy every compound sub-file into memory)."""
        return FileStorage(str(self.index_dir), supports_mmap=False, readonly=True).open_index()

    def _current(self) -> tuple[Searcher, FacetTable]:
        """The up-to-date searcher and its facet table (new documents appear without a restart).

        A new commit gets a fresh searcher (Searcher.refresh() in whoosh-reloaded keeps deleted
        segments visible); a rebuild swapped in as a new folder gets the index reopened.
        """
        with self._lock:
            state = _folder_state(self.index_dir)
            if state is None:
                recover(self.index_dir)
                state = _folder_state(self.index_dir)
            identity, mtime = state if state else (None, None)
            if identity is not None and identity != self._identity:
                self._ix, self._identity = self._open(), identity
                self._drop_searcher()
            settled = mtime is not None and mtime == self._seen_mtime and self._seen_at - mtime > SETTLED_NS
            if self._searcher is not None and not settled:
                # the folder changed (or changed too recently to trust its time): ask Whoosh, which
                # lists the folder for the newest table of contents (~0.1 ms per request otherwise)
                seen_at = time.time_ns()
                if not self._searcher.up_to_date():
                    self._drop_searcher()
                self._seen_mtime, self._seen_at = mtime, seen_at
            if self._searcher is None:
                self._searcher = self._ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
                self._facets = None
            if self._facets is None:
                self._facets = FacetTable.build(self._searcher, TABLE_NAMES)
                self._views = {}
            return self._searcher, self._facets

    def _drop_searcher(self) -> None:
        """Close the current searcher (callers hold the serial lock, so no reader is using it)."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            if self._facets is not None:
                self._facets.fast.release()
            self._facets = None

    def _view(self, principals: tuple[str, ...] | None) -> _View:
        """The current generation as `principals` see it (visible set and statistics cached per generation)."""
        searcher, table = self._current()
        key = None if principals is None else tuple(sorted(set(principals)))
        with self._lock:
            cached = self._views.get(key) if table is self._facets else None
        if cached is None:
            visible = self._visible(searcher, table, key)
            cached = (visible, VisibleStats(table.fast, visible))
            with self._lock:
                if table is self._facets:
                    if len(self._views) >= STATS_CACHED:
                        self._views.pop(next(iter(self._views)))
                    self._views[key] = cached
        ids, stats = cached
        return _View(searcher, table, ids, stats, VisibleVocabulary(searcher, stats))

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __del__(self) -> None:
        """Close the segment files when an engine is dropped without close() (they are real open files)."""
        searcher = getattr(self, "_searcher", None)
        if searcher is not None:
            searcher.close()

    # -- search -----------------------------------------------------------------------------
    @serialized
    def search(
        self,
        req: SearchRequest,
        base_url: str = "/search",
        principals: tuple[str, ...] | None = PUBLIC,
        *,
        labeler: Labeler | None = None,
        taxonomy: Resolver | None = None,
    ) -> SearchResult:
        """Answer one request over the documents `principals` may see; 'all' words, else 'any'."""
        started = time.perf_counter()
        view = self._view(principals)
        found = self._resolve(view, req, taxonomy or self.taxonomy)
        total = int(len(found.final))
        hits = self._hits(view, found.parsed, req, found.final) if total else ()
        facets = self._facets_for(req, view.table, found.base, found.filters, base_url, labeler or self.labeler)
        suggestion = suggest(view.searcher, req.q, view.vocab) if req.q.strip() else None
        notices = found.notices + _past_the_end(req, total) + (() if total else found.parsed.if_empty)
        took = (time.perf_counter() - started) * 1000
        return SearchResult(
            query=req.q,
            total=total,
            page=req.page,
            per_page=req.per_page,
            took_ms=took,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            mode=found.mode,
            message=" ".join(n.text() for n in notices) or None,
            filters=dict(req.filters),
            notices=notices,
        )

    @serialized
    def facet(
        self,
        req: SearchRequest,
        name: str,
        base_url: str = "/search",
        principals: tuple[str, ...] | None = PUBLIC,
        *,
        labeler: Labeler | None = None,
        taxonomy: Resolver | None = None,
    ) -> list[FacetValue]:
        """Every value of one facet for the request (multi-select counts), for the facet filter box."""
        if name not in FACET_NAMES:
            raise QueryError(f"unknown facet {name!r}; choose one of: {', '.join(FACET_NAMES)}")
        view = self._view(principals)
        found = self._resolve(view, req, taxonomy or self.taxonomy)
        facets = self._facets_for(req, view.table, found.base, found.filters, base_url, labeler or self.labeler, only=name)
        return facets.get(name, [])

    @serialized
    def export(
        self,
        req: SearchRequest,
        cap: int,
        principals: tuple[str, ...] | None = PUBLIC,
        *,
        taxonomy: Resolver | None = None,
    ) -> tuple[int, list[dict], str]:
        """(total, stored fields of at most `cap` documents in result order, mode) for CSV/JSON export."""
        view = self._view(principals)
        found = self._resolve(view, req, taxonomy or self.taxonomy)
        if not len(found.final):
            return 0, [], found.mode
        top = view.top(found.parsed.rank_query if found.parsed.query is not None else None, found.final, cap, self._sort(req, found.parsed))
        return int(len(found.final)), [dict(view.searcher.stored_fields(num)) for num, _ in top], found.mode

    def _resolve(self, view: _View, req: SearchRequest, taxonomy: Resolver | None) -> "_Found":
        """The reading of the words, the base set, the filter sets and the final set: one place for all."""
        fast, visible, vocab = view.fast, view.ids, view.vocab
        fast.begin_request()
        filters = self._filter_sets(req, fast)
        if not req.q.strip():
            return _Found(ParsedQuery(None, "all", ()), visible, filters, _intersect(visible, filters.values()), "all", ())
        first = "any" if req.mode == "any" else "all"
        parsed = build_query(req.q, mode=first, vocab=vocab, taxonomy=taxonomy)
        if parsed.query is None:
            notices = parsed.notices or (Notice(N_("the query has only very common words or symbols; type a more specific word")),)
            return _Found(parsed, _EMPTY, filters, _EMPTY, first, notices)
        base = _and(fast.hits(parsed.query), visible)
        final = _intersect(base, filters.values())
        if not len(final) and req.mode == "auto" and len(parsed.words) > 1:
            anyq = build_query(req.q, mode="any", vocab=vocab, taxonomy=taxonomy)
            any_base = _and(fast.hits(anyq.query), visible) if anyq.query is not None else _EMPTY
            any_final = _intersect(any_base, filters.values())
            if len(any_final):
                note = Notice(N_("no document contains all the words; showing the documents that contain any of them"))
                return _Found(anyq, any_base, filters, any_final, "any", (*anyq.notices, note))
        return _Found(parsed, base, filters, final, first, parsed.notices)

    def _filter_sets(self, req: SearchRequest, fast: FastIndex) -> dict[str, np.ndarray]:
        """One sorted document array per active filter (facets and the from/to date range)."""
        sets: dict[str, np.ndarray] = {}
        for name, values in req.filters.items():
            sets[name] = fast.docs_with(name, values)
        if req.date_from or req.date_to:
            low = date_bound(req.date_from, end=False) if req.date_from else None
            high = date_bound(req.date_to, end=True) if req.date_to else None
            sets["date"] = fast.date_range(low, high)
        return sets

    def _facets_for(
        self,
        req: SearchRequest,
        table: FacetTable,
        base: np.ndarray,
        filters: dict[str, np.ndarray],
        base_url: str,
        labeler: Labeler,
        only: str | None = None,
    ) -> dict[str, list[FacetValue]]:
        """Counts per facet, each ignoring its own selection (multi-select); months once a year is chosen."""
        out = {}
        names = [n for n in FACET_NAMES if (not only or n == only) and (n != "month" or req.filters.get("year") or only == "month")]
        # facets ignoring the same filters count the same documents: one intersection, counted together
        groups: dict[tuple[str, ...], list[str]] = {}
        for name in names:
            groups.setdefault(tuple(k for k in filters if k != name), []).append(name)
        counted: dict[str, dict[str, int]] = {}
        for others, members in groups.items():
            counted.update(table.counts_many(tuple(members), _intersect(base, [filters[k] for k in others])))
        for name in names:
            counts = counted.get(name, {})
            if name == "month" and req.filters.get("year"):
                years = req.filters["year"]
                counts = {m: c for m, c in counts.items() if m[:4] in years}
            selected = req.filters.get(name, ())

            url = req.toggle_url_maker(name, base_url)
            order = "value" if name in ("year", "month") else "count"
            out[name] = facet_values(name, counts, selected, url, labeler, order)
        return out

    @staticmethod
    def _sort(req: SearchRequest, parsed: ParsedQuery) -> str:
        """relevance (BM25F + proximity) or date order ("date" oldest first, "-date" newest); no words = newest first."""
        if req.sort != "relevance" or parsed.query is None or not parsed.words:
            return "date" if req.sort == "date" else "-date"
        return "relevance"

    def _hits(self, view: _View, parsed: ParsedQuery, req: SearchRequest, final: np.ndarray) -> tuple[Hit, ...]:
        """The page of hits, ranked or sorted, with snippets and matching pages from the original text."""
        limit = req.page * req.per_page
        sort = self._sort(req, parsed)
        top = view.top(parsed.rank_query, final, limit, sort)
        start = (req.page - 1) * req.per_page
        return tuple(
            self._hit(view.fast.stored_fields(num), parsed.terms, score if sort == "relevance" else 0.0)
            for num, score in top[start:limit]
        )

    @staticmethod
    def _hit(stored: dict, terms: frozenset[str], score: float) -> Hit:
        """One hit from stored fields: the snippet and page numbers come from the original text."""
        lang = hit_lang(stored)
        body = stored.get("body", "") or ""
        pages = matching_pages(body.split("\f"), terms, lang) if "\f" in body else ()
        langs = tuple(x for x in (stored.get("lang") or "").split(",") if x)
        return Hit(
            id=stored["id"],
            path=stored.get("path", ""),
            title=stored.get("title", ""),
            lang=langs[0] if langs else "und",
            date=stored.get("date"),
            type=stored.get("type") or None,
            score=round(score, 4),
            snippet=snippet(body, terms, lang),
            langs=langs,
            paths=tuple(stored.get("paths") or ()),
            pages=pages,
        )

    @staticmethod
    def _visible(searcher: Searcher, table: FacetTable, principals: tuple[str, ...] | None) -> np.ndarray:
        """Sorted documents the principals may see (None: the operator, who sees everything)."""
        if principals is None:
            return table.fast.live_ids
        return table.docs_array("visibility", principals)

    # -- documents --------------------------------------------------------------------------
    @serialized
    def document(self, doc_id: str, principals: tuple[str, ...] | None = PUBLIC) -> dict:
        """Stored fields of one document `principals` may see, or NotFound (never a hint it exists)."""
        searcher, _ = self._current()
        docnum = searcher.document_number(id=doc_id)
        stored = searcher.stored_fields(docnum) if docnum is not None else None
        allowed = principals is None or set((stored or {}).get("visibility", "").split(",")) & set(principals)
        if stored is None or not allowed:
            raise NotFound(f"no document with id {doc_id!r}")
        return dict(stored)

    @serialized
    def highlight_terms(self, text: str, principals: tuple[str, ...] | None = PUBLIC) -> frozenset[str]:
        """The index terms a query stands for (prefixes and typos expanded), to mark them in a document."""
        if not text.strip():
            return frozenset()
        return build_query(text, mode="any", vocab=self._view(principals).vocab, taxonomy=self.taxonomy).terms

    @serialized
    def similar(self, doc_id: str, principals: tuple[str, ...] | None = PUBLIC, top: int = 5) -> list[dict]:
        """Stored fields of up to `top` visible documents most like this one (more-like-this)."""
        stored = self.document(doc_id, principals)  # first: no key terms of a document one may not see
        view = self._view(principals)
        docnum = view.searcher.document_number(id=doc_id)
        found = similar_docnums(view.searcher, docnum, stored, hit_lang(stored), view.stats, view.visible, top)
        return [{**view.searcher.stored_fields(num), "score": round(score, 4)} for num, score in found]

    @serialized
    def stats(self, principals: tuple[str, ...] | None = PUBLIC) -> dict:
        """Size of the visible part of the index and its facet distribution."""
        view = self._view(principals)
        return {
            "documents": int(len(view.ids)),
            "index_dir": str(self.index_dir),
            "facets": {name: view.table.counts(name, view.ids) for name in schema_mod.FACETS},
        }


_EMPTY = np.zeros(0, dtype=np.int32)


def _past_the_end(req: SearchRequest, total: int) -> tuple[Notice, ...]:
    """A notice when the page asked for lies after the last page of results (an old link, a typed URL)."""
    last = -(-total // req.per_page)
    if not total or req.page <= last:
        return ()
    return (Notice(N_("page {page} is past the last page of results, page {last}"), (("page", str(req.page)), ("last", str(last)))),)


def _and(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection of two sorted unique document arrays."""
    return intersect_sorted(a, b)


def _intersect(base: np.ndarray, others: Iterable[np.ndarray]) -> np.ndarray:
    """`base` intersected with every other sorted array, smallest first."""
    result = base
    for other in sorted(others, key=len):
        if not len(result):
            break
        result = _and(result, other)
    return result
