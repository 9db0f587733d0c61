"""Sign-in and sign-out: the form (/signin), its JSON twin (/signin.json) and the POSTs that change the session."""
from __future__ import annotations

import threading

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from search.access import User
from search.accounts import authenticate
from web import audit_trail, auth, csrf, state
from web.errors import error_response
from web.i18n import safe_next
from web.ratelimit import FailureLimiter

bp = Blueprint("signin", __name__)
MAX_NAME_CHARS = 64
MAX_PASSWORD_CHARS = 1024
_LOCK = threading.Lock()


class SignInError(Exception):
    """Why a sign-in failed: an English sentence for the JSON, the status, and seconds to wait."""

    def __init__(self, message: str, status: int, retry_after: int = 0) -> None:
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


def _limiter() -> FailureLimiter:
    """This app's counter of failed sign-ins (one per app, shared by its threads)."""
    holder = current_app.extensions["arshif_auth"]
    with _LOCK:
        if "limiter" not in holder:
            cfg = state.settings()
            holder["limiter"] = FailureLimiter(cfg.signin_attempts, cfg.signin_window_s)
        return holder["limiter"]


def attempt(name: object, password: object) -> User:
    """The user for this name and password, or SignInError (rate limit first, audit always)."""
    address = auth.client_address()
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    shown = name[:MAX_NAME_CHARS]
    keys = ["user:" + shown, "addr:" + address]
    wait = _limiter().retry_after(keys)
    if wait:
        audit_trail.record("signin-refused", shown, address=address, reason="too many failed attempts")
        minutes = -(-wait // 60)
        raise SignInError(f"too many failed sign-ins for this user name or address; try again in {minutes} minute(s)", 429, wait)
    if auth.accounts_unreadable():
        raise SignInError("sign-in is unavailable: the users file cannot be read; tell the administrators", 503)
    user = None
    if name and password and len(name) <= MAX_NAME_CHARS and len(password) <= MAX_PASSWORD_CHARS:
        user = authenticate(auth.accounts(), name, password)
    if user is None:
        _limiter().fail(keys)
        audit_trail.record("signin-failed", shown, address=address)
        raise SignInError("wrong user name or password", 401)
    _limiter().forget("user:" + shown)
    audit_trail.record("signin", user.name, address=address, groups=list(user.groups))
    return user


def whoami() -> dict:
    """The visitor as data: name, groups and how they are known (the twin of the sign-in page)."""
    user = auth.current_user()
    return {
        "user": user.name if user else None,
        "groups": list(user.groups) if user else [],
        "via": auth.via(),
        "csrf_token": csrf.token(),
    }


def _refused(exc: SignInError) -> Response:
    resp = error_response(exc.message, exc.status)
    if exc.retry_after:
        resp.headers["Retry-After"] = str(exc.retry_after)
    return resp


@bp.get("/signin")
def signin_page() -> Response:
    """The sign-in form (or who is signed in)."""
    nxt = safe_next(request.args.get("next"))
    return Response(render_template("signin.html", **whoami(), next=nxt, error=None), mimetype="text/html")


@bp.get("/signin.json")
def signin_twin() -> Response:
    """Who is signed in, and the CSRF token a form post would need."""
    return jsonify(whoami())


@bp.post("/signin")
def signin_form() -> Response:
    """Check the form; back to `next` when right, the form again with a message when wrong."""
    nxt = safe_next(request.form.get("next"))
    try:
        user = attempt(request.form.get("user"), request.form.get("password"))
    except SignInError as exc:
        if exc.status != 401:
            return _refused(exc)
        page = render_template("signin.html", **whoami(), next=nxt, error=_("Wrong user name or password."), name=request.form.get("user", "")[:MAX_NAME_CHARS])
        return Response(page, status=401, mimetype="text/html")
    auth.sign_in(user)
    csrf.rotate()
    return redirect(nxt, code=303)


@bp.post("/signin.json")
def signin_json() -> Response:
    """API sign-in: {"user": …, "password": …} as JSON; sets the session cookie."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response('send a JSON object {"user": "…", "password": "…"} with Content-Type application/json', 400)
    try:
        user = attempt(body.get("user"), body.get("password"))
    except SignInError as exc:
        return _refused(exc)
    auth.sign_in(user)
    csrf.rotate()
    return jsonify({"ok": True, "user": user.name, "groups": list(user.groups), "csrf_token": csrf.token()})


def _sign_out() -> None:
    user = auth.current_user()
    if user is not None and not auth.from_proxy():
        audit_trail.record("signout", user.name, address=auth.client_address())
    auth.sign_out()
    csrf.rotate()


@bp.post("/signout")
def signout_form() -> Response:
    """End the session and go back to the search page."""
    _sign_out()
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.post("/signout.json")
def signout_json() -> Response:
    """API sign-out."""
    _sign_out()
    return jsonify({"ok": True, "user": None})
