"""The search page and its JSON twin, the home page and the query-language help."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from web import auth
from web import help as help_text
from web import search_view as view
from web import state
from web.i18n import translate_notice, ui_lang
from web.render import check_format, current_request, render

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> Response:
    """The search page with no query: browse the newest documents."""
    return redirect("/search", code=302)


@bp.get("/search", defaults={"fmt": None})
@bp.get("/search.<fmt>")
def search(fmt: str | None) -> Response:
    """Search results with facets; /search.json is the same data as JSON."""
    check_format(fmt)
    req = current_request()
    lang = ui_lang()
    result = state.engine().search(req, principals=auth.principals(), labeler=state.labeler(lang))
    data = result.to_dict()
    if fmt == "json":
        return render(data, "search.html", fmt)
    cfg = state.settings()
    facets = {}
    for name, values in data["facets"].items():
        shown, hidden = view.shown_values(values)
        facets[name] = {
            "title": view.facet_title(name),
            "values": shown,
            "hidden": hidden,
            "more_url": view.state_url(req, f"/facets/{name}"),
        }
    return render(
        data,
        "search.html",
        None,
        req=req,
        facet_boxes=facets,
        years=view.histogram(data["facets"].get("year", [])),
        months=view.histogram(data["facets"].get("month", [])),
        chips=view.chips(req, lang),
        clear_url=view.clear_url(req),
        pager=view.pager(req, result.total, cfg.max_page),
        sorts=view.sort_choices(),
        notices=[translate_notice(n) for n in result.notices],
        type_label=lambda v: state.label("type", v, lang) if v else "",
        lang_label=lambda v: state.label("lang", v, lang),
        export_csv=view.state_url(req, "/export.csv"),
        export_json=view.state_url(req, "/export.json"),
        json_url=view.state_url(req, "/search.json", page=str(req.page) if req.page > 1 else ""),
        export_cap=cfg.export_cap,
        hidden_filters=[p for p in req.to_params() if p[0] not in ("q", "sort", "page", "from", "to")],
        suggestion_url=view.state_url(req.__class__(q=result.suggestion or "", filters=req.filters), "/search") if result.suggestion else None,
    )


@bp.get("/help", defaults={"fmt": None})
@bp.get("/help.<fmt>")
def help_page(fmt: str | None) -> Response:
    """How to write queries, in the interface language; /help.json is the same text."""
    check_format(fmt)
    return render(help_text.help_data(ui_lang(), state.settings()), "help.html", fmt)
