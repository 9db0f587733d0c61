"""A tiny real archive (files written here, in our own words) indexed into a real Whoosh index in tmp_path."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from search.config import load_settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REALDOCS = SHARED / "realdocs"

TAXONOMY = """
version = 1

[[type]]
id = "press-release"
fr = "Communiqué"
ar = "بلاغ"
en = "Press release"
aliases = ["communiqué", "communiqué de presse", "بلاغ", "بلاغ صحفي", "press release"]

[[type]]
id = "agreement"
fr = "Convention"
ar = "اتفاقية"
en = "Agreement"
aliases = ["convention", "accord", "اتفاقية", "مذكرة تفاهم", "agreement"]

[[type]]
id = "report"
fr = "Rapport"
ar = "تقرير"
en = "Report"
aliases = ["rapport", "تقرير", "report"]

[[program]]
id = "marhaba"
fr = "Opération Marhaba"
ar = "عملية مرحبا"
en = "Operation Marhaba"
aliases = ["Marhaba", "Opération Marhaba", "عملية مرحبا", "مرحبا"]

[[program]]
id = "amuddu"
fr = "AMUDDU"
ar = "أمودو"
en = "AMUDDU"
aliases = ["AMUDDU", "أمودو"]

[[partner]]
id = "enabel"
fr = "Enabel"
ar = "الوكالة البلجيكية للتنمية"
en = "Enabel"
aliases = ["Enabel", "Agence belge de développement", "الوكالة البلجيكية للتنمية"]

[[partner]]
id = "iom"
fr = "OIM"
ar = "المنظمة الدولية للهجرة"
en = "IOM"
aliases = ["OIM", "IOM", "Organisation internationale pour les migrations", "المنظمة الدولية للهجرة"]

[[region]]
id = "tanger-tetouan-al-hoceima"
fr = "Tanger-Tétouan-Al Hoceïma"
ar = "جهة طنجة تطوان الحسيمة"
en = "Tanger-Tetouan-Al Hoceima"
aliases = ["Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة"]

[[region]]
id = "oriental"
fr = "Oriental"
ar = "جهة الشرق"
en = "Oriental"
aliases = ["région de l'Oriental", "Oriental", "جهة الشرق"]

[[country]]
id = "belgium"
fr = "Belgique"
ar = "بلجيكا"
en = "Belgium"
aliases = ["Belgique", "بلجيكا", "Belgium"]
"""

FILES: dict[str, str] = {
    "communiques/marhaba-2019.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Lancement de l'Opération Marhaba 2019 | Ministère</title>
<meta name="date" content="2019-06-05"></head>
<body><nav><ul><li>Accueil</li><li>Actualités</li><li>Contact</li></ul></nav>
<main><h1>Lancement de l'Opération Marhaba 2019</h1>
<p>Communiqué de presse. Le ministère annonce le lancement de l'Opération Marhaba 2019 destinée à accueillir
les Marocains résidant à l'étranger pendant la période estivale. Les ports de Tanger Med et de Nador
renforcent leurs équipes d'accueil, en coordination avec la Fondation Mohammed V pour la solidarité.</p>
<p>Le comité de pilotage de l'opération s'est réuni à Rabat pour arrêter le dispositif de coopération
avec les autorités portuaires.</p></main>
<footer>© Ministère — Tous droits réservés — Mentions légales</footer></body></html>
""",
    "communiques/marhaba-2021-ar.txt": """بلاغ صحفي حول عملية مرحبا 2021

الرباط في 10 يونيو 2021

تعلن الوزارة عن انطلاق عملية مرحبا لسنة 2021 لفائدة مغاربة العالم، وذلك بتنسيق مع مؤسسة محمد الخامس للتضامن.
وقد تمت تعبئة فرق الاستقبال في موانئ طنجة المتوسط والناظور من أجل تيسير عبور المهاجرين وأسرهم.
ويأتي هذا البلاغ في إطار تعزيز الخدمات المقدمة للجالية المغربية المقيمة بالخارج.
""",
    "conventions/amuddu-enabel-2018.txt": """Convention de partenariat relative au programme AMUDDU

Rabat, le 14 mars 2018

Entre le ministère, représenté par son secrétaire général pour la migration et les Marocains de l'étranger, d'une part,
et Enabel, l'Agence belge de développement, d'autre part, il est convenu ce qui suit.
Le programme AMUDDU soutient l'intégration des migrants et la réinsertion des Marocains de retour
dans la région Tanger-Tétouan-Al Hoceïma et dans la région de l'Oriental. La coopération avec la Belgique
porte sur la formation professionnelle et l'accompagnement des projets des jeunes.
""",
    "rapports/annual-report-2020.txt": """Annual report on migrant integration 2020

Published on 2 February 2021

This report reviews the national strategy for immigration and asylum. Together with IOM, the ministry
supported health, education and vocational training for migrants living in Morocco. Cooperation with
Belgium and the European Union funded projects in the Oriental region.
""",
    "rapports/taqrir-2017-ar.html": """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تقرير حول إدماج المهاجرين 2017</title></head>
<body><nav>الرئيسية | الأخبار | اتصل بنا</nav>
<article><h1>تقرير حول إدماج المهاجرين 2017</h1>
<p>حرر بالرباط بتاريخ 3 مارس 2017</p>
<p>يستعرض هذا التقرير حصيلة برامج إدماج المهاجرين في مجالات التعليم والصحة والتكوين المهني، بشراكة مع
المنظمة الدولية للهجرة. وقد استفاد أطفال المهاجرين من التسجيل في المدرسة العمومية، كما تم تنظيم دورات
لتعلم اللغة العربية لفائدة الأسر في جهة الشرق.</p></article>
<footer>جميع الحقوق محفوظة</footer></body></html>
""",
}


#: The files of write_corpus that index (the bad ones under broken/ fail), sorted.
GOOD_FILES = sorted([*FILES, "copies/marhaba-2019-copie.html", "proces-verbaux/pv-prim-2016.docx"])


def write_corpus(root: Path) -> Path:
    """Write the tiny archive under `root` (our own text), with a DOCX, a duplicate and bad files."""
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    import docx  # python-docx: a real DOCX written here

    document = docx.Document()
    document.core_properties.title = "Procès-verbal du comité de pilotage PRIM"
    document.add_heading("Procès-verbal du comité de pilotage PRIM", level=1)
    document.add_paragraph("Réunion tenue à Rabat le 22/1/2016 en présence des partenaires de l'OIM.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Point"
    table.cell(0, 1).text = "Décision"
    table.cell(1, 0).text = "Guichets d'accueil"
    table.cell(1, 1).text = "Ouverture de trois guichets pour les migrants"
    (root / "proces-verbaux").mkdir(exist_ok=True)
    document.save(root / "proces-verbaux" / "pv-prim-2016.docx")
    dup = root / "copies" / "marhaba-2019-copie.html"
    dup.parent.mkdir(exist_ok=True)
    dup.write_text(FILES["communiques/marhaba-2019.html"], encoding="utf-8")
    (root / "broken").mkdir(exist_ok=True)
    (root / "broken" / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n")
    (root / "broken" / "empty.txt").write_bytes(b"")
    (root / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    return root


def make_record(i: int, body: str = "", **fields: object):
    """DocumentRecord number `i` for writer-level tests: French, public, undated and unlabelled unless
    `fields` say otherwise."""
    from indexer.records import DocumentRecord

    values: dict[str, object] = dict(
        id=f"doc{i:04d}", path=f"d/{i}.txt", paths=(f"d/{i}.txt",), source=f"/a/d/{i}.txt", title=f"Note {i}",
        body=body, langs=("fr",), primary_lang="fr", date=None, type=None, programs=(), partners=(), regions=(),
        countries=(), format="txt", pages=1, size=len(body), hash=f"{i:064d}", visibility="public", groups=(),
        warnings=(),
    )
    values.update(fields)
    return DocumentRecord(**values)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny archive, written once per session."""
    return write_corpus(tmp_path_factory.mktemp("corpus"))


def make_settings(corpus: Path, index_dir: Path, **extra: object):
    """Settings pointing at a corpus and an index in tmp, ignoring any arshif.toml and environment."""
    base: dict[str, object] = {
        "index_dir": index_dir,
        "cache_dir": index_dir.parent / "cache",
        "corpus": (corpus,),
        "taxonomy": corpus / "taxonomy.toml",
        "workers": 1,
        "ocr": False,
        "users_file": index_dir.parent / "users.toml",
        "audit_log": index_dir.parent / "audit.log",
    }
    return load_settings(Path("/nonexistent/arshif.toml"), environ={}, **{**base, **extra})


@pytest.fixture(scope="session")
def indexed(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """(settings, report) of the tiny archive indexed once into a real index."""
    from indexer.pipeline import run_index

    index_dir = tmp_path_factory.mktemp("var") / "index"
    settings = make_settings(corpus_dir, index_dir)
    return settings, run_index(settings)


@pytest.fixture()
def app(indexed):
    """The real Flask app over the real index."""
    from web import create_app

    settings, _ = indexed
    app = create_app(settings=settings, test_config={"TESTING": True})
    yield app
    engine = app.extensions["arshif"]["engine"]
    if engine is not None:
        engine.close()  # segment files are real open files: close them, don't leave them to the GC


@pytest.fixture(scope="module", autouse=True)
def _close_module_engines():
    """Close the engines a test module left open (apps built per test keep theirs) and collect them at
    the module's end: an engine caught in a reference cycle is finalised in arbitrary order with its
    files, so a later module's garbage collection would warn about the files (an error under
    filterwarnings=error)."""
    yield
    import gc

    from search.engine import Engine

    for obj in gc.get_objects():
        if isinstance(obj, Engine):
            obj.close()
    gc.collect()


@pytest.fixture(scope="session", autouse=True)
def _close_dropped_engines():
    """Engines dropped without close() release their files in __del__; collect them before the session ends."""
    yield
    import gc

    gc.collect()


@pytest.fixture()
def client(app):
    """Flask test client."""
    return app.test_client()
