"""Tables for the pure normalisation steps (search.normalize)."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import normalize as N


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مَبْنًى", "مبنى"),  # fatha, sukun, tanween
        ("عَلِيٌّ", "علي"),  # kasra, damma, shadda, dammatan
        ("روبرـــــت", "روبرت"),  # tatweel
        ("هٰذا", "هذا"),  # superscript alef
        ("coopé\u00adration", "coopération"),  # soft hyphen from PDFs
        ("plain", "plain"),
    ],
)
def test_strip_arabic_marks(raw: str, expected: str) -> None:
    assert N.strip_arabic_marks(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("آجن", "اجن"),
        ("أحمد", "احمد"),
        ("إعلان", "اعلان"),
        ("ٱلرحمن", "الرحمن"),
        ("بنى", "بني"),
        ("فاطمة", "فاطمه"),
        ("مسؤول", "مسوول"),
        ("رئيس", "رييس"),
        ("کتاب", "كتاب"),  # Persian keheh
        ("یوم", "يوم"),  # Farsi yeh
        ("١٢٣٤", "1234"),
        ("۱۲۳۴", "1234"),
    ],
)
def test_fold_arabic(raw: str, expected: str) -> None:
    assert N.fold_arabic(raw) == expected


def test_fold_arabic_switches() -> None:
    assert N.fold_arabic("مسؤول", hamza_seats=False) == "مسؤول"
    assert N.fold_arabic("کتاب", persian=False) == "کتاب"
    assert N.fold_arabic("کتاب رئيس", hamza_seats=False, persian=False) == "کتاب رئيس"


def test_nfd_loose_hamza_folds_like_composed() -> None:
    for word in ("إسلام", "أحمد", "مسؤول", "رئيس"):
        loose = unicodedata.normalize("NFD", word)
        assert loose != word
        assert N.normalize_arabic(loose) == N.normalize_arabic(word)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﻻ", "لا"),
        ("ﷲ", "الله"),
        ("ﺍﻟﻤﻐﺮﺏ", "المغرب"),  # presentation forms B
        ("ﭼ", "چ"),  # presentation forms A
        ("ﬁnance", "finance"),
    ],
)
def test_nfkc_presentation_forms(raw: str, expected: str) -> None:
    assert N.nfkc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("coopération", "cooperation"),
        ("Sécuritaires", "Securitaires"),
        ("œuvre", "oeuvre"),
        ("Ça", "Ca"),
        ("naïve", "naive"),
        ("Tétouan", "Tetouan"),
        ("e\u0301te\u0301", "ete"),  # decomposed accents
        ("مدرسة", "مدرسة"),  # Arabic untouched
    ],
)
def test_fold_latin(raw: str, expected: str) -> None:
    assert N.fold_latin(raw) == expected


def test_normalize_surface_unifies_apostrophes_and_hyphens() -> None:
    assert N.normalize_surface("l’État") == "l'État"
    assert N.normalize_surface("lʼÉtat") == "l'État"
    assert N.normalize_surface("Tanger\u2011Tétouan") == "Tanger-Tétouan"
    assert N.normalize_surface("الْمَدْرَسَةُ") == "المدرسة"


def test_is_arabic_char() -> None:
    assert N.is_arabic_char("م") and N.is_arabic_char("ﻻ") and N.is_arabic_char("٣")
    assert not N.is_arabic_char("e") and not N.is_arabic_char("3")


@given(st.text())
def test_fold_latin_is_idempotent(text: str) -> None:
    once = N.fold_latin(text)
    assert N.fold_latin(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)))
def test_normalize_arabic_is_idempotent_and_markless(text: str) -> None:
    out = N.normalize_arabic(text)
    assert N.normalize_arabic(out) == out
    assert not (set(out) & N.ARABIC_MARKS)
