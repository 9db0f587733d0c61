"""One error shape: {"ok": false, "error": str, "status": int}, as JSON or as a page; never a trace."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.errors import NotFound, QueryError

JSON_SUFFIXES = (".json",)


def wants_json() -> bool:
    """JSON twins end in .json (and API clients may ask for JSON)."""
    return request.path.endswith(JSON_SUFFIXES) or request.accept_mimetypes.best == "application/json"


def error_response(message: str, status: int) -> Response:
    """Render an error in the one shape, as JSON or HTML."""
    if wants_json():
        resp = jsonify({"ok": False, "error": message, "status": status})
    else:
        resp = Response(render_template("error.html", message=message, status=status), mimetype="text/html")
    resp.status_code = status
    return resp


def init_app(app: Flask) -> None:
    """Register the handlers that turn every failure into the one shape."""

    @app.errorhandler(QueryError)
    def _bad_query(exc: QueryError) -> Response:
        return error_response(str(exc), 400)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Response:
        return error_response(str(exc), 404)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 404 and (exc.description or "").startswith("The requested URL"):
            return error_response(f"there is no page at {request.path}; try /search or /help", 404)
        return error_response(exc.description or exc.name, status)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error on %s", request.path)
        return error_response("internal error; the administrators have been told", 500)
