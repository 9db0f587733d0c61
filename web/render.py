"""One data dict, two renderings: the page through its template, or the JSON twin."""
from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request

from search.request import SearchRequest, parse_request
from web import state


def check_format(fmt: str | None) -> None:
    """Only the page itself and its .json twin exist."""
    if fmt not in (None, "json"):
        abort(404, description=f"unknown format {fmt!r}; add .json for the JSON twin or nothing for the page")


def render(data: dict, template: str, fmt: str | None, **page_only: object) -> Response:
    """`data` as JSON (.json twin) or through the template with `page_only` presentation extras."""
    if fmt == "json":
        return jsonify(data)
    return Response(render_template(template, **data, **page_only), mimetype="text/html")


def current_request() -> SearchRequest:
    """The search state in the URL, validated against the settings' limits (QueryError -> 400)."""
    cfg = state.settings()
    return parse_request(
        request.args.to_dict(flat=False),
        per_page=cfg.per_page,
        max_per_page=cfg.max_per_page,
        max_page=cfg.max_page,
        max_query_chars=cfg.max_query_chars,
        max_query_terms=cfg.max_query_terms,
    )
