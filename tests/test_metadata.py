"""derive_metadata: title, date, type and facets from an extracted document, taxonomy and sidecar."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.extract.base import Extracted, Page
from indexer.metadata import Metadata, derive_metadata, meaningful_title, title_from_text
from indexer.writer import record_fields
from search.taxonomy import Taxonomy, load_taxonomy
from tests.conftest import make_record

SHARED = Path(__file__).resolve().parents[2] / "shared"
TOML = """
[[type]]
id = "press-release"
fr = "Communiqué"
ar = "بلاغ"
aliases = ["communiqué de presse", "بلاغ صحفي"]

[[type]]
id = "report"
fr = "Rapport"
ar = "تقرير"

[[type]]
id = "agreement"
fr = "Convention"
ar = "اتفاقية"
aliases = ["convention de partenariat", "مذكرة تفاهم"]

[[program]]
id = "marhaba"
fr = "Opération Marhaba"
ar = "عملية مرحبا"
aliases = ["Marhaba", "مرحبا"]

[[program]]
id = "prim"
fr = "Programme régional des initiatives migratoires"
ar = "البرنامج الجهوي للمبادرات المتعلقة بالهجرة"
aliases = ["PRIM"]

[[partner]]
id = "giz"
fr = "Coopération allemande (GIZ)"
ar = "الوكالة الألمانية للتعاون الدولي"
aliases = ["GIZ"]

[[partner]]
id = "iom"
fr = "Organisation internationale pour les migrations"
ar = "المنظمة الدولية للهجرة"
aliases = ["OIM", "IOM"]

[[region]]
id = "tanger-tetouan-al-hoceima"
fr = "Tanger-Tétouan-Al Hoceïma"
ar = "جهة طنجة تطوان الحسيمة"
"""

BODY = (
    "Le ministère a réuni ses partenaires pour faire le point sur l'opération Marhaba et sur le "
    "programme PRIM, que l'OIM conduit à Tanger-Tétouan-Al Hoceïma."
)


@pytest.fixture(scope="module")
def taxonomy(tmp_path_factory: pytest.TempPathFactory) -> Taxonomy:
    path = tmp_path_factory.mktemp("tax") / "taxonomy.toml"
    path.write_text(TOML, encoding="utf-8")
    return load_taxonomy(path)


def doc(text: str, **kw: object) -> Extracted:
    return Extracted(pages=(Page(1, text),), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("title", "rel_path", "expected"),
    [
        ("Bilan de l'opération Marhaba 2023", "a.pdf", "Bilan de l'opération Marhaba 2023"),
        ("Untitled", "a.pdf", None),
        ("Sans titre", "a.pdf", None),
        ("Microsoft Word - rapport_final_v2.docx", "a.pdf", None),
        ("Microsoft Word - Bilan de la saison estivale", "a.pdf", "Bilan de la saison estivale"),
        ("rapport_final_v2", "a.pdf", None),
        ("scan0001.pdf", "scan0001.pdf", None),
        ("Bilan annuel", "dossier/bilan-annuel.pdf", None),
        ("Accueil", "a.html", None),
        ("Premier comité de pilotage | Ministère des MRE", "a.html", "Premier comité de pilotage"),
        ("بلاغ حول عملية مرحبا 2023", "a.pdf", "بلاغ حول عملية مرحبا 2023"),
        ("", "a.pdf", None),
        (None, "a.pdf", None),
    ],
)
def test_meaningful_title(title: str | None, rel_path: str, expected: str | None) -> None:
    assert meaningful_title(title, rel_path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Accueil\nMenu\nRetour\nPublié le 09 Oct 2023\nPremier comité de pilotage du programme\nTexte.",
         "Premier comité de pilotage du programme"),
        ("SociétéSpécialUne\n\nSpécial MRE : La Direction de la coopération\n", "Spécial MRE : La Direction de la coopération"),
        ("ACTUALITÉS\nAccueil > Actualités > Marhaba\nL'opération Marhaba bat son record\n",
         "L'opération Marhaba bat son record"),
        ("FR | AR | EN\nhttps://www.example.ma\nRabat, le 3 mars 2019\nConvention de partenariat avec la GIZ",
         "Convention de partenariat avec la GIZ"),
        ("الرئيسية\nاتصل بنا\nبلاغ حول انطلاق عملية مرحبا 2023\n", "بلاغ حول انطلاق عملية مرحبا 2023"),
        ("Menu\n12\n", None),
    ],
)
def test_title_from_text(text: str, expected: str | None) -> None:
    assert title_from_text(text) == expected


def test_long_first_line_is_capped_at_a_word() -> None:
    found = title_from_text("Mot " * 100)
    assert found is not None and len(found) <= 201
    assert found.endswith("Mot…")


def test_full_metadata(taxonomy: Taxonomy) -> None:
    text = "Accueil\nCommuniqué de presse\nRabat, le 12 juillet 2023\n\n" + BODY
    meta = derive_metadata(doc(text, meta={"author": "DCEC"}), "actualites/x.html", taxonomy)
    assert meta == Metadata(
        title="Communiqué de presse",
        date="2023-07-12",
        type="press-release",
        programs=("marhaba", "prim"),
        partners=("iom",),
        regions=("tanger-tetouan-al-hoceima",),
        countries=(),
        langs=("fr",),
        primary_lang="fr",
        extra={"author": "DCEC", "title_source": "text", "date_source": "text"},
    )


@pytest.mark.parametrize(
    ("extracted", "rel_path", "date", "source"),
    [
        (doc(BODY + " le 3 mars 2020", date="2019-05-14"), "2018-01-01_x.pdf", "2019-05-14", "metadata"),
        (doc(BODY + " le 3 mars 2020", date="D:garbage"), "2018-01-01_x.pdf", "2020-03-03", "text"),
        (doc(BODY), "communique_20180101.pdf", "2018-01-01", "filename"),
        (doc(BODY), "rapport-2017.pdf", "2017-01-01", "filename"),
        (doc(BODY), "rapport.pdf", None, None),
    ],
)
def test_date_sources(taxonomy: Taxonomy, extracted: Extracted, rel_path: str, date: str | None, source: str | None) -> None:
    meta = derive_metadata(extracted, rel_path, taxonomy)
    assert (meta.date, meta.extra.get("date_source")) == (date, source)


def test_year_only_date_is_marked(taxonomy: Taxonomy) -> None:
    meta = derive_metadata(doc(BODY), "rapport-2017.pdf", taxonomy)
    assert meta.extra["date_precision"] == "year"


@pytest.mark.parametrize(
    ("text", "title", "rel_path", "expected"),
    [
        (BODY, "Communiqué de presse", "x.pdf", "press-release"),
        ("بلاغ صحفي\n\nأعلنت الوزارة عن انطلاق عملية مرحبا", None, "x.pdf", "press-release"),
        ("Rapport d'activité 2019\n\n" + BODY, None, "x.pdf", "report"),
        ("تقرير حول الهجرة", None, "x.pdf", "report"),
        ("Convention de partenariat\n\n" + BODY, None, "x.pdf", "agreement"),
        ("مذكرة تفاهم بين الوزارة والمنظمة الدولية للهجرة", None, "x.pdf", "agreement"),
        (BODY, None, "communiques/x.pdf", "press-release"),
        (BODY, None, "archives/rapports/2019/x.pdf", "report"),
        (BODY, None, "archives/x.pdf", None),
        # a type word deep in the body is not the document's type
        (BODY + " " + "texte " * 100 + "voir le rapport", None, "x.pdf", None),
    ],
)
def test_type(taxonomy: Taxonomy, text: str, title: str | None, rel_path: str, expected: str | None) -> None:
    assert derive_metadata(doc(text, title=title), rel_path, taxonomy).type == expected


def test_sidecar_overrides_and_resolves(taxonomy: Taxonomy) -> None:
    sidecar = {
        "title": "Bilan 2019",
        "date": "2019-09-15",
        "type": "Rapport",
        "programs": ("عملية مرحبا", "Programme inconnu"),
        "partners": ("GIZ",),
        "langs": ("ar", "fr"),
        "visibility": "internal",
        "groups": ("dcec",),
    }
    meta = derive_metadata(doc("Communiqué\n\n" + BODY), "x.pdf", taxonomy, sidecar=sidecar)
    assert (meta.title, meta.date, meta.type) == ("Bilan 2019", "2019-09-15", "report")
    assert meta.programs == ("marhaba", "Programme inconnu")
    assert meta.partners == ("giz",)
    assert meta.regions == ("tanger-tetouan-al-hoceima",)  # not in the sidecar: still derived
    assert (meta.langs, meta.primary_lang) == (("ar", "fr"), "ar")
    assert (meta.visibility, meta.groups) == ("internal", ("dcec",))
    assert meta.extra["title_source"] == "sidecar"


def test_default_visibility_and_filename_title(taxonomy: Taxonomy) -> None:
    meta = derive_metadata(doc(""), "dossiers/note_de_service-v2.pdf", taxonomy, default_visibility="internal")
    assert (meta.title, meta.visibility, meta.primary_lang, meta.langs) == ("Note de service v2", "internal", "und", ())


def test_bilingual_document_langs(taxonomy: Taxonomy) -> None:
    ar = (
        "قدمت الوزارة المكلفة بالمغاربة المقيمين بالخارج أمس حصيلة عملية العبور الصيفية، حيث استقبلت "
        "المصالح القنصلية الأسر في الموانئ والمطارات، وأمنت الفرق الطبية مداومة ليلا ونهارا طيلة الموسم."
    )
    meta = derive_metadata(doc(BODY + " " + BODY + "\n\n" + ar + " " + ar), "x.pdf", taxonomy)
    assert set(meta.langs) == {"fr", "ar"}


def test_seeds(taxonomy: Taxonomy) -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent")
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        meta = derive_metadata(doc(text), path.name, taxonomy)
        assert meta.title and meta.title in text.replace("\n", " ") or meta.title.endswith("…"), path
        assert meta.primary_lang == "fr", path
        if "Publié le 09 Oct 2023" in text:
            assert meta.date == "2023-10-09"
            assert meta.title.startswith("Premier Comité de pilotage")


# ---------------------------------------------------------------- audit fixes: titles over two lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the next line starts in lower case (an elided article, straight or curly apostrophe)
        ("Plan Régional\nd’Intégration des Migrants\nRapport d’étape\n", "Plan Régional d’Intégration des Migrants"),
        ("Programme National\nd'Accompagnement des Retours\n\nTexte.", "Programme National d'Accompagnement des Retours"),
        # the first line ends on a word no title ends with
        ("Stratégie en faveur des\nMarocains du Monde\nMinistère", "Stratégie en faveur des Marocains du Monde"),
        ("برنامج دعم المهاجرين في\nجهة الشرق\n\nمقدمة", "برنامج دعم المهاجرين في جهة الشرق"),
        # the next line starts with a preposition
        ("التقرير السنوي للوزارة\nحول إدماج المهاجرين\n\nتمهيد", "التقرير السنوي للوزارة حول إدماج المهاجرين"),
        ("Rapport de synthèse\nPour une politique migratoire régionale\n", "Rapport de synthèse Pour une politique migratoire régionale"),
    ],
)
def test_title_over_two_cover_lines_is_joined(text: str, expected: str) -> None:
    assert title_from_text(text) == expected


def test_only_broken_titles_are_joined() -> None:
    """A capitalised sentence, a field line, a finished sentence, a long line, a blank line or the length
    bound stop a title; a short line ending on "de" does not."""
    assert title_from_text("Stratégie de\nla coopération régionale\n") == "Stratégie de la coopération régionale"
    kept = [
        ("Note d'information\nLe présent document fait le point sur les services consulaires.", "Note d'information"),
        ("Rapport annuel de la direction\nauteur: Direction de la migration\n", "Rapport annuel de la direction"),
        ("Compte rendu de la réunion.\nla séance est ouverte à dix heures.", "Compte rendu de la réunion."),
        ("Rapport sur la mobilité des jeunes talents marocains vers l'Europe et\n" + "le retour " * 20,
         "Rapport sur la mobilité des jeunes talents marocains vers l'Europe et"),
        ("Bilan de l'opération\n\nde l'été dernier, détaillé ci-dessous.", "Bilan de l'opération"),
        ("Stratégie de\n" + "la coopération " * 12 + "\n", "Stratégie de"),
    ]
    for text, expected in kept:
        assert title_from_text(text) == expected, text


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Libre propos : la mobilité des jeunes talents - Chronique", None, "Libre propos : la mobilité des jeunes talents"),
        ("الوزارة تطلق برنامجا جديدا لفائدة الكفاءات المقيمة بالخارج - المنبر", None,
         "الوزارة تطلق برنامجا جديدا لفائدة الكفاءات المقيمة بالخارج"),
        ("Lancement du portail des compétences – Ministère chargé des Marocains résidant à l'étranger", None,
         "Lancement du portail des compétences"),
        ("Bilan de la saison estivale dans les ports - Le Quotidien du Nord", "Le Quotidien du Nord",
         "Bilan de la saison estivale dans les ports"),
    ],
)
def test_trailing_site_name_is_stripped(title: str, site: str | None, expected: str) -> None:
    assert meaningful_title(title, "a.html", site) == expected


def test_only_site_names_are_stripped() -> None:
    """A dash between two names, a number, a subtitle or a short remainder stay in the title."""
    assert meaningful_title("Portrait des nouveaux entrepreneurs de la diaspora - Éclairage", "a.html") == (
        "Portrait des nouveaux entrepreneurs de la diaspora")
    for title in ("Réunion de la commission mixte Maroc - Espagne", "Rapport sur la mobilité des étudiants - Annexe 3",
                  "Journée de la diaspora - Bilan",
                  "Appel à projets - le programme régional des initiatives migratoires est ouvert"):
        assert meaningful_title(title, "a.html") == title


def test_site_name_from_html_meta_is_stripped(taxonomy: Taxonomy) -> None:
    extracted = doc(BODY, title="Bilan de la saison estivale dans les ports - Le Quotidien du Nord",
                    meta={"site_name": "Le Quotidien du Nord"})
    assert derive_metadata(extracted, "a.html", taxonomy).title == "Bilan de la saison estivale dans les ports"


# ---------------------------------------------------------------- audit fixes: year-only dates


def test_year_only_date_gives_no_month_facet(taxonomy: Taxonomy) -> None:
    """A bare year in a file name is stored as YYYY-01-01 for sorting, but it is not January."""
    meta = derive_metadata(doc(BODY), "تقرير الهجرة مع مسافات 2021.txt", taxonomy)
    assert (meta.date, meta.date_precision) == ("2021-01-01", "year")
    fields = record_fields(make_record(1, date=meta.date, date_precision=meta.date_precision))
    assert fields["date"] == "2021-01-01" and fields["year"] == "2021" and "month" not in fields


def test_month_precision_date_keeps_its_month(taxonomy: Taxonomy) -> None:
    meta = derive_metadata(doc(BODY), "rapport_2021-03.pdf", taxonomy)
    assert (meta.date, meta.date_precision) == ("2021-03-01", "month")
    assert record_fields(make_record(1, date=meta.date, date_precision=meta.date_precision))["month"] == "2021-03"
    day = derive_metadata(doc(BODY + " le 3 mars 2020"), "x.pdf", taxonomy)
    assert day.date_precision == "day"
    assert record_fields(make_record(1, date=day.date, date_precision=day.date_precision))["month"] == "2020-03"
