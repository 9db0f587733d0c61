"""Result dataclasses and their JSON form: one dict feeds both the HTML page and its JSON twin."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet, with all it takes to render and toggle it."""

    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class Hit:
    """One document in a result page."""

    id: str
    path: str
    title: str
    lang: str
    date: str | None
    type: str | None
    score: float
    snippet: str
    langs: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # pages where the query matches (multi-page documents)

    def to_dict(self) -> dict:
        """JSON form."""
        data = asdict(self)
        data["langs"] = list(self.langs)
        data["paths"] = list(self.paths)
        data["pages"] = list(self.pages)
        return data


@dataclass(frozen=True)
class SearchResult:
    """A result page: hits, facets, and how the query was read."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: tuple[Hit, ...]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    mode: str = "all"
    message: str | None = None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notices: tuple = ()  # search.query.Notice: the message as templates, for translated pages

    def to_dict(self) -> dict:
        """The JSON contract of /search.json and `arshif search --json`."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": round(self.took_ms, 2),
            "mode": self.mode,
            "message": self.message,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
            "suggestion": self.suggestion,
        }
