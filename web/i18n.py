"""Interface languages (fr default, ar right-to-left, en): choice from ?ui= or the cookie, gettext catalogs."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, Response, current_app, g, redirect, request
from flask_babel import Babel, gettext

UI_LANGS: tuple[str, ...] = ("fr", "ar", "en")
DEFAULT_UI = "fr"
RTL = frozenset({"ar"})
COOKIE = "ui"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"
LANG_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}

bp = Blueprint("i18n", __name__)


def ui_lang() -> str:
    """The interface language of this request: ?ui=, then the cookie, then French."""
    if "ui_lang" not in g:
        wanted = request.args.get("ui") or request.cookies.get(COOKIE) or DEFAULT_UI
        g.ui_lang = wanted if wanted in UI_LANGS else DEFAULT_UI
    return g.ui_lang


def ui_dir(lang: str | None = None) -> str:
    """'rtl' for Arabic, 'ltr' otherwise."""
    return "rtl" if (lang or ui_lang()) in RTL else "ltr"


def safe_next(target: str | None) -> str:
    """A local path to go back to (never another site): open redirects are refused."""
    if not target:
        return "/search"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


@bp.get("/ui/<lang>")
def switch(lang: str) -> Response:
    """Switch the interface language, remember it in a cookie, and go back to the page."""
    if lang not in UI_LANGS:
        from search.errors import QueryError

        raise QueryError(f"unknown interface language {lang!r}; choose one of: {', '.join(UI_LANGS)}")
    resp = redirect(safe_next(request.args.get("next")), code=303)
    resp.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=_secure())
    return resp


def _secure() -> bool:
    return bool(current_app.config["ARSHIF"].secure_cookies)


def compile_catalogs(folder: Path = TRANSLATIONS) -> list[str]:
    """Compile every .po newer than its .mo (a clean clone works without a build step); returns problems."""
    problems = []
    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        try:
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as dst:
                write_mo(dst, catalog)
        except OSError as exc:
            problems.append(f"cannot compile {po}: {exc}")
    return problems


def init_app(app: Flask) -> None:
    """Install Flask-Babel with our locale choice and remember ?ui= in the cookie."""
    for problem in compile_catalogs():
        app.logger.warning(problem)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=ui_lang, default_locale=DEFAULT_UI)
    app.register_blueprint(bp)

    @app.after_request
    def _remember(resp: Response) -> Response:
        chosen = request.args.get("ui")
        if chosen in UI_LANGS and request.cookies.get(COOKIE) != chosen:
            resp.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=_secure())
        return resp

    @app.context_processor
    def _ui() -> dict:
        lang = ui_lang()
        return {"ui": lang, "ui_dir": ui_dir(lang), "ui_langs": UI_LANGS, "ui_names": LANG_NAMES}


def translate_notice(notice: object) -> str:
    """A search notice in the interface language (search.query.Notice carries an English template)."""
    return notice.text(gettext)  # type: ignore[attr-defined]
