"""Languages per document and per block: script first, then a detector on Latin text."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.language import LangInfo, detect_languages

SHARED = Path(__file__).resolve().parents[2] / "shared"

FR = (
    "Le ministère chargé des Marocains résidant à l'étranger a présenté hier le bilan de l'opération "
    "de transit de l'été. Les services consulaires ont accueilli les familles dans les ports et les "
    "aéroports, et les équipes médicales ont assuré une permanence jour et nuit pendant toute la saison."
)
FR2 = (
    "La convention prévoit un accompagnement des jeunes porteurs de projets de l'Oriental et du "
    "Souss, avec des formations, un suivi personnalisé et un fonds de garantie."
)
EN = (
    "The ministry in charge of Moroccans living abroad presented the results of the summer transit "
    "operation yesterday. Consular services welcomed families in ports and airports, and medical teams "
    "were on duty day and night throughout the whole season."
)
AR = (
    "قدمت الوزارة المكلفة بالمغاربة المقيمين بالخارج أمس حصيلة عملية العبور الصيفية، حيث استقبلت "
    "المصالح القنصلية الأسر في الموانئ والمطارات، وأمنت الفرق الطبية مداومة ليلا ونهارا طيلة الموسم."
)
AR2 = (
    "وتنص الاتفاقية على مواكبة الشباب حاملي المشاريع في جهتي الشرق وسوس من خلال التكوين والتتبع "
    "الشخصي وصندوق للضمان لفائدة المقاولات الصغيرة والمتوسطة."
)


@pytest.mark.parametrize(
    ("text", "hint", "primary", "langs"),
    [
        (FR, None, "fr", ("fr",)),
        (FR + "\n\n" + FR2, None, "fr", ("fr",)),
        (EN, None, "en", ("en",)),
        (AR, None, "ar", ("ar",)),
        (AR + "\n\n" + AR2, None, "ar", ("ar",)),
        # a bilingual agreement: French part then Arabic part, both substantial
        (FR + "\n" + FR2 + "\n\n" + AR + "\n" + AR2, None, "fr", ("fr", "ar")),
        (AR + "\n" + AR2 + "\n\n" + FR, None, "ar", ("ar", "fr")),
        # French text quoting a short Arabic title stays French
        (FR + "\n« بلاغ صحفي حول عملية مرحبا »\n" + FR2, None, "fr", ("fr",)),
        # Arabic with Latin acronyms and numbers stays Arabic
        ("أطلقت الوزارة برنامج PRIM سنة 2023 بشراكة مع GIZ و OIM لفائدة الجهات", None, "ar", ("ar",)),
        (AR + " (PRIM, GIZ, 2023)", None, "ar", ("ar",)),
        # a French page with an English paragraph long enough to count
        (FR + "\n\n" + EN, None, "fr", ("fr", "en")),
        # very short or letterless text is undetermined
        ("", None, "und", ()),
        ("2023 — 12/05 : 45 %", None, "und", ()),
        ("ok", None, "und", ()),
        ("https://www.example.org/page?id=3", None, "und", ()),
        # short Latin text follows the declared language
        ("Rapport annuel 2017", "fr", "fr", ("fr",)),
        ("Annual report 2017", "en", "en", ("en",)),
        ("بلاغ", None, "ar", ("ar",)),
    ],
)
def test_detect_languages(text: str, hint: str | None, primary: str, langs: tuple[str, ...]) -> None:
    info = detect_languages(text, hint)
    assert (info.primary, info.langs) == (primary, langs)


def test_blocks_are_language_runs() -> None:
    text = FR + "\n\n" + AR + "\n\n" + FR2
    info = detect_languages(text)
    assert [lang for lang, _ in info.blocks] == ["fr", "ar", "fr"]
    assert info.blocks[1][1] == text.index(AR[:20])
    assert info.blocks[2][1] == text.index(FR2[:20])


def test_short_latin_heading_in_french_document_stays_french() -> None:
    text = "Liverpool égale un record de Manchester City\n\n" + FR
    assert detect_languages(text).blocks == (("fr", 0),)


def test_same_input_same_output() -> None:
    text = FR + "\n" + EN + "\n" + AR
    assert len({detect_languages(text) for _ in range(5)}) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([FR, FR2, EN, AR, AR2, "", "12 345", "PRIM 2023", "\f"]), max_size=6))
def test_runs_cover_text_in_order(parts: list[str]) -> None:
    text = "\n\n".join(parts)
    info = detect_languages(text)
    starts = [start for _, start in info.blocks]
    assert starts == sorted(set(starts))
    assert not starts or starts[0] == 0
    assert all(0 <= s < max(len(text), 1) for s in starts)
    assert all(a != b for (a, _), (b, _) in zip(info.blocks, info.blocks[1:]))
    assert (info.primary == "und") == (info.langs == ())
    assert not info.langs or info.langs[0] == info.primary


def test_langinfo_is_frozen() -> None:
    info = detect_languages(FR)
    with pytest.raises(AttributeError):
        info.primary = "ar"  # type: ignore[misc]
    assert isinstance(info, LangInfo)


def _realdocs() -> Path:
    path = SHARED / "realdocs" / "archive"
    if not (path / "MANIFEST.tsv").is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.parametrize("lang", ["fr", "ar", "fr+ar"])
def test_real_archive_documents(lang: str) -> None:
    root = _realdocs()
    rows = [line.split("\t") for line in (root / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    paths = [r[0] for r in rows if r[1] == lang and r[2] == "txt"][:20]
    assert paths, f"no {lang} txt document in the manifest"
    expected = set(lang.split("+"))
    for rel in paths:
        info = detect_languages((root / rel).read_text(encoding="utf-8"))
        assert set(info.langs) == expected, rel
