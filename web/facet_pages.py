"""All values of one facet for the current search, filtered by what the user types (long partner lists)."""
from __future__ import annotations

import unicodedata
from dataclasses import asdict

from flask import Blueprint, Response, request

from search.engine import FACET_NAMES
from search.errors import QueryError
from web import auth
from web import search_view as view
from web import state
from web.i18n import ui_lang
from web.render import check_format, current_request, render

bp = Blueprint("facets", __name__)
MAX_PREFIX_CHARS = 100


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for matching typed letters against labels."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(prefix: str, value: dict) -> bool:
    """True when a word of the label (or the value itself) starts with the typed letters."""
    want = _fold(prefix.strip())
    if not want:
        return True
    words = _fold(value["label"]).replace("-", " ").split() + [_fold(value["value"])]
    return any(w.startswith(want) for w in words) or _fold(value["label"]).startswith(want)


@bp.get("/facets/<name>", defaults={"fmt": None})
@bp.get("/facets/<name>.<fmt>")
def facet(name: str, fmt: str | None) -> Response:
    """Every value of facet `name` with counts for the search in the URL; ?prefix= narrows the list."""
    check_format(fmt)
    if name not in FACET_NAMES:
        raise QueryError(f"unknown facet {name!r}; choose one of: {', '.join(FACET_NAMES)}")
    prefix = (request.args.get("prefix") or "")[:MAX_PREFIX_CHARS]
    req = current_request()
    lang = ui_lang()
    values = state.engine().facet(req, name, principals=auth.principals(), labeler=state.labeler(lang))
    listed = [asdict(v) for v in values]
    shown = [v for v in listed if matches(prefix, v)]
    data = {"facet": name, "query": req.q, "prefix": prefix, "total_values": len(listed), "values": shown}
    return render(
        data,
        "facet.html",
        fmt,
        title=view.facet_title(name),
        hidden_fields=[p for p in req.to_params() if p[0] != "page"],
        back_url=req.with_page(1).url(),
    )
