"""Dates found in text, metadata strings and file names (French, Arabic, English)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indexer.dates import date_from_filename, filename_date_detail, find_date, find_date_detail, parse_date_string

TODAY = dt.date(2025, 6, 1)
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Publié le 09 Oct 2023", "2023-10-09"),
        ("Rabat, le 7 juillet 2023", "2023-07-07"),
        ("le 7 juil. 2023", "2023-07-07"),
        ("Séance du 1er mars 2019", "2019-03-01"),
        ("Réunion du comité le 22/1/2016", "2016-01-22"),
        ("Date : 2019-05-14", "2019-05-14"),
        ("Version du 14.05.2019", "2019-05-14"),
        ("Signé le 14-05-2019 à Rabat", "2019-05-14"),
        ("Posted on May 14, 2019", "2019-05-14"),
        ("Geneva, 14 May 2019", "2019-05-14"),
        ("September 3rd, 2018", "2018-09-03"),
        ("le 15 août 2021", "2021-08-15"),
        ("le 3 décembre 2020", "2020-12-03"),
        ("le 12 fevrier 2018", "2018-02-12"),
        ("بتاريخ 3 مارس 2017", "2017-03-03"),
        ("الرباط في 12 يوليوز 2022", "2022-07-12"),
        ("الرباط في ١٢ يوليوز ٢٠٢٢", "2022-07-12"),
        ("حرر بالرباط في ۱۵ شتنبر ۲۰۲۱", "2021-09-15"),
        ("يوم 5 ماي 2019", "2019-05-05"),
        ("يوم 5 مايو 2019", "2019-05-05"),
        ("في 20 غشت 2020", "2020-08-20"),
        ("في 4 نونبر 2016", "2016-11-04"),
        ("في 18 دجنبر 2015", "2015-12-18"),
        ("في 9 أبريل 2014", "2014-04-09"),
        ("في 9 ابريل 2014", "2014-04-09"),
        ("في 1 يناير 2024", "2024-01-01"),
        ("في 30 يونيو 2012", "2012-06-30"),
        ("في 27 أغسطس 2013", "2013-08-27"),
        ("في 2 أكتوبر 2011", "2011-10-02"),
        ("في 11 نوفمبر 2010", "2010-11-11"),
        ("في 14 فبراير 2009", "2009-02-14"),
        ("في 25 سبتمبر 2008", "2008-09-25"),
        ("في 15 أيار/مايو 2015", "2015-05-15"),
        ("دمشق في 3 كانون الثاني 2016", "2016-01-03"),
        ("في 3 تشرين الأول 2016", "2016-10-03"),
        ("في 3 تشرين الثاني 2016", "2016-11-03"),
        ("في 7 آذار 2017", "2017-03-07"),
        ("في 7 حزيران 2017", "2017-06-07"),
        ("في 7 تموز 2017", "2017-07-07"),
        ("في 7 آب 2017", "2017-08-07"),
        ("في 12 رمضان 1440 هـ الموافق 17 ماي 2019", "2019-05-17"),
        ("RAPPORT ANNUEL\nJuin 2019\n", "2019-06-01"),
        ("", None),
        ("Aucune date ici, seulement 2019 et 12 dossiers.", None),
        ("le 30 février 2019", None),
        ("le 31/04/2019", None),
        ("le 3 mars 1890", None),
        ("le 3 mars 2090", None),
        ("في 12 رمضان 1440 هـ", None),
        ("Tel. 0537/22/2016 poste 14", None),
        ("En décembre 2014, le gouvernement a adopté une stratégie.", None),
    ],
)
def test_find_date(text: str, expected: str | None) -> None:
    assert find_date(text, today=TODAY) == expected


def test_cue_beats_an_earlier_plain_date() -> None:
    text = "Rapport sur la période 2018-2019, réunion du 3 mars 2018.\n" + "x " * 2000 + "\nFait à Rabat, le 12 avril 2019"
    assert find_date(text, today=TODAY) == "2019-04-12"


def test_head_wins_over_tail_when_both_are_plain() -> None:
    text = "Réunion du 3 mars 2018.\n" + "mot " * 1500 + "\nréunion 5 mai 2020"
    assert find_date(text, today=TODAY) == "2018-03-03"


def test_month_precision_is_reported() -> None:
    assert find_date_detail("Rapport\nJuillet 2023\n", today=TODAY).precision == "month"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-05-14", "2019-05-14"),
        ("2019-05-14T10:00:00+01:00", "2019-05-14"),
        ("2019-05-14 10:00:00", "2019-05-14"),
        ("D:20190514103000+01'00'", "2019-05-14"),
        ("D:20190514", "2019-05-14"),
        ("20190514", "2019-05-14"),
        ("Tue, 14 May 2019 10:00:00 +0100", "2019-05-14"),
        ("14 mai 2019", "2019-05-14"),
        ("D:2019", None),
        ("2019-02-30", None),
        ("1900-01-01", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_date_string(value: str, expected: str | None) -> None:
    assert parse_date_string(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("name", "expected", "precision"),
    [
        ("2019-05-14_x.pdf", "2019-05-14", "day"),
        ("communique_20190514.docx", "2019-05-14", "day"),
        ("note_14-05-2019.pdf", "2019-05-14", "day"),
        ("rapport_2019-12.pdf", "2019-12-01", "month"),
        ("rapport-2017.pdf", "2017-01-01", "year"),
        ("archives/2015/x.pdf", None, None),
        ("scan0001.pdf", None, None),
        ("rapport-1890.pdf", None, None),
    ],
)
def test_date_from_filename(name: str, expected: str | None, precision: str | None) -> None:
    assert date_from_filename(name, today=TODAY) == expected
    found = filename_date_detail(name, today=TODAY)
    assert (found.precision if found else None) == precision


def test_seed_published_on() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent")
    hits = [p for p in sorted(seeds.glob("*.txt")) if "Publié le 09 Oct 2023" in p.read_text(encoding="utf-8")]
    if not hits:
        pytest.skip("no seed carries 'Publié le 09 Oct 2023'")
    assert find_date(hits[0].read_text(encoding="utf-8")) == "2023-10-09"
