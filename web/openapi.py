"""OpenAPI 3.0 description of Arshif's JSON endpoints (hand-written; validated in the tests)."""
from __future__ import annotations

from search.config import Settings
from search.engine import FACET_NAMES
from search.request import FILTER_PARAMS, MODES, SORTS

_STR = {"type": "string"}
_NSTR = {"type": "string", "nullable": True}
_INT = {"type": "integer"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _search_parameters(settings: Settings) -> list[dict]:
    """The URL parameters shared by /search.json, /facets/{name}.json and the exports."""
    params = [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": settings.max_query_chars},
         "description": "Query in the Arshif query language (see /help.json). Empty: every document, newest first."},
    ]
    for name in FILTER_PARAMS:
        params.append({
            "name": name, "in": "query", "style": "form", "explode": True,
            "schema": {"type": "array", "items": _STR},
            "description": f"Filter on {name}; repeat for several values (any of them).",
        })
    date = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    params += [
        {"name": "from", "in": "query", "schema": date, "description": "First date (YYYY, YYYY-MM or YYYY-MM-DD)."},
        {"name": "to", "in": "query", "schema": date, "description": "Last date (YYYY, YYYY-MM or YYYY-MM-DD)."},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
         "description": "relevance, -date (newest first) or date (oldest first)."},
        {"name": "mode", "in": "query", "schema": {"type": "string", "enum": list(MODES), "default": "auto"},
         "description": "auto: all words, else any word when none has them all."},
    ]
    return params


def _paging(settings: Settings) -> list[dict]:
    return [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": settings.max_page, "default": 1}},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": settings.max_per_page, "default": settings.per_page}},
    ]


def _schemas() -> dict:
    facet_value = {
        "type": "object",
        "required": ["value", "label", "count", "selected", "toggle_url"],
        "properties": {"value": _STR, "label": _STR, "count": _INT, "selected": {"type": "boolean"}, "toggle_url": _STR},
    }
    hit = {
        "type": "object",
        "required": ["id", "path", "title", "lang", "date", "type", "score", "snippet", "langs", "paths", "pages"],
        "properties": {
            "id": _STR, "path": _STR, "title": _STR, "lang": _STR,
            "date": {"type": "string", "format": "date", "nullable": True}, "type": _NSTR,
            "score": {"type": "number"}, "snippet": {"type": "string", "description": "HTML: escaped text with <mark>."},
            "langs": {"type": "array", "items": _STR}, "paths": {"type": "array", "items": _STR},
            "pages": {"type": "array", "items": _INT},
        },
    }
    result = {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "took_ms", "mode", "message", "hits", "facets", "suggestion"],
        "properties": {
            "query": _STR, "total": _INT, "page": _INT, "per_page": _INT, "took_ms": {"type": "number"},
            "mode": {"type": "string", "enum": ["all", "any"]}, "message": _NSTR,
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
                       "description": "Keys: " + ", ".join(FACET_NAMES) + " (month once a year is selected)."},
            "suggestion": _NSTR,
        },
    }
    document = {
        "type": "object",
        "required": ["id", "title", "path", "date", "type", "lang", "pages", "file_url", "similar"],
        "properties": {
            "id": _STR, "title": _STR, "path": _STR, "paths": {"type": "array", "items": _STR},
            "date": _NSTR, "type": _NSTR, "lang": _STR, "langs": {"type": "array", "items": _STR},
            "format": _NSTR, "size": {"type": "integer", "nullable": True}, "page_count": _INT,
            **{k: {"type": "array", "items": _STR} for k in ("program", "partner", "region", "country", "warnings")},
            "pages": {"type": "array", "items": {"type": "object", "properties": {"number": _INT, "html": _STR}}},
            "file_url": _STR, "file_name": _STR, "query": _STR,
            "similar": {"type": "array", "items": {"type": "object", "properties": {
                "id": _STR, "title": _STR, "date": _NSTR, "type": _NSTR, "lang": _STR, "url": _STR, "score": {"type": "number"}}}},
        },
    }
    facet_list = {
        "type": "object",
        "required": ["facet", "query", "prefix", "total_values", "values"],
        "properties": {"facet": _STR, "query": _STR, "prefix": _STR, "total_values": _INT,
                       "values": {"type": "array", "items": _ref("FacetValue")}},
    }
    row = {"type": "object", "properties": {
        "id": _STR, "title": _STR, "date": _STR, "type": _STR, "path": _STR, "url": _STR,
        **{k: {"type": "array", "items": _STR} for k in ("lang", "programs", "partners", "regions", "countries")}}}
    export = {
        "type": "object",
        "required": ["total", "exported", "cap", "truncated", "rows"],
        "properties": {"query": _STR, "url": _STR, "generated": _STR, "mode": _STR, "total": _INT, "exported": _INT,
                       "cap": _INT, "truncated": {"type": "boolean"}, "columns": {"type": "array", "items": _STR},
                       "rows": {"type": "array", "items": _ref("ExportRow")}},
    }
    help_ = {"type": "object", "properties": {
        "ui": _STR, "title": _STR, "intro": _STR,
        "rules": {"type": "array", "items": {"type": "object", "properties": {"syntax": _STR, "example": _STR, "meaning": _STR, "url": _STR}}},
        "limits": {"type": "object", "additionalProperties": _INT}, "notes": {"type": "array", "items": _STR}}}
    error = {
        "type": "object", "required": ["ok", "error", "status"],
        "properties": {"ok": {"type": "boolean", "enum": [False]}, "error": _STR, "status": _INT},
    }
    stats = {"type": "object", "properties": {"documents": _INT, "facets": {"type": "object", "additionalProperties": {
        "type": "object", "additionalProperties": _INT}}}}
    who = {"type": "object", "required": ["user", "groups", "via", "csrf_token"], "properties": {
        "user": _NSTR, "groups": {"type": "array", "items": _STR},
        "via": {"type": "string", "enum": ["session", "proxy"], "nullable": True},
        "csrf_token": {"type": "string", "description": "The token an HTML form post must carry (JSON posts need none)."}}}
    signed_in = {"type": "object", "required": ["ok", "user"], "properties": {
        "ok": {"type": "boolean", "enum": [True]}, "user": _NSTR, "groups": {"type": "array", "items": _STR}, "csrf_token": _STR}}
    credentials = {"type": "object", "required": ["user", "password"], "properties": {"user": _STR, "password": _STR}}
    return {"FacetValue": facet_value, "Hit": hit, "SearchResult": result, "Document": document,
            "FacetList": facet_list, "ExportRow": row, "Export": export, "Help": help_, "Error": error, "Stats": stats,
            "WhoAmI": who, "SignedIn": signed_in, "Credentials": credentials}


def spec(settings: Settings) -> dict:
    """The OpenAPI document: every JSON endpoint, its parameters, its answer and the one error shape."""
    search_params = _search_parameters(settings)
    doc_id = {"name": "id", "in": "path", "required": True, "schema": _STR}
    ui = {"name": "ui", "in": "query", "schema": {"type": "string", "enum": ["fr", "ar", "en"]},
          "description": "Interface language for labels (remembered in a cookie)."}
    bad = _error("A parameter or the query cannot be used; the message names it and the valid choices.")
    return {
        "openapi": "3.0.3",
        "info": {"title": "Arshif · أرشيف", "version": "1.0",
                 "description": "Search the ministry's document archive. Every HTML page has a JSON twin. "
                               "Anonymous visitors see public documents; staff signed in (POST /signin.json, session cookie) "
                               "also see internal ones and those of their groups. A document one may not see answers 404."},
        "paths": {
            "/search.json": {"get": {
                "summary": "Search with facets", "operationId": "search",
                "parameters": [*search_params, *_paging(settings), ui],
                "responses": {"200": _json("A page of results", _ref("SearchResult")), "400": bad}}},
            "/doc/{id}.json": {"get": {
                "summary": "One document with its full text", "operationId": "document",
                "parameters": [doc_id, {"name": "q", "in": "query", "schema": _STR, "description": "Words to mark."}, ui],
                "responses": {"200": _json("The document", _ref("Document")), "404": _error("No such document.")}}},
            "/doc/{id}/file": {"get": {
                "summary": "The original file", "operationId": "file", "parameters": [doc_id],
                "responses": {"200": {"description": "The file as it was indexed",
                                      "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                              "404": _error("No such document, or its file is gone.")}}},
            "/facets/{name}.json": {"get": {
                "summary": "Every value of one facet for a search", "operationId": "facet",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": list(FACET_NAMES)}},
                               {"name": "prefix", "in": "query", "schema": _STR, "description": "Keep values with a word starting with this."},
                               *search_params, ui],
                "responses": {"200": _json("The facet's values", _ref("FacetList")), "400": bad}}},
            "/export.json": {"get": {
                "summary": "The whole result set as JSON (capped)", "operationId": "exportJson", "parameters": search_params,
                "responses": {"200": _json("Rows of metadata", _ref("Export")), "400": bad}}},
            "/export.csv": {"get": {
                "summary": "The whole result set as CSV (capped; X-Arshif-Total / X-Arshif-Export-Cap headers)",
                "operationId": "exportCsv", "parameters": search_params,
                "responses": {"200": {"description": "CSV, UTF-8 with BOM, formula-safe cells",
                                      "content": {"text/csv": {"schema": _STR}}}, "400": bad}}},
            "/help.json": {"get": {
                "summary": "The query language", "operationId": "help", "parameters": [ui],
                "responses": {"200": _json("Help text", _ref("Help"))}}},
            "/stats.json": {"get": {
                "summary": "Index size and facet distribution", "operationId": "stats",
                "responses": {"200": _json("Statistics", _ref("Stats"))}}},
            "/signin.json": {
                "get": {"summary": "Who is signed in", "operationId": "whoami",
                        "responses": {"200": _json("The visitor", _ref("WhoAmI"))}},
                "post": {"summary": "Sign in; sets the session cookie", "operationId": "signin",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Credentials")}}},
                         "responses": {"200": _json("Signed in", _ref("SignedIn")), "400": bad,
                                       "401": _error("Wrong user name or password."),
                                       "429": _error("Too many failed sign-ins for this user name or address; see Retry-After.")}}},
            "/signout.json": {"post": {
                "summary": "End the session", "operationId": "signout",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": _json("Signed out", _ref("SignedIn")), "400": bad}}},
            "/openapi.json": {"get": {
                "summary": "This description", "operationId": "openapi",
                "responses": {"200": _json("OpenAPI 3 document", {"type": "object"})}}},
        },
        "components": {"schemas": _schemas()},
    }
