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


# ---------------------------------------------------------------- audit fixes (our own sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تنظم الوزارة لقاء تواصليا مع الجالية يومي 14 و15 مارس 2021 بمدينة طنجة.", "2021-03-15"),
        ("انطلقت المرحلة الأولى من العملية ب5 يونيو 2022 بميناء طنجة المتوسط.", "2022-06-05"),
        ("تأجل الاجتماع المقرر إلى يوم الأربعاء، ل12 أبريل 2023، بمقر الوزارة.", "2023-04-12"),
        ("فعقدت اللجنة دورتها الثانية ف9 نونبر 2020 بالرباط.", "2020-11-09"),
    ],
)
def test_day_after_a_glued_arabic_prefix(text: str, expected: str) -> None:
    """و ب ل ف glued to a day number ("و15") are prefixes, not part of a word."""
    assert find_date(text, today=TODAY) == expected


def test_only_arabic_prefixes_may_be_glued_to_a_day() -> None:
    assert find_date("اجتماع يومي 3 و4 ماي 2021", today=TODAY) == "2021-05-04"
    found = find_date_detail("الملف رقم ab12 مارس 2019", today=TODAY)
    assert found is not None and found.precision == "month"  # "مارس 2019" alone, never "12 مارس"
    assert find_date_detail("الملف رقم وو12 مارس 2019", today=TODAY).precision == "month"
    assert find_date("référence x12 mars 2019 du dossier de coopération régionale transfrontalière", today=TODAY) is None


def test_historical_date_loses_to_the_documents_own_date() -> None:
    """A date decades before the latest one of the text is an event it recalls, not its date."""
    arabic = ("جدد المغرب تأكيد دعمه لحل يقوم على حدود 4 يونيو 1967، خلال الاجتماع الوزاري الذي احتضنته "
              "الرباط يومي 25 و26 يونيو 2019 بحضور عدد من الشركاء.")
    assert find_date(arabic, today=TODAY) == "2019-06-26"
    french = ("Le Maroc rappelle son attachement à la convention adoptée le 28 juillet 1951.\n\n"
              "La commission mixte s'est réunie le 12 octobre 2022 à Rabat.")
    assert find_date(french, today=TODAY) == "2022-10-12"
    # kept when it is the only date, or after a publication cue
    assert find_date("Le traité a été signé le 4 juin 1967 par les deux pays.", today=TODAY) == "1967-06-04"
    text = "Publié le 3 mars 1998\n\nLa réforme, dont l'entrée en vigueur est prévue le 1er janvier 2024, est annoncée."
    assert find_date(text, today=TODAY) == "1998-03-03"


def test_publication_cue_beats_an_update_cue() -> None:
    text = "Mis à jour le 7 janvier 2020 — publié le 30 septembre 2018\n\nLe ministère a présenté son bilan."
    assert find_date(text, today=TODAY) == "2018-09-30"
    arabic = "تم التحديث في 3 مارس 2021\nنشر في 14 فبراير 2021\n\nأعلنت الوزارة عن برنامج جديد لفائدة الطلبة."
    assert find_date(arabic, today=TODAY) == "2021-02-14"


def test_plain_date_near_the_title_beats_an_update_date() -> None:
    """The update line of an article is not its date when the page shows another one."""
    text = ("Accueil | Par la rédaction | 30 septembre 2018\n\n"
            "Bilan de l'accueil des Marocains du monde cet été\n\n"
            "Article mis à jour le 7 janvier 2020.\n\nLe dispositif a été renforcé dans les ports du nord.")
    assert find_date(text, today=TODAY) == "2018-09-30"
    updated_only = "Dernière mise à jour le 12 mai 2021\n\nTexte de la note, sans autre date."
    assert find_date_detail(updated_only, today=TODAY).iso == "2021-05-12"
    assert find_date("آخر تحديث: 3 مارس 2021\nالرباط في 2 مارس 2021\nبلاغ صحفي", today=TODAY) == "2021-03-02"
