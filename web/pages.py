"""HTML pages and their JSON twins: each view builds one data dict, rendered as a page or as JSON."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file

from search.errors import NotFound
from search.highlight import mark_all, query_terms
from search.query import build_query
from search.request import parse_request
from search.schema import text_field
from search.engine import hit_lang
from web import state

bp = Blueprint("pages", __name__)


def render(data: dict, template: str, fmt: str | None) -> Response:
    """The same data as JSON (`.json` twin) or through the page template."""
    if fmt == "json":
        return jsonify(data)
    return Response(render_template(template, **data), mimetype="text/html")


def ui_lang() -> str:
    """Interface language from ?ui=, then the cookie, default French."""
    lang = request.args.get("ui") or request.cookies.get("ui") or "fr"
    return lang if lang in ("fr", "ar", "en") else "fr"


@bp.get("/")
def home() -> Response:
    """The search page with no query: browse the newest documents."""
    return redirect("/search")


@bp.get("/search", defaults={"fmt": None})
@bp.get("/search.<fmt>")
def search(fmt: str | None) -> Response:
    """Search results with facets; /search.json is the same data as JSON."""
    if fmt not in (None, "json"):
        abort(404)
    cfg = state.settings()
    req = parse_request(
        request.args.to_dict(flat=False),
        per_page=cfg.per_page,
        max_per_page=cfg.max_per_page,
        max_page=cfg.max_page,
        max_query_chars=cfg.max_query_chars,
    )
    engine = state.engine()
    lang = ui_lang()
    engine.labeler = lambda facet, value: state.label(facet, value, lang)
    result = engine.search(req)
    data = result.to_dict()
    if fmt == "json":
        return jsonify(data)
    pages = -(-result.total // result.per_page) if result.total else 0
    return render(
        {
            **data,
            "ui": lang,
            "request": req,
            "page_count": pages,
            "prev_url": req.with_page(req.page - 1).url() if req.page > 1 else None,
            "next_url": req.with_page(req.page + 1).url() if req.page < pages else None,
        },
        "search.html",
        None,
    )


def _document_data(doc_id: str, q: str) -> dict:
    stored = state.engine().document(doc_id)
    lang = hit_lang(stored)
    parsed = build_query(q, mode="any") if q else None
    terms = query_terms(parsed.query if parsed else None, text_field("body", lang))
    pages = stored.get("body", "").split("\f")
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "path": stored.get("path", ""),
        "paths": list(stored.get("paths") or []),
        "date": stored.get("date"),
        "type": stored.get("type") or None,
        "lang": (stored.get("lang") or "").split(",")[0] or "und",
        "langs": [x for x in (stored.get("lang") or "").split(",") if x],
        "format": stored.get("format"),
        "size": stored.get("size"),
        "program": [x for x in (stored.get("program") or "").split(",") if x],
        "partner": [x for x in (stored.get("partner") or "").split(",") if x],
        "region": [x for x in (stored.get("region") or "").split(",") if x],
        "country": [x for x in (stored.get("country") or "").split(",") if x],
        "pages": [{"number": n, "html": mark_all(t, terms, lang)} for n, t in enumerate(pages, start=1)],
        "warnings": list(stored.get("warnings") or []),
        "file_url": f"/doc/{stored['id']}/file",
        "query": q,
    }


@bp.get("/doc/<doc_id>", defaults={"fmt": None})
@bp.get("/doc/<doc_id>.<fmt>")
def document(doc_id: str, fmt: str | None) -> Response:
    """One document: metadata and full text with the query highlighted; .json twin."""
    if fmt not in (None, "json"):
        abort(404)
    data = _document_data(doc_id, request.args.get("q", ""))
    if fmt == "json":
        return jsonify(data)
    return render({**data, "ui": ui_lang()}, "document.html", None)


@bp.get("/doc/<doc_id>/file")
def download(doc_id: str) -> Response:
    """The original file of an indexed document (only indexed files, never an arbitrary path)."""
    stored = state.engine().document(doc_id)
    source = Path(stored.get("source", ""))
    if not source.is_file():
        raise NotFound(f"the original file of document {doc_id!r} is no longer in the archive")
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return send_file(source, mimetype=mime, as_attachment=True, download_name=source.name)
