"""Arshif web front end: create_app() builds the Flask app; nothing happens at import time."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from flask import Flask, Response

from search.config import Settings, load_settings

SECURITY_HEADERS = {
    # default-src 'self' holds everywhere: no inline scripts, styles or event handlers anywhere.
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
SESSION_HOURS = 12  # a signed-in session lasts this long (module constant until it is a setting)
MAX_BODY_BYTES = 64 * 1024  # forms and JSON bodies are small: sign-in only


def session_config(settings: Settings) -> dict[str, Any]:
    """Flask's session and cookie configuration: signed, HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    from web.secret_key import load_or_create, secret_key_path

    return {
        "SECRET_KEY": settings.secret_key or load_or_create(secret_key_path(settings.users_file)),
        "SESSION_COOKIE_NAME": "arshif_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.secure_cookies,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }


def create_app(test_config: Mapping[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """Build the app: settings (defaults -> arshif.toml -> ARSHIF_* env) then `test_config` overrides."""
    app = Flask(__name__)
    overrides = dict(test_config or {})
    flask_keys = {k: overrides.pop(k) for k in list(overrides) if k.isupper()}
    settings = settings or load_settings(**overrides)
    app.config.from_mapping(ARSHIF=settings, JSON_SORT_KEYS=False)
    app.config.update(session_config(settings))
    app.config.update(flask_keys)
    app.json.ensure_ascii = False  # Arabic stays readable in the JSON twins
    app.json.sort_keys = False

    from web import api, auth, csrf, documents, errors, exports, facet_pages, i18n, pages, signin, state

    state.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)
    for module in (pages, documents, facet_pages, exports, api, signin):
        app.register_blueprint(module.bp)

    @app.after_request
    def _secure(resp: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        return resp

    return app
