"""JSON-only endpoints (the pages' twins live beside the pages)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from web import state

bp = Blueprint("api", __name__)


@bp.get("/stats.json")
def stats() -> Response:
    """Document count and facet distribution of the index."""
    return jsonify(state.engine().stats())
