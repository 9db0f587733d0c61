"""Who is asking: the signed-in user (session or trusted SSO proxy headers) and the principals they hold.

Every route calls principals() once and passes the tuple down to the engine, which enforces it in
the index query; nothing downstream looks at the user again.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session

from search import access
from search.access import User
from search.accounts import Account, load_accounts
from web import state

SESSION_USER = "user"
_GROUP = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_LOCK = threading.Lock()


def accounts() -> dict[str, Account]:
    """The users file, re-read when it changes (a removed account loses access at its next request)."""
    path = Path(state.settings().users_file)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    holder = current_app.extensions["arshif_auth"]
    with _LOCK:
        if holder.get("stamp") != stamp or "accounts" not in holder:
            try:
                holder["accounts"], holder["error"] = (load_accounts(path) if stamp is not None else {}), None
            except ValueError as exc:  # fail closed: nobody signs in until the operator fixes the file
                current_app.logger.error("%s", exc)
                holder["accounts"], holder["error"] = {}, str(exc)
            holder["stamp"] = stamp
        return holder["accounts"]


def accounts_unreadable() -> bool:
    """True when the users file exists but cannot be read (sign-in is then unavailable)."""
    accounts()
    return current_app.extensions["arshif_auth"].get("error") is not None


def from_proxy() -> bool:
    """True when this request comes from a configured SSO proxy allowed to name the user."""
    cfg = state.settings()
    return cfg.trust_proxy_auth and (request.remote_addr or "") in cfg.proxy_addresses


def client_address() -> str:
    """The visitor's address: the one the trusted proxy saw, else the connection's."""
    remote = request.remote_addr or "-"
    if remote in state.settings().proxy_addresses:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return remote


def _proxy_user() -> User | None:
    cfg = state.settings()
    name = request.headers.get(cfg.proxy_user_header, "").strip()
    if not name or len(name) > 256:
        return None
    raw = request.headers.get(cfg.proxy_groups_header, "")
    groups = tuple(sorted({x.strip() for x in re.split(r"[,;]", raw) if _GROUP.match(x.strip())}))
    return User(name, groups)


def _session_user() -> User | None:
    name = session.get(SESSION_USER)
    if not isinstance(name, str):
        return None
    account = accounts().get(name)
    if account is None:
        session.pop(SESSION_USER, None)  # the account was removed: sign the session out
        return None
    return User(account.name, account.groups)


def current_user() -> User | None:
    """The user of this request (proxy headers only from a trusted proxy address), None if anonymous."""
    if "arshif_user" not in g:
        g.arshif_user = (_proxy_user() if from_proxy() else None) or _session_user()
    return g.arshif_user


def via() -> str | None:
    """How the user is known: 'proxy' (SSO headers), 'session' (signed in here) or None (anonymous)."""
    user = current_user()
    if user is None:
        return None
    return "proxy" if from_proxy() and _proxy_user() is not None else "session"


def principals() -> tuple[str, ...]:
    """The visibility tokens this request may see ('public'; staff add 'internal' and their groups)."""
    return access.principals(current_user())


def sign_in(user: User) -> None:
    """Start a fresh session for `user` (no state carried over from before sign-in)."""
    session.clear()
    session.permanent = True
    session[SESSION_USER] = user.name
    g.arshif_user = user


def sign_out() -> None:
    """End the session."""
    session.clear()
    g.arshif_user = None


def init_app(app: Flask) -> None:
    """Keep the accounts cache per app; never let a shared cache keep a signed-in user's page."""
    app.extensions["arshif_auth"] = {}

    @app.context_processor
    def _who() -> dict:
        return {"current_user": current_user(), "signed_in_via": via()}

    @app.after_request
    def _private(resp: Response) -> Response:
        if g.get("arshif_user") is not None:
            resp.headers["Cache-Control"] = "private, no-store"
        if state.settings().trust_proxy_auth:
            resp.vary.add(state.settings().proxy_user_header)
            resp.vary.add(state.settings().proxy_groups_header)
        return resp
