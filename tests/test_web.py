"""Every route and its JSON twin, through the real Flask app over the real index."""
from __future__ import annotations

import re

import pytest


def _facet(data: dict, name: str) -> dict[str, dict]:
    return {v["value"]: v for v in data["facets"][name]}


def test_search_json_has_the_contract_shape(client):
    data = client.get("/search.json?q=AMUDDU").get_json()
    hit = data["hits"][0]
    assert data == {
        "query": "AMUDDU",
        "total": 1,
        "page": 1,
        "per_page": 10,
        "took_ms": data["took_ms"],
        "mode": "all",
        "message": None,
        "hits": [
            {
                "id": hit["id"],
                "path": "conventions/amuddu-enabel-2018.txt",
                "title": "Convention de partenariat relative au programme AMUDDU",
                "lang": "fr",
                "langs": ["fr"],
                "date": "2018-03-14",
                "type": "agreement",
                "score": hit["score"],
                "snippet": hit["snippet"],
                "paths": ["conventions/amuddu-enabel-2018.txt"],
                "pages": [],
            }
        ],
        "facets": data["facets"],
        "suggestion": None,
    }
    assert isinstance(data["took_ms"], float) and hit["score"] > 0
    assert "<mark>AMUDDU</mark>" in hit["snippet"]
    assert set(data["facets"]) == {"lang", "type", "program", "partner", "region", "country", "year"}
    assert data["facets"]["program"] == [
        {"value": "amuddu", "label": "AMUDDU", "count": 1, "selected": False, "toggle_url": "/search?q=AMUDDU&program=amuddu"}
    ]


def test_html_and_json_twins_carry_the_same_hits(client):
    data = client.get("/search.json?q=Marhaba").get_json()
    page = client.get("/search?q=Marhaba").get_data(as_text=True)
    # the copy under copies/ is the same document; the Arabic release is tagged with the operation
    assert data["total"] == 2
    assert data["hits"][0]["paths"] == ["communiques/marhaba-2019.html", "copies/marhaba-2019-copie.html"]
    arabic = data["hits"][1]
    assert arabic["path"] == "communiques/marhaba-2021-ar.txt" and arabic["score"] < data["hits"][0]["score"]
    assert "<mark>عملية</mark> <mark>مرحبا</mark>" in arabic["snippet"]  # the name's Arabic label is marked
    for hit in data["hits"]:
        assert f'/doc/{hit["id"]}' in page
    assert "<mark>" in page


def test_a_name_finds_its_documents_in_both_languages_its_own_first(client):
    ar = client.get("/search.json?q=عملية مرحبا").get_json()
    fr = client.get("/search.json?q=Opération Marhaba").get_json()
    assert [h["lang"] for h in ar["hits"]] == ["ar", "fr"]  # the words, then the tagged French release
    assert [h["lang"] for h in fr["hits"]] == ["fr", "ar"]
    plain = client.get("/search.json?q=عملية").get_json()  # not a name: no widening
    assert {h["lang"] for h in plain["hits"]} == {"ar"}


def test_words_that_together_name_an_entry_find_its_tagged_documents(client):
    tagged = {h["path"] for h in client.get("/search.json?q=partner:iom").get_json()["hits"]}
    assert len(tagged) == 3  # the English report, the Arabic report, the French minutes
    for q in ("المنظمة الدولية للهجرة", '"المنظمة الدولية للهجرة"', "Organisation internationale pour les migrations"):
        found = {h["path"] for h in client.get("/search.json", query_string={"q": q}).get_json()["hits"]}
        assert tagged <= found, q  # unquoted too: the three words together are IOM's name
    apart = client.get("/search.json", query_string={"q": "للهجرة المنظمة"}).get_json()  # not the name
    assert {h["path"] for h in apart["hits"]} < tagged


def test_facets_multi_select_or_within_and_across(client):
    both = client.get("/search.json?lang=fr&lang=ar").get_json()
    assert both["total"] == 5
    lang = _facet(both, "lang")
    assert lang["fr"]["selected"] and lang["ar"]["selected"] and not lang["en"]["selected"]
    assert lang["en"]["count"] == 1  # a facet's counts ignore its own selection
    narrowed = client.get("/search.json?lang=fr&lang=ar&year=2018").get_json()
    assert narrowed["total"] == 1
    assert _facet(narrowed, "lang")["fr"]["count"] == 1
    assert "ar" not in _facet(narrowed, "lang") or _facet(narrowed, "lang")["ar"]["selected"]


def test_toggle_url_round_trips(client):
    data = client.get("/search.json?q=migrants").get_json()
    en = _facet(data, "lang")["en"]
    toggled = client.get(en["toggle_url"].replace("/search", "/search.json", 1)).get_json()
    assert _facet(toggled, "lang")["en"]["selected"]
    off = _facet(toggled, "lang")["en"]["toggle_url"]
    assert "lang=" not in off


def test_date_range_and_sort(client):
    data = client.get("/search.json?from=2018-01-01&to=2020-12-31&sort=date").get_json()
    dates = [h["date"] for h in data["hits"]]
    assert dates == ["2018-03-14", "2019-06-05"]


def test_document_page_and_twin(client):
    hit = client.get("/search.json?q=AMUDDU").get_json()["hits"][0]
    doc = client.get(f"/doc/{hit['id']}.json?q=AMUDDU").get_json()
    assert doc["title"] == hit["title"] and doc["program"] == ["amuddu"]
    assert any("<mark>AMUDDU</mark>" in p["html"] for p in doc["pages"])
    page = client.get(f"/doc/{hit['id']}?q=AMUDDU").get_data(as_text=True)
    assert "<mark>AMUDDU</mark>" in page
    with client.get(doc["file_url"]) as file:
        assert file.status_code == 200 and file.mimetype == "text/plain"
        assert b"AMUDDU" in file.data


@pytest.mark.parametrize(
    "url, status, needle",
    [
        ("/doc/doesnotexist.json", 404, "no document with id"),
        ("/search.json?sort=oldest", 400, "choose one of: relevance, date, -date"),
        ("/search.json?page=abc", 400, "'page' must be a whole number"),
        ("/search.json?from=yesterday", 400, "'from' must be a date"),
        ("/nowhere.json", 404, ""),
    ],
)
def test_errors_have_one_json_shape(client, url, status, needle):
    resp = client.get(url)
    data = resp.get_json()
    assert resp.status_code == status
    assert data["ok"] is False and data["status"] == status and needle in data["error"]


def test_html_errors_are_pages_without_traces(client):
    resp = client.get("/search?sort=oldest")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "choose one of" in body and "Traceback" not in body


def test_arabic_snippet_is_rtl_and_original_text(client):
    page = client.get("/search?q=المدرسه").get_data(as_text=True)
    snippet = re.search(r'<p class="snippet" dir="rtl">(.*?)</p>', page, re.S)
    assert snippet and "<mark>المدرسة</mark>" in snippet.group(1)


def test_browsing_without_words_shows_each_documents_start(client):
    data = client.get("/search.json?sort=-date").get_json()
    assert data["total"] > 3 and data["hits"]
    for hit in data["hits"]:
        assert isinstance(hit["snippet"], str) and len(hit["snippet"]) > 20, hit["id"]
    page = client.get("/search?sort=-date").get_data(as_text=True)
    assert ">None<" not in page


def test_a_page_past_the_last_one_says_so_and_links_back(client):
    first = client.get("/search.json?per_page=2").get_json()
    last = -(-first["total"] // 2)
    assert last >= 3 and first["message"] is None
    data = client.get(f"/search.json?per_page=2&page={last + 5}").get_json()
    assert data["hits"] == [] and data["total"] == first["total"]
    assert data["message"] == f"page {last + 5} is past the last page of results, page {last}"
    page = client.get(f"/search?per_page=2&page={last + 5}&ui=fr").get_data(as_text=True)
    assert f"la page {last + 5} est au-delà de la dernière page de résultats, la page {last}" in page
    assert f'page={last}" rel="prev"' in page.replace("&amp;", "&")
    worded = client.get("/search?q=migrants&per_page=1&page=40").get_data(as_text=True)
    assert "est au-delà de la dernière page" in worded and 'class="empty"' not in worded  # not "no document matches"
    assert client.get(f"/search.json?per_page=2&page={last}").get_json()["message"] is None
