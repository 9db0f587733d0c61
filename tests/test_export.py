"""Exports: the whole result set (capped), citable metadata columns, cells safe in spreadsheets."""
from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from search.export import COLUMNS, spreadsheet_safe, to_csv


@pytest.mark.parametrize(
    "value, safe",
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("2019-06-05", "2019-06-05"), ("بلاغ", "بلاغ"), ("", "")],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_csv_escapes_formulas_and_joins_lists():
    text = to_csv([{"id": "a", "title": "=cmd|' /C calc'!A0", "programs": ["marhaba", "amuddu"]}])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(COLUMNS)
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[1][5] == "marhaba; amuddu"


def _csv(resp) -> list[dict]:
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_export_csv_has_every_page_and_the_metadata(client):
    resp = client.get("/export.csv?q=migrants&per_page=1&page=2")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["X-Arshif-Total"] == "3" and resp.headers["X-Arshif-Export-Cap"] == "5000"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = _csv(resp)
    assert len(rows) == 3  # all pages, not the one in the URL
    amuddu = next(r for r in rows if r["path"] == "conventions/amuddu-enabel-2018.txt")
    assert amuddu["programs"] == "amuddu" and amuddu["partners"] == "enabel" and amuddu["date"] == "2018-03-14"
    assert amuddu["regions"] == "tanger-tetouan-al-hoceima; oriental" and amuddu["type"] == "agreement"
    assert amuddu["url"] == f"http://localhost/doc/{amuddu['id']}"


def test_export_json_matches_search_and_states_the_cap(client):
    search = client.get("/search.json?lang=ar&sort=-date").get_json()
    data = client.get("/export.json?lang=ar&sort=-date").get_json()
    assert data["total"] == search["total"] == data["exported"] == 2
    assert data["cap"] == 5000 and data["truncated"] is False
    assert [r["id"] for r in data["rows"]] == [h["id"] for h in search["hits"]]
    assert data["columns"] == list(COLUMNS)


def test_export_is_capped_and_says_so(indexed):
    from web import create_app

    settings, _ = indexed
    client = create_app(settings=dataclasses.replace(settings, export_cap=2), test_config={"TESTING": True}).test_client()
    data = client.get("/export.json").get_json()
    assert (data["total"], data["exported"], data["cap"], data["truncated"]) == (6, 2, 2, True)
    resp = client.get("/export.csv")
    assert resp.headers["X-Arshif-Exported"] == "2" and len(_csv(resp)) == 2


def test_export_errors_have_the_one_shape(client):
    resp = client.get("/export.json?sort=oldest")
    assert resp.status_code == 400 and resp.get_json()["ok"] is False


def test_export_rows_carry_labels_in_the_interface_language(client):
    fr = client.get("/export.json?q=AMUDDU").get_json()["rows"][0]
    ar = client.get("/export.json?q=AMUDDU&ui=ar").get_json()["rows"][0]
    assert fr["programs"] == ["amuddu"] and fr["program_labels"] == ["AMUDDU"]
    assert fr["type_label"] == "Convention" and ar["type_label"] == "اتفاقية"
    assert ar["partner_labels"] == ["الوكالة البلجيكية للتنمية"]
    header = client.get("/export.csv?q=AMUDDU").get_data(as_text=True).splitlines()[0]
    assert header.endswith("type_label,program_labels,partner_labels,region_labels,country_labels")
