"""Every page and its JSON twin, interface languages, facets, documents, security headers, XSS, OpenAPI."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_settings

TWINS = [
    "/search?q=migrants",
    "/search?lang=fr&lang=ar&year=2019",
    "/facets/partner?q=migrants",
    "/help",
]


def _facet(data: dict, name: str) -> dict[str, dict]:
    return {v["value"]: v for v in data["facets"][name]}


def _doc_id(client, q: str) -> str:
    return client.get("/search.json", query_string={"q": q}).get_json()["hits"][0]["id"]


@pytest.mark.parametrize("url", TWINS)
def test_every_page_has_a_json_twin(client, url):
    page = client.get(url)
    path, _, query = url.partition("?")
    twin = client.get(f"{path}.json" + (f"?{query}" if query else ""))
    assert page.status_code == twin.status_code == 200
    assert page.mimetype == "text/html" and twin.mimetype == "application/json"


def test_document_twin_has_metadata_pages_and_similar(client):
    doc_id = _doc_id(client, "AMUDDU")
    data = client.get(f"/doc/{doc_id}.json").get_json()
    assert data["partner"] == ["enabel"] and data["country"] == ["belgium"]
    assert data["page_count"] == 1 and data["file_name"] == "amuddu-enabel-2018.txt"
    similar = [s["id"] for s in data["similar"]]
    assert similar and doc_id not in similar
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert 'href="/search?partner=enabel"' in page and ">Enabel<" in page
    assert 'href="/search?country=belgium"' in page and "Belgique" in page
    assert "Documents semblables" in page


def test_document_labels_follow_the_interface_language(client):
    doc_id = _doc_id(client, "AMUDDU")
    page = client.get(f"/doc/{doc_id}?ui=ar").get_data(as_text=True)
    assert "بلجيكا" in page and "اتفاقية" in page and 'dir="rtl"' in page


def test_download_only_serves_indexed_files_with_their_type(client):
    doc_id = _doc_id(client, "PRIM")
    resp = client.get(f"/doc/{doc_id}/file")
    data = resp.data
    resp.close()
    assert resp.status_code == 200 and data[:2] == b"PK"
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert client.get("/doc/..%2F..%2Fetc%2Fpasswd/file").status_code == 404
    assert client.get("/doc/nothing/file").get_json() is None  # an HTML page for a browser


def test_facet_counts_ignore_their_own_selection_and_hide_zeros(client):
    data = client.get("/search.json?type=report").get_json()
    types = _facet(data, "type")
    assert types["report"]["selected"] and types["press-release"]["count"] == 2
    assert all(v["count"] > 0 or v["selected"] for values in data["facets"].values() for v in values)
    gone = client.get("/search.json?q=AMUDDU&lang=ar").get_json()
    assert _facet(gone, "lang")["ar"] == {
        "value": "ar", "label": "Arabe", "count": 0, "selected": True, "toggle_url": "/search?q=AMUDDU",
    }


def test_year_drills_down_to_months(client):
    data = client.get("/search.json?year=2019").get_json()
    assert [v["value"] for v in data["facets"]["month"]] == ["2019-06"]
    assert data["facets"]["month"][0]["label"] == "juin 2019"
    page = client.get("/search?year=2019").get_data(as_text=True)
    assert 'class="histogram months"' in page and re.search(r'class="barfill h\d+"', page)
    assert "month" not in client.get("/search.json").get_json()["facets"]


def test_facet_filter_box_endpoint(client):
    data = client.get("/facets/partner.json?prefix=oi").get_json()
    assert data["facet"] == "partner" and data["prefix"] == "oi" and data["total_values"] == 2
    assert [v["value"] for v in data["values"]] == ["iom"]
    data = client.get("/facets/partner.json?prefix=ena&q=migrants").get_json()
    assert [(v["value"], v["count"]) for v in data["values"]] == [("enabel", 1)]
    arabic = client.get("/facets/partner.json?prefix=الوكالة&ui=ar").get_json()
    assert [v["value"] for v in arabic["values"]] == ["enabel"]
    page = client.get("/facets/partner?prefix=ena&ui=fr").get_data(as_text=True)
    assert 'name="prefix"' in page and 'value="ena"' in page and "Enabel" in page
    assert client.get("/facets/nope.json").get_json()["error"].startswith("unknown facet 'nope'; choose one of: lang, type")


def test_search_page_features(client):
    page = client.get("/search?q=migrants&lang=fr&from=2016&to=2020&page=1").get_data(as_text=True)
    assert 'value="migrants"' in page  # the box keeps the query
    assert 'class="chip-x"' in page and "Effacer tous les filtres" in page
    assert 'href="/search?q=migrants"' in page  # clear all keeps the words
    assert 'role="checkbox" aria-checked="true"' in page
    assert "/export.csv?q=migrants" in page and "/help" in page
    assert '<a class="skip" href="#main">' in page and '<main id="main"' in page


def test_pager_marks_the_current_page(client):
    page = client.get("/search?per_page=2&page=2").get_data(as_text=True)
    assert re.search(r'<a href="/search\?per_page=2&amp;page=2"[^>]*aria-current="page">2</a>', page)
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_did_you_mean_links_to_the_corrected_search(client):
    page = client.get("/search?q=migrnts").get_data(as_text=True)
    assert "Vouliez-vous dire" in page and 'href="/search?q=migrant"' in page


def test_unreadable_query_message_is_translated(client):
    page = client.get("/search?q=(Marhaba&ui=ar").get_data(as_text=True)
    assert "القوس «(» غير مغلق" in page and "هذه نتائج الكلمات البسيطة" in page


@pytest.mark.parametrize(
    "ui, lang_attr, direction, word",
    [("fr", "fr", "ltr", "Rechercher"), ("ar", "ar", "rtl", "بحث"), ("en", "en", "ltr", "Search")],
)
def test_interface_languages(client, ui, lang_attr, direction, word):
    page = client.get(f"/search?ui={ui}").get_data(as_text=True)
    assert f'<html lang="{lang_attr}" dir="{direction}">' in page
    assert f">{word}</button>" in page


def test_language_choice_is_remembered_and_switch_links_are_local(client):
    resp = client.get("/ui/ar?next=/search%3Fq%3Dmigrants")
    assert resp.status_code == 303 and resp.headers["Location"] == "/search?q=migrants"
    assert "ui=ar" in resp.headers["Set-Cookie"]
    assert '<html lang="ar" dir="rtl">' in client.get("/search").get_data(as_text=True)
    assert client.get("/ui/en?next=//evil.example/x").headers["Location"] == "/search"
    assert client.get("/ui/xx.json").get_json()["status"] == 400
    assert "choose one of: fr, ar, en" in client.get("/ui/xx").get_data(as_text=True)


def test_help_page_in_three_languages(client):
    data = client.get("/help.json?ui=en").get_json()
    syntaxes = [r["syntax"] for r in data["rules"]]
    assert "OR · OU · أو" in syntaxes and "date:[… TO …]" in syntaxes and "word~" in syntaxes
    assert data["rules"][0]["meaning"].startswith("All the words are required")
    assert data["limits"]["max_query_terms"] == 40
    assert "Tous les mots sont exigés" in client.get("/help.json?ui=fr").get_json()["rules"][0]["meaning"]
    assert "كل الكلمات مطلوبة" in client.get("/help?ui=ar").get_data(as_text=True)


def test_security_headers_and_no_inline_script(client):
    for url in ("/search?q=x", "/help", "/search.json", "/facets/type"):
        resp = client.get(url)
        assert resp.headers["Content-Security-Policy"].startswith("default-src 'self'")
        body = resp.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)
        assert not re.search(r"\son[a-z]+=", body) and "style=" not in body


def test_static_files_are_served(client):
    for name, needle in (("arshif.js", b"addEventListener"), ("arshif.css", b"inset-inline-start")):
        resp = client.get(f"/static/{name}")
        data = resp.data
        resp.close()
        assert resp.status_code == 200 and needle in data


def test_stats_hide_server_paths(client):
    data = client.get("/stats.json").get_json()
    assert data["documents"] == 6 and "index_dir" not in data


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").get_json()
    validate(spec)
    assert {"/search.json", "/doc/{id}.json", "/facets/{name}.json", "/export.csv", "/help.json"} <= set(spec["paths"])


@pytest.mark.parametrize(
    "url, status, needle",
    [
        ("/facets/nope", 400, "unknown facet"),
        ("/search.xml", 404, "unknown format"),
        ("/export.xlsx", 404, "choose one of: csv, json"),
        ("/search.json?q=%22unclosed", 200, None),
        ("/search.json?q=" + "%28" * 30, 200, None),
        ("/search.json?q=date:%5B2019%20TO%202016%5D", 200, None),
        ("/search.json?q=%00%01", 200, None),
        ("/doc/x.json?q=%28", 404, "no document with id 'x'"),
    ],
)
def test_no_input_yields_a_500(client, url, status, needle):
    resp = client.get(url)
    assert resp.status_code == status
    if needle:
        assert needle in resp.get_data(as_text=True)


# -- XSS: a document whose name, title and text are hostile ------------------------------------------

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    from indexer.pipeline import run_index
    from web import create_app

    root = tmp_path_factory.mktemp("evil")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / f"{EVIL}.txt").write_text(
        f"{EVIL} rapport piégé\n\nTexte avec <script>alert('x')</script> et \"guillemets\" & {EVIL} migrants.\n",
        encoding="utf-8",
    )
    settings = make_settings(corpus, root / "var" / "index")
    run_index(settings)
    return create_app(settings=settings, test_config={"TESTING": True}).test_client()


@pytest.mark.parametrize("q", ["migrants", EVIL, "<script>", '"><svg onload=alert(1)>'])
def test_no_markup_from_documents_or_queries_reaches_the_page(evil_client, q):
    resp = evil_client.get("/search", query_string={"q": q})
    body = resp.get_data(as_text=True)
    assert "<img src=x" not in body and "<script>alert" not in body and "<svg" not in body
    hits = evil_client.get("/search.json", query_string={"q": "migrants"}).get_json()["hits"]
    doc = evil_client.get(f"/doc/{hits[0]['id']}?q=migrants").get_data(as_text=True)
    assert "<img src=x" not in doc and "<script>alert" not in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc and "<mark>migrants</mark>" in doc


def test_download_names_keep_arabic_with_a_transliterated_fallback():
    from web.documents import attachment_header

    header = attachment_header("بلاغ-مرحبا-2021.pdf")
    assert header.startswith('attachment; filename="blg-mrhb-2021.pdf"; ')
    assert "filename*=UTF-8''%D8%A8%D9%84%D8%A7%D8%BA" in header
    assert attachment_header('a"b.pdf').startswith('attachment; filename="a_b.pdf"')


@pytest.mark.parametrize(
    "url",
    [
        "/doc/../../etc/passwd/file",
        "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd/file",
        "/doc//etc/passwd/file",
        "/doc/..%2F..%2Fpyproject.toml/file",
        "/static/../../pyproject.toml",
        "/doc/C:%5Cwindows%5Cwin.ini/file",
    ],
)
def test_only_indexed_files_are_served(client, url):
    resp = client.get(url)
    body = resp.get_data(as_text=True)
    assert resp.status_code in (400, 404)
    assert "root:" not in body and "[project]" not in body and "Traceback" not in body
    assert "/work/" not in body and "/tmp/" not in body  # no server paths in error pages
