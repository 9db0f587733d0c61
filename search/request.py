"""A search request: parsed from URL parameters, validated, and turned back into URLs (all state in the URL)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Mapping
from urllib.parse import quote_plus, urlencode

from search.errors import QueryError
from search.querylang import count_terms, is_date
from search.schema import FACETS

SORTS = ("relevance", "date", "-date")
MODES = ("auto", "all", "any")
FILTER_PARAMS = (*FACETS, "month")
_DATE_FACETS = {"year": 4, "month": 7}  # facets whose values are dates of this length
DEFAULT_PER_PAGE = 10


@dataclass(frozen=True)
class SearchRequest:
    """Everything that determines a result page."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    mode: str = "auto"

    def to_params(self) -> list[tuple[str, str]]:
        """URL parameters that reproduce this request (defaults left out)."""
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        for name in FILTER_PARAMS:
            params.extend((name, v) for v in self.filters.get(name, ()))
        if self.date_from:
            params.append(("from", self.date_from))
        if self.date_to:
            params.append(("to", self.date_to))
        if self.sort != "relevance":
            params.append(("sort", self.sort))
        if self.mode != "auto":
            params.append(("mode", self.mode))
        if self.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(self.per_page)))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params

    def url(self, base: str = "/search") -> str:
        """The URL of this request under `base`."""
        params = self.to_params()
        return base + ("?" + urlencode(params) if params else "")

    def toggled(self, name: str, value: str) -> "SearchRequest":
        """This request with facet value `value` switched on or off (back to page 1)."""
        current = list(self.filters.get(name, ()))
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        filters = {k: v for k, v in self.filters.items() if k != name}
        if current:
            filters[name] = tuple(current)
        if name == "year" and value not in current:  # leaving a year drops its months
            filters.pop("month", None) if not current else None
        return replace(self, filters=filters, page=1)

    @cached_property
    def _page1_params(self) -> tuple[tuple[str, str], ...]:
        """(name, "name=value" encoded) of every parameter of this request on page 1, encoded once
        for all the facet URLs of a page (the query text is the costly part to encode)."""
        return tuple((k, urlencode([(k, v)])) for k, v in replace(self, page=1).to_params())

    def toggle_url_maker(self, name: str, base: str = "/search") -> "Callable[[str], str]":
        """A function value -> self.toggled(name, value).url(base), encoding the unchanged parameters
        once per request (a result page builds one URL per facet value shown)."""
        def one_at_a_time(value: str) -> str:
            return self.toggled(name, value).url(base)

        if name not in FILTER_PARAMS:
            return one_at_a_time
        current = tuple(self.filters.get(name, ()))
        parts: list[str] = []  # head and tail around the toggled facet, computed on the first call
        key = _quoted(name) + "="
        encoded = {v: key + _quoted(v) for v in current}  # "name=value" as urlencode writes it

        def url(value: str) -> str:
            if name == "year" and current == (value,):  # leaving the last year also drops its months
                return one_at_a_time(value)
            if not parts:
                # the toggled facet's values go where to_params puts them: after the filters before it
                before = {"q", *FILTER_PARAMS[: FILTER_PARAMS.index(name)]}
                others = [(k, enc) for k, enc in self._page1_params if k != name]
                cut = sum(1 for k, _ in others if k in before)
                parts.extend(("&".join(enc for _, enc in others[:cut]), "&".join(enc for _, enc in others[cut:])))
            if value in encoded:
                middle = "&".join(enc for v, enc in encoded.items() if v != value)
            else:
                middle = "&".join((*encoded.values(), key + _quoted(value)))
            query = "&".join(part for part in (parts[0], middle, parts[1]) if part)
            return base + ("?" + query if query else "")

        return url

    def with_page(self, page: int) -> "SearchRequest":
        """This request on another page."""
        return replace(self, page=page)


@lru_cache(maxsize=8192)
def _quoted(value: str) -> str:
    """quote_plus of a facet name or value (the same few thousand values on every result page)."""
    return quote_plus(value)


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    return values[-1].strip() if values and values[-1].strip() else None


def _int(params: Mapping[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _one(params, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"'{name}' must be a whole number between {low} and {high}, not {raw!r}") from None
    if not low <= value <= high:
        raise QueryError(f"'{name}' must be a whole number between {low} and {high}, not {value}")
    return value


def _date(params: Mapping[str, list[str]], name: str) -> str | None:
    raw = _one(params, name)
    if raw is None:
        return None
    if not is_date(raw):
        raise QueryError(f"'{name}' must be a date like 2019, 2019-07 or 2019-07-15, not {raw!r}")
    return raw


def parse_request(
    params: Mapping[str, list[str]],
    *,
    per_page: int = 10,
    max_per_page: int = 100,
    max_page: int = 500,
    max_query_chars: int = 500,
    max_query_terms: int = 40,
) -> SearchRequest:
    """Validate URL parameters (name -> list of values) into a SearchRequest, or raise QueryError."""
    q = (_one(params, "q") or "")
    if len(q) > max_query_chars:
        raise QueryError(f"the query is {len(q)} characters long; the limit is {max_query_chars} characters")
    terms = count_terms(q)
    if terms > max_query_terms:
        raise QueryError(f"the query has {terms} terms; the limit is {max_query_terms} terms")
    filters = {}
    for name in FILTER_PARAMS:
        values = tuple(dict.fromkeys(v.strip() for v in params.get(name, []) if v.strip()))
        for value in values if name in _DATE_FACETS else ():
            if len(value) != _DATE_FACETS[name] or not is_date(value):
                raise QueryError(f"'{name}' must be {'a year like 2019' if name == 'year' else 'a month like 2019-07'}, not {value!r}")
        if values:
            filters[name] = values
    sort = _one(params, "sort") or "relevance"
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose one of: {', '.join(SORTS)}")
    mode = _one(params, "mode") or "auto"
    if mode not in MODES:
        raise QueryError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    date_from, date_to = _date(params, "from"), _date(params, "to")
    if date_from and date_to and date_from[:len(date_to)] > date_to:
        raise QueryError(f"the date range from {date_from} to {date_to} ends before it starts; swap 'from' and 'to'")
    return SearchRequest(
        q=q,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(params, "page", 1, 1, max_page),
        per_page=_int(params, "per_page", per_page, 1, max_per_page),
        mode=mode,
    )


def params_from_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (name, value) pairs into the name -> values mapping parse_request takes."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out
