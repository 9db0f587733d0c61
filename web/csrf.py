"""CSRF protection: a random token in the session, echoed by every state-changing form as a hidden field.

JSON clients post `application/json`, which a page on another site cannot send without a CORS
preflight that Arshif never grants; they need no token, but a foreign Origin is refused all the same.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, request, session

SESSION_KEY = "csrf"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def token() -> str:
    """This session's token (created on first use), for the hidden field of a form."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def rotate() -> None:
    """A new token, after signing in or out (a token seen before sign-in is worthless after)."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)


def _foreign_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc != request.host


def check() -> None:
    """Refuse (400) a state-changing request without this session's token or from another site."""
    if request.method not in UNSAFE:
        return
    if _foreign_origin():
        abort(400, description="this request came from another site; use Arshif's own pages or its JSON API")
    if request.is_json and request.path.endswith(".json"):
        return
    sent = request.form.get(FIELD, "")
    expected = session.get(SESSION_KEY, "")
    if not (sent and expected and hmac.compare_digest(sent.encode(), str(expected).encode())):
        abort(400, description="the form has expired or did not come from this site; reload the page and send it again")


def init_app(app: Flask) -> None:
    """Check every state-changing request and give templates csrf_token()."""
    app.before_request(check)
    app.jinja_env.globals["csrf_token"] = token
