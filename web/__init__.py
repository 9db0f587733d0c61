"""Arshif web front end: create_app() builds the Flask app; nothing happens at import time."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from search.config import Settings, load_settings


def create_app(test_config: Mapping[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """Build the app: settings (defaults -> arshif.toml -> ARSHIF_* env) then `test_config` overrides."""
    app = Flask(__name__)
    overrides = dict(test_config or {})
    flask_keys = {k: overrides.pop(k) for k in list(overrides) if k.isupper()}
    settings = settings or load_settings(**overrides)
    app.config.from_mapping(SECRET_KEY=settings.secret_key or "arshif-dev-only", ARSHIF=settings)
    app.config.update(flask_keys)

    from web import api, errors, pages, state

    state.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app
