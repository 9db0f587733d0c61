"""French (and English) chain: input -> tokens tables, elision, compounds, stop words, accent folding."""
from __future__ import annotations

import pickle

import pytest

from search import analysis
from search.filters import latin_stem
from search.normalize import fold_latin
from search.stopwords import ENGLISH_STOP, FRENCH_STOP


def fr(text: str, mode: str = "query") -> list[str]:
    return analysis.tokens(text, "fr", mode)


def en(text: str, mode: str = "query") -> list[str]:
    return analysis.tokens(text, "en", mode)


FRENCH_TABLE = [
    ("coopération", ["cooper"]),
    ("cooperation", ["cooper"]),
    ("Coopérations", ["cooper"]),
    ("l'intégration", ["integr"]),
    ("l'integration", ["integr"]),
    ("L’Intégration", ["integr"]),
    ("d'Afrique", ["afriqu"]),
    ("qu'il", []),
    ("jusqu'à", []),
    ("lorsqu'elle", []),
    ("puisqu'aucun", []),
    ("aujourd'hui", ["aujourdhui"]),
    ("sécuritaires", ["securitair"]),
    ("securitaires", ["securitair"]),
    ("régionales", ["regional"]),
    ("regionales", ["regional"]),
    ("Marocains résidant à l'étranger", ["marocain", "resid", "etrang"]),
    ("le comité de pilotage", ["comit", "pilotag"]),
    ("Tanger-Tétouan", ["tang", "tetouan"]),
    ("tanger-tetouan", ["tang", "tetouan"]),
    ("Tanger\u2011Tétouan", ["tang", "tetouan"]),
    ("c'est-à-dire", ["dir"]),
    ("Quel est le rôle de la Fondation Hassan II ?", ["rol", "fondat", "hassan", "ii"]),
    ("ŒUVRES", ["oeuvr"]),
    ("ﬁnancement", ["financ"]),
    ("programme 2023-2027", ["programm", "2023", "2027"]),
    ("coopé\u00adration", ["cooper"]),  # soft hyphen inside a PDF word
    ("e\u0301migration", ["emigr"]),  # decomposed accent
]


@pytest.mark.parametrize(("text", "expected"), FRENCH_TABLE)
def test_french_table(text: str, expected: list[str]) -> None:
    assert fr(text) == expected


ENGLISH_TABLE = [
    ("The Ministry's programmes", ["ministri", "programm"]),
    ("migrants and their families", ["migrant", "famili"]),
    ("running", ["run"]),
    ("Morocco’s cooperation", ["morocco", "cooper"]),
    ("don't", ["dont"]),
    ("Tanger-Tétouan", ["tanger", "tetouan"]),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH_TABLE)
def test_english_table(text: str, expected: list[str]) -> None:
    assert en(text) == expected


def test_french_and_english_lists_differ() -> None:
    assert "le" in FRENCH_STOP and "le" not in ENGLISH_STOP
    assert "the" in ENGLISH_STOP and "the" not in FRENCH_STOP
    assert fr("the")  # English stop words are NOT removed from French fields
    assert en("le") == ["le"]


def test_stop_list_catches_unaccented_variants() -> None:
    assert {"où", "ou", "être", "etre", "très", "tres"} <= FRENCH_STOP


@pytest.mark.parametrize(
    ("accented", "bare"),
    [
        ("sécuritaires", "securitaires"),
        ("coopération", "cooperation"),
        ("régionales", "regionales"),
        ("intégration", "integration"),
        ("première", "premiere"),
        ("université", "universite"),
        ("créée", "creee"),
        ("après", "apres"),
    ],
)
def test_accent_variants_share_a_term(accented: str, bare: str) -> None:
    assert fr(accented) == fr(bare)
    assert en(accented) == en(bare)


def test_fold_before_stem_measurement() -> None:
    """The measurement that chose the order: stemming the accented word then folding gives a
    different stem than the unaccented spelling for words like première/premiere (the Snowball
    rules read é/è); folding first makes the two spellings one term by construction."""
    stem_then_fold = lambda w: fold_latin(latin_stem(w, "fr"))  # noqa: E731
    fold_then_stem = lambda w: latin_stem(fold_latin(w), "fr")  # noqa: E731
    words = ["première", "université", "après", "arrivée", "majorité", "dernière"]
    assert all(stem_then_fold(w) != stem_then_fold(fold_latin(w)) for w in words)
    assert all(fold_then_stem(w) == fold_then_stem(fold_latin(w)) for w in words)
    for a, b in [("sécuritaires", "securitaires"), ("coopération", "cooperation"), ("régionales", "regionales")]:
        assert stem_then_fold(a) == stem_then_fold(b)  # both orders agree on the three pairs asked for
        assert fold_then_stem(a) == fold_then_stem(b)


def test_positions_renumbered_over_stop_words() -> None:
    idx = analysis.positioned_tokens("le comité de pilotage", "fr", "index")
    qry = analysis.positioned_tokens("comité de pilotage", "fr", "query")
    assert [p for _, p in idx] == [0, 1]
    assert [p for _, p in qry] == [0, 1]


def test_compound_joined_form_only_at_index_time() -> None:
    idx = analysis.positioned_tokens("la région Tanger-Tétouan-Al Hoceima", "fr", "index")
    assert ("tangertetouanal", 3) in idx
    assert [t for t, _ in idx if t != "tangertetouanal"] == fr("la région Tanger-Tétouan-Al Hoceima")
    assert "tangertetouanal" not in fr("Tanger-Tétouan-Al")
    # the joined form never takes a position of its own: what follows keeps the query's spacing
    assert [p for t, p in idx if t == "hoceim"] == [4]
    assert analysis.positioned_tokens("X peut-être Y", "fr", "index")[-1][1] == 0


def test_elision_moves_start_offset_past_article() -> None:
    text = "Vers l'intégration"
    toks = [(t.text, t.startchar, t.endchar) for t in analysis.analyzer("fr")(text, chars=True)]
    assert toks == [("integr", 7, 18)]
    assert text[7:18] == "intégration"


def test_hyphen_parts_carry_their_own_offsets() -> None:
    text = "Tanger-Tétouan"
    toks = [(t.text, text[t.startchar:t.endchar]) for t in analysis.analyzer("fr")(text, chars=True, mode="index")]
    assert toks == [("tang", "Tanger"), ("tetouan", "Tétouan"), ("tangertetouan", "Tanger-Tétouan")]


def test_analyzers_are_picklable_and_comparable() -> None:
    a = analysis.analyzer("fr")
    b = pickle.loads(pickle.dumps(a))
    assert a == b
    assert a == analysis.build_analyzer("fr")
    assert a != analysis.analyzer("en")
    assert a != analysis.build_analyzer("fr", fold_before_stem=not analysis.FOLD_BEFORE_STEM)
    assert [t.text for t in b("Coopérations régionales")] == fr("Coopérations régionales")


def test_unknown_language_falls_back_to_french() -> None:
    assert analysis.tokens("les coopérations", "de") == fr("les coopérations")


def test_version_is_a_string() -> None:
    assert isinstance(analysis.ANALYSIS_VERSION, str) and analysis.ANALYSIS_VERSION
    assert analysis.TEXT_LANGS == ("fr", "en")
