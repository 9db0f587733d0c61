"""One document: metadata, full text with the query marked, similar documents, the original file."""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, request, send_file
from unidecode import unidecode

from search.engine import hit_lang
from search.errors import NotFound
from search.highlight import mark_all
from web import audit_trail, auth, state
from web.i18n import ui_lang
from web.render import check_format, render

bp = Blueprint("documents", __name__)
FACET_KINDS = ("type", "program", "partner", "region", "country")
SIMILAR = 5
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}


def _split(value: str | None) -> list[str]:
    return [x for x in (value or "").split(",") if x]


def document_data(doc_id: str, q: str, principals: tuple[str, ...]) -> dict:
    """The document's stored fields as data, its pages marked with the query, and its neighbours."""
    engine = state.engine()
    stored = engine.document(doc_id, principals)
    lang = hit_lang(stored)
    terms = engine.highlight_terms(q, principals)
    pages = (stored.get("body") or "").split("\f")
    source = Path(stored.get("source") or "")
    similar = [
        {
            "id": s["id"],
            "title": s.get("title", ""),
            "date": s.get("date"),
            "type": s.get("type") or None,
            "lang": (_split(s.get("lang")) or ["und"])[0],
            "url": f"/doc/{s['id']}",
            "score": s["score"],
        }
        for s in engine.similar(doc_id, principals, top=SIMILAR)
    ]
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "path": stored.get("path", ""),
        "paths": list(stored.get("paths") or []),
        "date": stored.get("date"),
        "type": stored.get("type") or None,
        "lang": (_split(stored.get("lang")) or ["und"])[0],
        "langs": _split(stored.get("lang")),
        "format": stored.get("format"),
        "size": stored.get("size"),
        "page_count": len(pages),
        "program": _split(stored.get("program")),
        "partner": _split(stored.get("partner")),
        "region": _split(stored.get("region")),
        "country": _split(stored.get("country")),
        "pages": [{"number": n, "html": mark_all(t, terms, lang)} for n, t in enumerate(pages, start=1)],
        "warnings": list(stored.get("warnings") or []),
        "file_url": f"/doc/{stored['id']}/file",
        "file_name": source.name,
        "query": q,
        "similar": similar,
    }


def _links(data: dict, ui: str) -> dict[str, list[dict]]:
    """Each facet value of the document as a labelled link to the documents sharing it."""
    out = {}
    for kind in (*FACET_KINDS, "lang"):
        values = data["langs"] if kind == "lang" else ([data["type"]] if kind == "type" and data["type"] else data.get(kind, []))
        if kind == "type" and not data["type"]:
            values = []
        out[kind] = [{"label": state.label(kind, v, ui), "url": "/search?" + urlencode({kind: v})} for v in values]
    if data["date"]:
        out["year"] = [{"label": data["date"][:4], "url": "/search?" + urlencode({"year": data["date"][:4]})}]
    return out


@bp.get("/doc/<doc_id>", defaults={"fmt": None})
@bp.get("/doc/<doc_id>.<fmt>")
def document(doc_id: str, fmt: str | None) -> Response:
    """One document: metadata and full text with the query highlighted; /doc/<id>.json is its twin."""
    check_format(fmt)
    q = request.args.get("q", "")[: state.settings().max_query_chars]
    data = document_data(doc_id, q, auth.principals())
    ui = ui_lang()
    return render(
        data,
        "document.html",
        fmt,
        links=_links(data, ui),
        type_label=lambda v: state.label("type", v, ui) if v else "",
        lang_label=lambda v: state.label("lang", v, ui),
        back_url="/search?" + urlencode({"q": q}) if q else "/search",
    )


@bp.get("/doc/<doc_id>/file")
def download(doc_id: str) -> Response:
    """The original file of an indexed, visible document (never an arbitrary path)."""
    stored = state.engine().document(doc_id, auth.principals())
    source = Path(stored.get("source") or "")
    if not stored.get("source") or not source.is_file():
        raise NotFound(f"the original file of document {doc_id!r} is no longer in the archive")
    user = auth.current_user()
    audit_trail.record("download", user.name if user else None, id=stored["id"], path=stored.get("path", ""), address=auth.client_address())
    mime = CONTENT_TYPES.get(source.suffix.lower()) or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    response = send_file(source, mimetype=mime)
    response.headers["Content-Disposition"] = attachment_header(source.name)
    return response


def attachment_header(name: str) -> str:
    """Content-Disposition for a download: the real (often Arabic) name for modern browsers, and a
    transliterated ASCII fallback ("بلاغ-مرحبا-2021.pdf" -> "blg-mrhb-2021.pdf") for the others."""
    ascii_name = name if name.isascii() else unidecode(name).lower()
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("_") or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
