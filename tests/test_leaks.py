"""Tries to leak hidden documents through every channel; an index without them is the yardstick.

A tiny real archive: three public documents, one internal (folder `_meta.toml`) and one restricted to
group "rh" (`.meta.json` sidecar), each hidden one with a word and taxonomy values only it has.
Indexed with the real pipeline three times: everything, without the "rh" document, public only.
Anonymous visitors must get from the full index exactly what the public-only index gives them,
a staff member of another group exactly what the index without the "rh" document gives; the right
user (signed in through the real form, or named by the SSO proxy) finds the document everywhere.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from search.accounts import add_user
from search.engine import FACET_NAMES, Engine
from search.request import SearchRequest
from tests.conftest import make_settings

TAXONOMY = """
version = 1

[[type]]
id = "minutes"
fr = "Procès-verbal"
ar = "محضر"
en = "Minutes"
aliases = ["procès-verbal", "محضر"]

[[type]]
id = "report"
fr = "Rapport"
ar = "تقرير"
en = "Report"
aliases = ["rapport", "تقرير"]

[[program]]
id = "marhaba"
fr = "Opération Marhaba"
ar = "عملية مرحبا"
en = "Operation Marhaba"
aliases = ["Marhaba", "Opération Marhaba"]

[[program]]
id = "tadamon"
fr = "Tadamon"
ar = "تضامن"
en = "Tadamon"
aliases = ["Tadamon"]

[[partner]]
id = "enabel"
fr = "Enabel"
ar = "الوكالة البلجيكية للتنمية"
en = "Enabel"
aliases = ["Enabel"]

[[partner]]
id = "giz"
fr = "GIZ"
ar = "الوكالة الألمانية للتعاون الدولي"
en = "GIZ"
aliases = ["GIZ"]

[[region]]
id = "oriental"
fr = "Oriental"
ar = "جهة الشرق"
en = "Oriental"
aliases = ["région de l'Oriental", "Oriental"]

[[region]]
id = "souss-massa"
fr = "Souss-Massa"
ar = "جهة سوس ماسة"
en = "Souss-Massa"
aliases = ["Souss-Massa"]

[[country]]
id = "belgium"
fr = "Belgique"
ar = "بلجيكا"
en = "Belgium"
aliases = ["Belgique"]

[[country]]
id = "germany"
fr = "Allemagne"
ar = "ألمانيا"
en = "Germany"
aliases = ["Allemagne"]
"""

PUBLIC = {
    "public/marhaba-2019.txt": """Bilan de l'Opération Marhaba 2019

Rabat, le 5 juin 2019

Le ministère présente le bilan de l'Opération Marhaba conduite avec Enabel dans la région de l'Oriental.
L'accueil des migrants aux ports, la formation professionnelle des jeunes et la coopération avec la
Belgique ont mobilisé les équipes pendant tout l'été.
""",
    "public/formation-2021.txt": """Formation professionnelle des migrants

Rabat, le 2 mars 2021

Un nouveau cycle de formation professionnelle des migrants commence avec Enabel. Les ateliers portent sur
les métiers du bâtiment, l'accompagnement des projets et l'accueil des familles.
""",
    "public/rapport-2020.txt": """Rapport annuel sur l'intégration des migrants 2020

Rabat, le 20 novembre 2020

Ce rapport présente l'intégration des migrants dans la région de l'Oriental : santé, éducation, logement.
""",
}
INTERNAL = {
    "interne/_meta.toml": 'visibility = "internal"\n',
    "interne/note-2018.txt": """Note interne sur le dossier quetzalique

Rabat, le 12 avril 2013

Cette note interne résume le dossier quetzalique pour la direction : calendrier, budget et risques.
""",
}
RESTRICTED = {
    "rh/_meta.toml": 'visibility = "internal"\n',
    "rh/pv-rh-2015.txt.meta.json": json.dumps({"groups": ["rh"], "type": "minutes"}),
    "rh/pv-rh-2015.txt": """Procès-verbal de la commission des ressources humaines

Rabat, le 10 mars 2015

La commission examine le dossier zanzibarique du programme Tadamon, conduit avec la GIZ dans la région
Souss-Massa en coopération avec l'Allemagne. La formation professionnelle des migrants et l'accueil des
familles restent prioritaires ; le dossier zanzibarique sera revu au prochain trimestre.
""",
}
HIDDEN_TRACES = ("zanzibarique", "Zanzibarique", "GIZ", "Tadamon", "Souss-Massa", "Allemagne", "tadamon", "souss-massa", "germany", "2015")
INTERNAL_TRACES = ("quetzalique", "2013")
PASSWORDS = {"alice": "alice-password-rh", "bob": "bob-password-finance"}

QUERIES = [
    "", "q=zanzibarique", "q=zanzibariqe", "q=zanzib*", "q=zanzibarique~", "q=quetzalique", "q=quetzaliqe",
    "q=formation+professionnelle", "q=formation+zanzibarique", "q=migrants", "q=migrants&sort=date",
    "q=partner:giz", "partner=giz", "program=tadamon", "region=souss-massa", "country=germany", "type=minutes",
    "year=2015", "year=2013", "year=2019", "year=2015&year=2019", "from=2015-01-01&to=2015-12-31", "sort=-date",
    "q=accueil&partner=enabel", "q=dossier",
]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _index(root: Path, parts: tuple[dict[str, str], ...]):
    """A corpus of `parts` under root/corpus indexed by the real pipeline; its settings."""
    from indexer.pipeline import run_index

    corpus = root / "corpus"
    for files in parts:
        _write(corpus, files)
    (corpus / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    users = root / "etc" / "users.toml"
    for name, groups in (("alice", ("rh",)), ("bob", ("finance",))):
        add_user(users, name, PASSWORDS[name], groups)
    settings = make_settings(
        corpus, root / "var" / "index", users_file=users, audit_log=root / "var" / "audit.log",
        trust_proxy_auth=True, proxy_addresses=("10.0.0.5",),
    )
    report = run_index(settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Settings of the full archive, the archive without the "rh" document, and the public part alone."""
    return {
        "full": _index(tmp_path_factory.mktemp("full"), (PUBLIC, INTERNAL, RESTRICTED)),
        "staff": _index(tmp_path_factory.mktemp("staff"), (PUBLIC, INTERNAL)),
        "public": _index(tmp_path_factory.mktemp("public"), (PUBLIC,)),
    }


@pytest.fixture(scope="module")
def ids(archives) -> dict[str, str]:
    """Document ids (content hashes, the same in every index) by their operator-visible unique word."""
    engine = Engine(archives["full"].index_dir)
    try:
        found = {}
        for key, q in (("rh", "zanzibarique"), ("internal", "quetzalique"), ("public", "ateliers")):
            hits = engine.search(SearchRequest(q=q), principals=None).hits
            assert len(hits) == 1, q
            found[key] = hits[0].id
        return found
    finally:
        engine.close()


def _client(settings, who: str | None = None):
    from web import create_app

    client = create_app(settings=settings, test_config={"TESTING": True}).test_client()
    if who:
        sign_in(client, who, PASSWORDS[who])
    return client


def sign_in(client, name: str, password: str):
    """Sign in through the real form: read its CSRF token, post it back."""
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/signin", data={"user": name, "password": password, "csrf_token": token, "next": "/search"})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    return resp


def _answer(client, url: str, **kwargs) -> tuple[int, dict[str, str], object]:
    """Status, Arshif headers (export totals) and body of a response, minus what depends on timing."""
    resp = client.get(url, **kwargs)
    headers = {k: v for k, v in resp.headers.items() if k.startswith("X-Arshif")}
    body: object
    if resp.mimetype == "application/json":
        body = resp.get_json()
        if isinstance(body, dict):
            body.pop("took_ms", None)
            body.pop("generated", None)
    else:
        body = resp.get_data(as_text=True)
        body = re.sub(r"[0-9.]+ ms<", "N ms<", body)
        body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="T"', body)
    resp.close()
    return resp.status_code, headers, body


def _urls(ids: dict[str, str]) -> list[str]:
    urls = []
    for q in QUERIES:
        suffix = "?" + q if q else ""
        urls += [f"/search.json{suffix}", f"/export.json{suffix}", f"/export.csv{suffix}"]
        urls += [f"/facets/{name}.json{suffix}" for name in FACET_NAMES]
    urls += ["/stats.json", f"/doc/{ids['public']}.json", f"/doc/{ids['public']}.json?q=zanzib*"]
    urls += [f"/doc/{ids['rh']}.json", f"/doc/{ids['rh']}", f"/doc/{ids['rh']}/file", f"/doc/{ids['rh']}.json?q=zanzibarique"]
    urls += ["/search", "/search?q=zanzibarique", "/search?q=zanzibariqe", "/search?q=migrants", "/search?year=2015",
             "/facets/partner", "/facets/year?q=dossier", f"/doc/{ids['public']}", "/signin"]
    return urls


@pytest.mark.parametrize(("who", "yardstick"), [(None, "public"), ("bob", "staff")])
def test_no_channel_tells_more_than_an_index_without_the_hidden_documents(archives, ids, who, yardstick):
    full, without = _client(archives["full"], who), _client(archives[yardstick], who)
    for url in _urls(ids):
        assert _answer(full, url) == _answer(without, url), url


def test_the_yardstick_comparisons_are_not_empty(archives, ids):
    """The channels compared above do carry data (facets, suggestions, similar documents)."""
    client = _client(archives["full"])
    data = client.get("/search.json?q=migrants").get_json()
    assert data["total"] == 3 and {v["value"] for v in data["facets"]["partner"]} == {"enabel"}
    assert client.get("/search.json?q=Marhabba").get_json()["suggestion"] == "marhaba"
    assert client.get(f"/doc/{ids['public']}.json").get_json()["similar"]


@pytest.mark.parametrize("who", [None, "bob"])
def test_hidden_documents_leave_no_trace(archives, ids, who):
    client = _client(archives["full"], who)
    traces = HIDDEN_TRACES + (INTERNAL_TRACES if who is None else ())
    typed = lambda url: any(t.lower() in url.lower() for t in traces)  # noqa: E731 - echoes of the user's own input
    for url in [u for u in _urls(ids) if not typed(u)]:
        _, _, body = _answer(client, url)
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        text = text.replace(ids["rh"], "<id>")  # the id typed in the URL is echoed in the 404 message
        if who is None:
            text = text.replace(ids["internal"], "<id>")
        leaked = [t for t in traces if t in text]
        assert not leaked, (url, leaked)


@pytest.mark.parametrize("who", [None, "bob"])
def test_hidden_document_is_a_404_like_a_missing_one(archives, ids, who):
    client = _client(archives["full"], who)
    missing = "0" * len(ids["rh"])
    for suffix in (".json", "", "/file"):
        status, _, body = _answer(client, f"/doc/{ids['rh']}{suffix}")
        status_missing, _, body_missing = _answer(client, f"/doc/{missing}{suffix}")
        assert status == status_missing == 404
        if isinstance(body, str):
            body, body_missing = body.replace(ids["rh"], "ID"), body_missing.replace(missing, "ID")
        else:
            body["error"], body_missing["error"] = body["error"].replace(ids["rh"], "ID"), body_missing["error"].replace(missing, "ID")
        assert body == body_missing


def _finds_everything(client, ids) -> None:
    data = client.get("/search.json?q=zanzibarique").get_json()
    assert [h["id"] for h in data["hits"]] == [ids["rh"]] and data["total"] == 1
    assert "zanzibarique" in data["hits"][0]["snippet"]
    facets = client.get("/search.json").get_json()["facets"]
    assert {"giz", "enabel"} <= {v["value"] for v in facets["partner"]}
    assert "tadamon" in {v["value"] for v in facets["program"]}
    assert "souss-massa" in {v["value"] for v in facets["region"]}
    assert "2015" in {v["value"] for v in facets["year"]}
    months = client.get("/search.json?year=2015").get_json()["facets"]["month"]
    assert [m["value"] for m in months] == ["2015-03"]
    assert client.get("/search.json?q=zanzibariqe").get_json()["suggestion"] == "zanzibarique"
    assert "giz" in {v["value"] for v in client.get("/facets/partner.json").get_json()["values"]}
    assert client.get(f"/doc/{ids['rh']}.json").get_json()["title"].startswith("Procès-verbal")
    resp = client.get(f"/doc/{ids['rh']}/file")
    assert resp.status_code == 200 and b"zanzibarique" in resp.data
    resp.close()
    similar = client.get(f"/doc/{ids['public']}.json").get_json()["similar"]
    assert ids["rh"] in {s["id"] for s in similar}
    assert ids["rh"] in client.get("/export.csv?q=zanzibarique").get_data(as_text=True)
    assert [r["id"] for r in client.get("/export.json?partner=giz").get_json()["rows"]] == [ids["rh"]]
    stats = client.get("/stats.json").get_json()
    assert stats["documents"] == 5 and stats["facets"]["partner"]["giz"] == 1
    assert "zanzibarique" in client.get("/search?q=zanzibarique").get_data(as_text=True)


def test_the_right_user_signed_in_by_the_form_finds_it_everywhere(archives, ids):
    client = _client(archives["full"], "alice")
    _finds_everything(client, ids)
    assert "alice" in client.get("/search").get_data(as_text=True)


def test_the_right_user_named_by_the_trusted_proxy_finds_it_everywhere(archives, ids):
    client = _client(archives["full"])
    client.environ_base.update({
        "REMOTE_ADDR": "10.0.0.5", "HTTP_X_REMOTE_USER": "carla@ministere.ma", "HTTP_X_REMOTE_GROUPS": "finance, rh",
    })
    _finds_everything(client, ids)
    assert client.get("/signin.json").get_json()["via"] == "proxy"


def test_proxy_headers_from_another_address_are_ignored(archives, ids):
    client = _client(archives["full"])
    client.environ_base.update({"REMOTE_ADDR": "10.0.0.6", "HTTP_X_REMOTE_USER": "mallory", "HTTP_X_REMOTE_GROUPS": "rh"})
    assert client.get("/search.json?q=zanzibarique").get_json()["total"] == 0
    assert client.get(f"/doc/{ids['rh']}.json").status_code == 404
    assert client.get("/signin.json").get_json()["user"] is None


def test_staff_of_another_group_sees_internal_but_not_rh(archives, ids):
    client = _client(archives["full"], "bob")
    assert client.get("/search.json?q=quetzalique").get_json()["total"] == 1
    assert client.get(f"/doc/{ids['internal']}.json").status_code == 200
    assert client.get("/search.json?q=zanzibarique").get_json()["total"] == 0


def test_visibility_reaches_the_index_from_folder_and_file_sidecars(archives, ids):
    engine = Engine(archives["full"].index_dir)
    try:
        assert engine.document(ids["rh"], None)["visibility"] == "group:rh"
        assert engine.document(ids["internal"], None)["visibility"] == "internal"
        assert engine.document(ids["public"], None)["visibility"] == "public"
    finally:
        engine.close()


def test_default_visibility_applies_to_documents_without_sidecar(tmp_path: Path):
    from indexer.pipeline import run_index

    corpus = tmp_path / "corpus"
    _write(corpus, PUBLIC)
    (corpus / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "var" / "index", default_visibility="internal",
                             users_file=tmp_path / "users.toml", audit_log=tmp_path / "audit.log")
    run_index(settings)
    assert _client(settings).get("/stats.json").get_json()["documents"] == 0
    add_user(settings.users_file, "alice", PASSWORDS["alice"], ("rh",))
    assert _client(settings, "alice").get("/stats.json").get_json()["documents"] == 3


def test_a_signed_in_page_is_not_kept_by_shared_caches(archives):
    client = _client(archives["full"], "alice")
    assert "no-store" in client.get("/search.json?q=zanzibarique").headers["Cache-Control"]
    assert "no-store" not in _client(archives["full"]).get("/search.json").headers.get("Cache-Control", "")

