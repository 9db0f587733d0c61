"""Presentation extras of the results page, computed from the request and the result dict."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask_babel import gettext as _

from search.request import FILTER_PARAMS, SearchRequest
from web import state

FACET_SHOWN = 8  # values listed in the sidebar before "all values…"
BAR_STEPS = 20  # histogram bar heights are CSS classes h0..h20 (no inline styles under the CSP)
PAGER_SPAN = 2


def facet_title(name: str) -> str:
    """The heading of a facet in the interface language."""
    return {
        "lang": _("Language"),
        "type": _("Document type"),
        "program": _("Program"),
        "partner": _("Partner"),
        "region": _("Region"),
        "country": _("Country"),
        "year": _("Year"),
        "month": _("Month"),
    }.get(name, name)


def sort_choices() -> list[tuple[str, str]]:
    """Sort orders with their labels."""
    return [("relevance", _("Relevance")), ("-date", _("Newest first")), ("date", _("Oldest first"))]


def chips(req: SearchRequest, ui: str, base: str = "/search") -> list[dict]:
    """Active filters, each with the URL that removes it (the × of a chip)."""
    out = []
    for name in FILTER_PARAMS:
        for value in req.filters.get(name, ()):
            out.append({
                "facet": facet_title(name),
                "label": state.label(name, value, ui),
                "remove_url": req.toggled(name, value).url(base),
            })
    if req.date_from or req.date_to:
        out.append({
            "facet": _("Dates"),
            "label": f"{req.date_from or '…'} – {req.date_to or '…'}",
            "remove_url": replace(req, date_from=None, date_to=None, page=1).url(base),
        })
    return out


def clear_url(req: SearchRequest, base: str = "/search") -> str:
    """The query alone, every filter removed."""
    return SearchRequest(q=req.q, sort=req.sort, per_page=req.per_page).url(base)


def pager(req: SearchRequest, total: int, max_page: int) -> list[dict]:
    """Numbered page links around the current one (first and last always), gaps as None numbers."""
    count = min(-(-total // req.per_page), max_page) if total else 0
    if count <= 1:
        return []
    wanted = {1, count, *range(max(1, req.page - PAGER_SPAN), min(count, req.page + PAGER_SPAN) + 1)}
    out, last = [], 0
    for number in sorted(wanted):
        if number - last > 1:
            out.append({"number": None})
        out.append({"number": number, "url": req.with_page(number).url(), "current": number == req.page})
        last = number
    return out


def histogram(values: list[dict]) -> list[dict]:
    """Year or month values in time order, each with a bar height class proportional to its count."""
    ordered = sorted(values, key=lambda v: v["value"])
    top = max((v["count"] for v in ordered), default=0) or 1
    return [{**v, "height": round(BAR_STEPS * v["count"] / top)} for v in ordered]


def shown_values(values: list[dict]) -> tuple[list[dict], int]:
    """The values listed in the sidebar (top ones plus every selected one) and how many are hidden."""
    shown = [v for i, v in enumerate(values) if i < FACET_SHOWN or v["selected"]]
    return shown, len(values) - len(shown)


def state_url(req: SearchRequest, base: str, **extra: str) -> str:
    """The request's state under another URL (facet pages, exports) plus `extra` parameters."""
    params = [p for p in req.with_page(1).to_params() if p[0] != "page"]
    params.extend((k, v) for k, v in extra.items() if v)
    return base + ("?" + urlencode(params) if params else "")
