"""Run a SearchRequest against the index: hit set, filters, facets, ranking, snippets, one result."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import scoring
from whoosh.searching import Searcher

from search import schema as schema_mod
from search.errors import NotFound, QueryError
from search.facets import FacetTable, facet_values
from search.highlight import matching_pages, query_terms, snippet
from search.query import ParsedQuery, build_query
from search.request import SearchRequest
from search.results import Hit, SearchResult

Labeler = Callable[[str, str], str]
FACET_NAMES = (*schema_mod.FACETS, "month")
TABLE_NAMES = (*FACET_NAMES, "visibility")
PUBLIC: tuple[str, ...] = ("public",)


def _plain_label(facet: str, value: str) -> str:
    return value


def hit_lang(stored: dict) -> str:
    """The Latin language whose field holds this document's text (as the writer chose it)."""
    for lang in (stored.get("lang") or "").split(","):
        if lang in ("fr", "en"):
            return lang
    return "fr"


class Engine:
    """An open index with a searcher refreshed after each commit and facet tables per generation."""

    def __init__(self, index_dir: Path, labeler: Labeler | None = None) -> None:
        index_dir = Path(index_dir)
        if not whoosh_index.exists_in(str(index_dir)):
            raise FileNotFoundError(
                f"no index in {index_dir}; run 'arshif index' first (or point --index at an index folder)"
            )
        self.index_dir = index_dir
        self.labeler = labeler or _plain_label
        self._ix = whoosh_index.open_dir(str(index_dir))
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._facets: FacetTable | None = None

    def _current(self) -> tuple[Searcher, FacetTable]:
        """The up-to-date searcher and its facet table (new documents appear without a restart)."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._ix.searcher(weighting=scoring.BM25F())
            elif not self._searcher.up_to_date():
                old = self._searcher
                self._searcher = old.refresh()
                self._facets = None
            if self._facets is None:
                self._facets = FacetTable.build(self._searcher, TABLE_NAMES)
            return self._searcher, self._facets

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- search -----------------------------------------------------------------------------
    def search(
        self, req: SearchRequest, base_url: str = "/search", principals: tuple[str, ...] | None = PUBLIC
    ) -> SearchResult:
        """Answer one request over the documents `principals` may see; 'all' words, else 'any'."""
        started = time.perf_counter()
        searcher, table = self._current()
        visible = self._visible(searcher, table, principals)
        parsed, base, mode, message = self._base(searcher, req, visible)
        filters = self._filter_sets(req, table, searcher)
        final = _intersect(base, filters.values())
        total = len(final)
        hits = self._hits(searcher, parsed, req, final) if total else ()
        facets = self._facets_for(req, table, base, filters, base_url)
        suggestion = self._suggest(searcher, req.q) if total == 0 and req.q else None
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
            mode=mode,
            message=message,
            filters=dict(req.filters),
        )

    def _base(
        self, searcher: Searcher, req: SearchRequest, visible: frozenset[int]
    ) -> tuple[ParsedQuery, set[int], str, str | None]:
        """The visible documents the words match, with the reading ('all'/'any') that produced them."""
        if not req.q.strip():
            return ParsedQuery(None, "all", ()), set(visible), "all", None
        first = "any" if req.mode == "any" else "all"
        parsed = build_query(req.q, mode=first)
        if parsed.query is None:
            return parsed, set(), first, "the query has only stop words or symbols; type a more specific word"
        base = set(searcher.docs_for_query(parsed.query)) & visible
        if not base and req.mode == "auto" and len(parsed.words) > 1:
            anyq = build_query(req.q, mode="any")
            base = set(searcher.docs_for_query(anyq.query)) & visible
            if base:
                return anyq, base, "any", "no document contains all the words; showing documents with any of them"
        return parsed, base, first, None

    def _filter_sets(self, req: SearchRequest, table: FacetTable, searcher: Searcher) -> dict[str, frozenset[int]]:
        """One document set per active filter (facets and the date range)."""
        sets: dict[str, frozenset[int]] = {}
        for name, values in req.filters.items():
            sets[name] = table.docs_with(name, values)
        if req.date_from or req.date_to:
            low = _date_bound(req.date_from, end=False)
            high = _date_bound(req.date_to, end=True)
            rng = Q.TermRange("date", low, high)
            sets["date"] = frozenset(searcher.docs_for_query(rng))
        return sets

    def _facets_for(
        self,
        req: SearchRequest,
        table: FacetTable,
        base: set[int],
        filters: dict[str, frozenset[int]],
        base_url: str,
    ) -> dict:
        """Counts per facet, each ignoring its own selection (multi-select)."""
        out = {}
        for name in FACET_NAMES:
            if name == "month" and not req.filters.get("year"):
                continue
            docs = _intersect(base, [s for k, s in filters.items() if k != name])
            counts = table.counts(name, docs)
            if name == "month":
                years = req.filters["year"]
                counts = {m: c for m, c in counts.items() if m[:4] in years}
            selected = req.filters.get(name, ())

            def url(value: str, name: str = name) -> str:
                return req.toggled(name, value).url(base_url)

            order = "value" if name in ("year", "month") else "count"
            out[name] = facet_values(name, counts, selected, url, self.labeler, order)
        return out

    def _hits(self, searcher: Searcher, parsed: ParsedQuery, req: SearchRequest, final: set[int]) -> tuple[Hit, ...]:
        """The page of hits, ranked by BM25F or sorted by date, with snippets from the original text."""
        query = parsed.query if parsed.query is not None else Q.Every()
        limit = req.page * req.per_page
        kwargs: dict = {"filter": final, "limit": limit}
        if req.sort != "relevance" or parsed.query is None:
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = req.sort != "date"
        results = searcher.search(query, **kwargs)
        start = (req.page - 1) * req.per_page
        hits = []
        for hit in results[start:limit]:
            stored = hit.fields()
            lang = hit_lang(stored)
            terms = query_terms(parsed.query, schema_mod.text_field("body", lang))
            body = stored.get("body", "")
            pages = matching_pages(body.split("\f"), terms, lang) if "\f" in body else ()
            hits.append(
                Hit(
                    id=stored["id"],
                    path=stored.get("path", ""),
                    title=stored.get("title", ""),
                    lang=(stored.get("lang") or "").split(",")[0] or "und",
                    date=stored.get("date"),
                    type=stored.get("type") or None,
                    score=round(float(hit.score), 4) if isinstance(hit.score, (int, float)) else 0.0,
                    snippet=snippet(body, terms, lang),
                    langs=tuple(x for x in (stored.get("lang") or "").split(",") if x),
                    paths=tuple(stored.get("paths") or ()),
                    pages=pages,
                )
            )
        return tuple(hits)

    def _suggest(self, searcher: Searcher, text: str) -> str | None:
        """A corrected query from the index vocabulary, when the words found nothing."""
        return None

    @staticmethod
    def _visible(searcher: Searcher, table: FacetTable, principals: tuple[str, ...] | None) -> frozenset[int]:
        """Documents the principals may see (None: the operator, who sees everything)."""
        if principals is None:
            return frozenset(_all_docs(searcher))
        return table.docs_with("visibility", principals)

    # -- documents --------------------------------------------------------------------------
    def document(self, doc_id: str, principals: tuple[str, ...] | None = PUBLIC) -> dict:
        """Stored fields of one document `principals` may see, or NotFound (never a hint it exists)."""
        searcher, _ = self._current()
        docnum = searcher.document_number(id=doc_id)
        stored = searcher.stored_fields(docnum) if docnum is not None else None
        allowed = principals is None or set((stored or {}).get("visibility", "").split(",")) & set(principals)
        if stored is None or not allowed:
            raise NotFound(f"no document with id {doc_id!r}")
        return dict(stored)

    def stats(self, principals: tuple[str, ...] | None = PUBLIC) -> dict:
        """Size of the visible part of the index and its facet distribution."""
        searcher, table = self._current()
        docs = self._visible(searcher, table, principals)
        return {
            "documents": len(docs),
            "index_dir": str(self.index_dir),
            "facets": {name: table.counts(name, docs) for name in schema_mod.FACETS},
        }


def _all_docs(searcher: Searcher) -> list[int]:
    return list(searcher.reader().all_doc_ids())


def _intersect(base: set[int] | frozenset[int], others) -> set[int]:
    result = set(base)
    for other in sorted(others, key=len):
        result &= other
        if not result:
            break
    return result


def _date_bound(value: str | None, end: bool) -> str | None:
    if value is None:
        return None
    if len(value) == 4:
        return value + ("-12-31" if end else "-01-01")
    if len(value) == 7:
        return value + ("-31" if end else "-01")
    return value
