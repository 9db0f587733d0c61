"""Sign-in and sessions on the real app: CSRF, rate limit, cookies, session key, proxy trust, audit trail."""
from __future__ import annotations

import json
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from search import audit
from search.accounts import add_user

PASSWORD = "correct horse battery"


@pytest.fixture()
def settings(indexed, tmp_path: Path):
    """The shared tiny index, with this test's own users file, audit log and a low sign-in limit."""
    base, _ = indexed
    users = tmp_path / "etc" / "users.toml"
    add_user(users, "alice", PASSWORD, ("rh",))
    add_user(users, "bob", PASSWORD, ())
    return replace(base, users_file=users, audit_log=tmp_path / "log" / "audit.log", signin_attempts=3, signin_window_s=600)


@pytest.fixture(autouse=True)
def _close_audit_files():
    yield
    audit.close_all()


def _client(settings, **changes):
    from web import create_app

    return create_app(settings=replace(settings, **changes), test_config={"TESTING": True}).test_client()


def _token(client) -> str:
    page = client.get("/signin").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _post_signin(client, user: str, password: str, **kwargs):
    return client.post("/signin", data={"user": user, "password": password, "csrf_token": _token(client)}, **kwargs)


def _events(settings) -> list[dict]:
    path = Path(settings.audit_log)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _cookie_header(resp, name: str) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_sign_in_with_the_form_then_out(settings):
    client = _client(settings)
    resp = _post_signin(client, "alice", PASSWORD)
    assert resp.status_code == 303 and resp.headers["Location"] == "/search"
    assert client.get("/signin.json").get_json() | {"csrf_token": None} == {
        "user": "alice", "groups": ["rh"], "via": "session", "csrf_token": None,
    }
    page = client.get("/search").get_data(as_text=True)
    token = re.search(r'<form class="signout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/signout", data={"csrf_token": token}).status_code == 303
    assert client.get("/signin.json").get_json()["user"] is None


@pytest.mark.parametrize(("url", "data"), [
    ("/signin", {"user": "alice", "password": PASSWORD}),
    ("/signin", {"user": "alice", "password": PASSWORD, "csrf_token": "forged"}),
    ("/signout", {}),
    ("/signin.json", {"user": "alice", "password": PASSWORD}),  # a form post, not JSON: needs the token
])
def test_posts_without_the_session_token_are_refused(settings, url, data):
    client = _client(settings)
    _token(client)  # the session has a token; the post does not carry it
    resp = client.post(url, data=data, headers={"Accept": "application/json"})
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 400 and "reload the page" in body["error"]
    assert client.get("/signin.json").get_json()["user"] is None


def test_a_foreign_origin_is_refused_even_with_json(settings):
    resp = _client(settings).post("/signin.json", json={"user": "alice", "password": PASSWORD},
                                  headers={"Origin": "https://evil.example"})
    assert resp.status_code == 400 and "another site" in resp.get_json()["error"]


def test_json_sign_in_sets_the_session(settings):
    client = _client(settings)
    resp = client.post("/signin.json", json={"user": "alice", "password": PASSWORD})
    assert resp.status_code == 200
    assert resp.get_json() | {"csrf_token": None} == {"ok": True, "user": "alice", "groups": ["rh"], "csrf_token": None}
    assert client.get("/signin.json").get_json()["user"] == "alice"
    assert client.post("/signout.json", json={}).get_json() == {"ok": True, "user": None}
    assert client.get("/signin.json").get_json()["user"] is None


@pytest.mark.parametrize("body", [None, [], "alice", {"user": 3, "password": []}, {"user": "alice", "password": "x" * 5000}])
def test_odd_sign_in_bodies_get_sentences_not_500s(settings, body):
    client = _client(settings)
    resp = client.post("/signin.json", data=json.dumps(body), content_type="application/json")
    assert resp.status_code in (400, 401)
    assert set(resp.get_json()) == {"ok", "error", "status"}


def test_wrong_password_shows_the_form_again_in_the_interface_language(settings):
    client = _client(settings)
    resp = _post_signin(client, "alice", "not the password")
    assert resp.status_code == 401
    page = resp.get_data(as_text=True)
    assert "mot de passe incorrect." in page and 'name="password"' in page
    resp = client.post("/signin.json", json={"user": "alice", "password": "nope"})
    assert resp.status_code == 401
    assert resp.get_json() == {"ok": False, "error": "wrong user name or password", "status": 401}


def test_failed_sign_ins_are_limited_per_user_name(settings):
    client = _client(settings)
    for i in range(3):  # from three addresses: the user-name limit still counts them all
        resp = client.post("/signin.json", json={"user": "alice", "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.1.0.{i}"})
        assert resp.status_code == 401
    resp = client.post("/signin.json", json={"user": "alice", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.1.0.9"})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 429 and "too many failed sign-ins" in body["error"]
    page = _post_signin(client, "alice", PASSWORD)
    assert page.status_code == 429 and "too many failed sign-ins" in page.get_data(as_text=True)
    other = client.post("/signin.json", json={"user": "bob", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.1.0.9"})
    assert other.status_code == 200


def test_failed_sign_ins_are_limited_per_address(settings):
    client = _client(settings)
    for name in ("u1", "u2", "u3"):
        assert client.post("/signin.json", json={"user": name, "password": "wrong"}).status_code == 401
    assert client.post("/signin.json", json={"user": "bob", "password": PASSWORD}).status_code == 429
    elsewhere = client.post("/signin.json", json={"user": "bob", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.2.0.1"})
    assert elsewhere.status_code == 200


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookie_flags(settings, secure):
    client = _client(settings, secure_cookies=secure)
    resp = _post_signin(client, "alice", PASSWORD)
    cookie = _cookie_header(resp, "arshif_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure
    ui = _cookie_header(client.get("/search?ui=en"), "ui")
    assert "HttpOnly" in ui and "SameSite=Lax" in ui and ("Secure" in ui) is secure


def test_anonymous_searches_set_no_session_cookie(settings):
    resp = _client(settings).get("/search.json?q=migrants")
    assert not [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("arshif_session=")]


def test_the_session_key_is_generated_once_and_private(settings):
    from web import create_app

    first = create_app(settings=settings, test_config={"TESTING": True})
    key_file = Path(settings.users_file).parent / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app(settings=settings, test_config={"TESTING": True})
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    client = first.test_client()
    _post_signin(client, "alice", PASSWORD)
    cookie = client.get_cookie("arshif_session").value
    other = second.test_client()
    other.set_cookie("arshif_session", cookie)
    assert other.get("/signin.json").get_json()["user"] == "alice"  # survives a restart


def test_a_configured_secret_key_writes_no_file(settings, tmp_path: Path):
    from web import create_app

    users = tmp_path / "elsewhere" / "users.toml"
    app = create_app(settings=replace(settings, users_file=users, secret_key="k" * 40), test_config={"TESTING": True})
    assert app.secret_key == "k" * 40 and not (users.parent / "secret_key").exists()


def test_a_removed_account_is_signed_out(settings):
    client = _client(settings)
    _post_signin(client, "alice", PASSWORD)
    text = Path(settings.users_file).read_text(encoding="utf-8")
    Path(settings.users_file).write_text(text.split('[users."alice"]')[0] + "\n[users.bob]" + text.split("[users.\"bob\"]")[1], encoding="utf-8")
    assert client.get("/signin.json").get_json()["user"] is None


def test_next_never_leaves_the_site(settings):
    client = _client(settings)
    resp = client.post("/signin", data={"user": "alice", "password": PASSWORD, "csrf_token": _token(client), "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/search"


@pytest.mark.parametrize(("ui", "text"), [
    ("fr", "Connecté en tant que alice"), ("ar", "متصل باسم alice"), ("en", "Signed in as alice"),
])
def test_the_page_says_who_is_signed_in(settings, ui, text):
    client = _client(settings)
    _post_signin(client, "alice", PASSWORD)
    page = client.get(f"/search?ui={ui}").get_data(as_text=True)
    assert text in page and 'action="/signout"' in page


def test_anonymous_pages_offer_sign_in(settings):
    page = _client(settings).get("/search?ui=en").get_data(as_text=True)
    assert 'href="/signin?next=' in page and "Staff sign-in" in page


@pytest.mark.parametrize(("trust", "address", "user"), [
    (True, "10.0.0.5", "carla"), (True, "10.0.0.6", None), (False, "10.0.0.5", None),
])
def test_proxy_headers_count_only_when_trusted_and_from_the_proxy(settings, trust, address, user):
    client = _client(settings, trust_proxy_auth=trust, proxy_addresses=("10.0.0.5",))
    resp = client.get("/signin.json", headers={"X-Remote-User": "carla", "X-Remote-Groups": "rh,finance"},
                      environ_base={"REMOTE_ADDR": address})
    data = resp.get_json()
    assert data["user"] == user
    assert data["groups"] == (["finance", "rh"] if user else [])


def test_sign_ins_and_downloads_are_audited(settings):
    client = _client(settings)
    _post_signin(client, "alice", "wrong password")
    client.post("/signin.json", json={"user": "alice", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.3.0.7"})
    doc_id = client.get("/search.json?q=PRIM").get_json()["hits"][0]["id"]
    resp = client.get(f"/doc/{doc_id}/file")
    resp.close()
    events = _events(settings)
    assert [(e["event"], e["user"], e["address"]) for e in events] == [
        ("signin-failed", "alice", "127.0.0.1"),
        ("signin", "alice", "10.3.0.7"),
        ("download", "alice", "127.0.0.1"),
    ]
    assert events[2]["id"] == doc_id and events[2]["path"] == "proces-verbaux/pv-prim-2016.docx"
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", e["time"]) for e in events)
    assert "password" not in Path(settings.audit_log).read_text(encoding="utf-8")


def test_the_audit_log_rotates(tmp_path: Path):
    path = tmp_path / "audit.log"
    logger = audit.audit_logger(path, max_bytes=300, backups=2)
    for i in range(20):
        audit.record(logger, "download", "alice", id=f"doc{i}", path=f"rapports/r{i}.pdf")
    audit.close_all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.log", "audit.log.1", "audit.log.2"]
    assert all(p.stat().st_size <= 300 for p in tmp_path.iterdir())
    last = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert last["id"] == "doc19" and last["user"] == "alice"
