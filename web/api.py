"""JSON-only endpoints: index statistics and the OpenAPI description of every JSON endpoint."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from web import auth, state
from web.openapi import spec

bp = Blueprint("api", __name__)


@bp.get("/stats.json")
def stats() -> Response:
    """Document count and facet distribution of the visible index."""
    data = state.engine().stats(principals=auth.principals())
    data.pop("index_dir", None)  # no server paths to the public
    return jsonify(data)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of the JSON endpoints."""
    return jsonify(spec(state.settings()))
