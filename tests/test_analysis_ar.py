"""Arabic chain: Lucene's normaliser/stemmer cases, Arshif's extra rules, offsets into vocalised text."""
from __future__ import annotations

import pytest
from whoosh.analysis import Analyzer

from search import analysis, arabic_stem
from search.filters import ArabicNormalizeFilter, ArabicStemFilter, ScriptTokenizer
from search.normalize import normalize_arabic


def ar(text: str, mode: str = "query") -> list[str]:
    return analysis.tokens(text, "fr", mode)


def normalized_only(text: str) -> list[str]:
    chain: Analyzer = ScriptTokenizer() | ArabicNormalizeFilter()
    return [t.text for t in chain(text)]


# Normaliser cases (the kinds Lucene's ArabicNormalizationFilter tests): one table, before stemming.
NORMALIZER_TABLE = [
    ("آجن", "اجن"),  # alef madda
    ("أحمد", "احمد"),  # hamza above
    ("إعاذ", "اعاذ"),  # hamza below
    ("ٱلحمد", "الحمد"),  # alef wasla
    ("بنى", "بني"),  # alef maksura
    ("فاطمة", "فاطمه"),  # teh marbuta
    ("روبرـــــت", "روبرت"),  # tatweel
    ("مَبنا", "مبنا"),  # fatha
    ("علِي", "علي"),  # kasra
    ("بُوات", "بوات"),  # damma
    ("ولداً", "ولدا"),  # fathatan
    ("ولدٍ", "ولد"),  # kasratan
    ("ولدٌ", "ولد"),  # dammatan
    ("نلْسون", "نلسون"),  # sukun
    ("هتميّ", "هتمي"),  # shadda
    ("مسؤول", "مسوول"),  # hamza on waw typed bare (beyond Lucene)
    ("رئيس", "رييس"),  # hamza on yeh typed bare (beyond Lucene)
    ("١٢٣٤", "1234"),  # Arabic-Indic digits
    ("۲۰۲۳", "2023"),  # Eastern/Persian digits
    ("ﺍﻟﻤﻐﺮﺏ", "المغرب"),  # presentation forms B
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZER_TABLE)
def test_normalizer_table(raw: str, expected: str) -> None:
    assert normalized_only(raw) == [expected]
    assert normalize_arabic(raw) == expected


# Stemmer cases (the kinds Lucene's ArabicStemFilter tests), on folded words.
STEMMER_TABLE = [
    ("الحسن", "حسن"),
    ("والحسن", "حسن"),
    ("بالحسن", "حسن"),
    ("كالحسن", "حسن"),
    ("فالحسن", "حسن"),
    ("للاخر", "اخر"),
    ("وحسن", "حسن"),
    ("زوجها", "زوج"),
    ("ساهدان", "ساهد"),
    ("ساهدات", "ساهد"),
    ("ساهدون", "ساهد"),
    ("ساهدين", "ساهد"),
    ("ساهديه", "ساهد"),
    ("ساهدية", "ساهد"),
    ("ساهده", "ساهد"),
    ("ساهدة", "ساهد"),
    ("ساهدي", "ساهد"),
    ("وساهدون", "ساهد"),
    ("ساهدهات", "ساهد"),
    ("الو", "الو"),  # too short to lose its ال
    ("وها", "وها"),  # too short to lose و
    ("أمريكيين", "امريك"),
    ("الكتاب", "كتاب"),
]


@pytest.mark.parametrize(("word", "expected"), STEMMER_TABLE)
def test_stemmer_table_lucene_mode(word: str, expected: str) -> None:
    assert arabic_stem.stem(normalize_arabic(word), False, False) == expected


@pytest.mark.parametrize(("word", "expected"), STEMMER_TABLE)
def test_stemmer_table_arshif_mode(word: str, expected: str) -> None:
    assert arabic_stem.stem(normalize_arabic(word)) == expected


# The whole chain (as indexed and queried).
CHAIN_TABLE = [
    ("آجن", ["اجن"]),
    ("أحمد", ["احمد"]),
    ("فاطمة", ["فاطم"]),
    ("مَبنا", ["مبن"]),  # Lucene keeps مبنا; our accusative-alef rule drops the final alef
    ("والحسن", ["حسن"]),
    ("للاخر", ["اخر"]),
    ("زوجها", ["زوج"]),
    ("ساهدون", ["ساهد"]),
    ("أمريكيين", ["امريك"]),
    ("الكتاب", ["كتاب"]),
    ("١٢٣٤", ["1234"]),
    ("إسلام", ["اسلام"]),
    ("اسلام", ["اسلام"]),
    ("مدرسة", ["مدرس"]),
    ("مدرسه", ["مدرس"]),
    ("والمهاجرين", ["مهاجر"]),
    ("مهاجرين", ["مهاجر"]),
    ("الْمَدْرَسَةُ", ["مدرس"]),
    ("مغاربة العالم", ["مغارب", "عالم"]),
    ("ما هي عاصمة المغرب؟", ["عاصم", "مغرب"]),
    ("في إطار البرنامج", ["اطار", "برنامج"]),
    ("ﻻجئين", ["لاج"]),  # ligature lam-alef + hamza on yeh
]


@pytest.mark.parametrize(("text", "expected"), CHAIN_TABLE)
def test_chain_table(text: str, expected: list[str]) -> None:
    assert ar(text) == expected
    assert analysis.tokens(text, "en") == expected  # Arabic goes to the same chain in both fields


@pytest.mark.parametrize(
    "variants",
    [
        ("ألمانيا", "المانيا", "الألمانية", "بالألمانية", "ألمانية"),  # hamza-less المانيا looks like ال+مانيا
        ("التزام", "الالتزام", "بالالتزام"),  # form-VIII noun starting with ال
        ("إلكتروني", "الكتروني", "الإلكترونية"),
        ("اجتماعاً", "اجتماعا", "اجتماع", "الاجتماع"),  # accusative tanween + alef
        ("مسؤول", "مسوول", "المسؤول"),  # ؤ typed as و
        ("رئيس", "رييس", "الرئيس"),  # ئ typed as ي
        ("مدرسة", "مدرسه", "المدرسة"),
        ("إسلام", "اسلام", "الإسلام"),
        ("وزير", "الوزير", "ووزير", "والوزير"),  # و of وزير is a root letter (protected list)
        ("وزارة", "الوزارة", "ووزارة", "بالوزارة"),
    ],
)
def test_variants_meet(variants: tuple[str, ...]) -> None:
    terms = {tuple(ar(v)) for v in variants}
    assert len(terms) == 1, terms


def test_extra_rules_are_what_makes_variants_meet() -> None:
    """Without the repeated-article and accusative-alef rules (Lucene), the same variants miss."""
    lucene = analysis.build_analyzer(
        "fr",
        arabic_normalize=ArabicNormalizeFilter(hamza_seats=False, persian=False),
        arabic_stem=ArabicStemFilter(repeat_article=False, accusative_alef=False),
    )

    def luc(text: str) -> list[str]:
        return [t.text for t in lucene(text)]

    assert luc("المانيا") != luc("الألمانية")
    assert luc("التزام") != luc("الالتزام")
    assert luc("اجتماعا") != luc("اجتماع")
    assert luc("مسوول") != luc("مسؤول")


def test_protected_waw_words_do_not_meet_other_roots() -> None:
    assert ar("وزارة") != ar("زار")  # ministry vs visited
    assert ar("وقال") == ar("قال")  # the conjunction is still removed elsewhere


def test_stems_keep_at_least_two_letters() -> None:
    for word in ("الم", "ولد", "بها", "يه", "اا", "والا", "لها", "انا", "كتبا"):
        assert len(arabic_stem.stem(normalize_arabic(word))) >= 2


def test_vocalised_word_offsets_point_to_original() -> None:
    text = "زار وزيرُ الخارجيّةِ مدينةَ طنجة"
    toks = [(t.text, text[t.startchar:t.endchar]) for t in analysis.analyzer("fr")(text, chars=True)]
    assert toks == [
        ("زار", "زار"),
        ("وزير", "وزيرُ"),
        ("خارج", "الخارجيّةِ"),
        ("مدين", "مدينةَ"),
        ("طنج", "طنجة"),
    ]


def test_vocalised_word_is_one_token() -> None:
    """Whoosh's default pattern breaks harakat-bearing words into letters; ours must not."""
    assert ar("الْمُهَاجِرِينَ") == ["مهاجر"]
    assert ar("اجْتِمَاعٌ") == ["اجتماع"]


def test_presentation_form_offsets() -> None:
    text = "ﺍﻟﻤﻐﺮﺏ و ﷺ"
    toks = [(t.text, t.pos, text[t.startchar:t.endchar]) for t in analysis.analyzer("fr")(text, chars=True, positions=True)]
    assert toks[0] == ("مغرب", 0, "ﺍﻟﻤﻐﺮﺏ")
    # the expanded ligature gives one token per word, each spanning the ligature
    assert [t for t, _, _ in toks[1:]] == ["صل", "له", "سلم"]
    assert {s for _, _, s in toks[1:]} == {"ﷺ"}
    assert [p for _, p, _ in toks] == [0, 1, 2, 3]


def test_stop_words_removed() -> None:
    assert ar("من هو الذي كان في هذه المدينة") == ["مدين"]
    assert ar("ماهي متى متي فى هى") == []
