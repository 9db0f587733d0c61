"""The current result set as CSV or JSON (every page, up to settings.export_cap), for researchers."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, abort, jsonify, request

from search import export
from web import auth, state
from web.i18n import ui_lang
from web.render import current_request

bp = Blueprint("exports", __name__)


@bp.get("/export.<fmt>")
def export_results(fmt: str) -> Response:
    """Same parameters as /search; the cap and the total are stated in headers and in the JSON."""
    if fmt not in ("csv", "json"):
        abort(404, description=f"unknown export format {fmt!r}; choose one of: csv, json")
    req = current_request()
    cap = state.settings().export_cap
    total, stored, mode = state.engine().export(req, cap, principals=auth.principals())
    root = request.host_url.rstrip("/")
    ui = ui_lang()
    rows = [export.row(s, f"{root}/doc/{s['id']}", lambda facet, value: state.label(facet, value, ui)) for s in stored]
    headers = {
        "X-Arshif-Total": str(total),
        "X-Arshif-Exported": str(len(rows)),
        "X-Arshif-Export-Cap": str(cap),
    }
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    if fmt == "json":
        resp = jsonify({
            "query": req.q,
            "url": request.url,
            "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "mode": mode,
            "total": total,
            "exported": len(rows),
            "cap": cap,
            "truncated": total > len(rows),
            "columns": list(export.COLUMNS),
            "rows": rows,
        })
    else:
        resp = Response(export.to_csv(rows), mimetype="text/csv")
        resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers.update(headers)
    resp.headers["Content-Disposition"] = f'attachment; filename="arshif-{stamp}.{fmt}"'
    return resp
