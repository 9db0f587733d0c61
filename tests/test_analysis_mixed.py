"""Mixed scripts, highlighting of the original text, and phrase queries on a real (RAM) index."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import highlight
from whoosh import query as Q
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search import analysis


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("برنامج PRIM مع GIZ سنة 2023", "fr", ["برنامج", "prim", "giz", "سن", "2023"]),
        ("برنامج PRIM مع GIZ سنة ٢٠٢٣", "fr", ["برنامج", "prim", "giz", "سن", "2023"]),
        ("Le rapport « مغاربة العالم » des coopérations", "fr", ["rapport", "مغارب", "عالم", "cooper"]),
        ("The report « مغاربة العالم » on cooperation", "en", ["report", "مغارب", "عالم", "cooper"]),
        ("المغربPRIM2023", "fr", ["مغرب", "prim2023"]),  # scripts glued together are split
        ("les migrants والمهاجرين", "fr", ["migr", "مهاجر"]),
        ("the migrants والمهاجرين", "en", ["migrant", "مهاجر"]),
    ],
)
def test_mixed_script_routing(text: str, lang: str, expected: list[str]) -> None:
    assert analysis.tokens(text, lang) == expected


def test_each_script_gets_its_own_stop_list() -> None:
    assert analysis.tokens("في le و the", "fr") == ["the"]
    assert analysis.tokens("في le و the", "en") == ["le"]


def test_latin_tokens_follow_field_language() -> None:
    assert analysis.tokens("nations", "fr") == ["nation"]
    assert analysis.tokens("nations", "en") == ["nation"]
    assert analysis.tokens("mangeaient running", "fr") == ["mang", "running"]
    assert analysis.tokens("mangeaient running", "en") == ["mangeaient", "run"]


# --- a tiny index --------------------------------------------------------------------------------

DOCS = {
    "fr1": "Réunion du comité de pilotage de la coopération régionale à Tanger-Tétouan.",
    "fr2": "L’intégration des Marocains résidant à l’étranger : bilan sécuritaire.",
    "fr3": "Le comité a visité Tanger puis le pilotage fut confié à Tétouan.",
    "ar1": "اجتمعت اللَّجْنَةُ مع مَغَارِبَةِ العَالَمِ في إطار برنامج PRIM سنة ٢٠٢٣.",
    "ar2": "زار الوفد الألمانية والمدرسة الإسلامية لدعم المهاجرين.",
    "ar3": "العالم مغاربة وفد آخر.",
}


@pytest.fixture(scope="module")
def ix():  # type: ignore[no-untyped-def]
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=STORED(),
        body_fr=TEXT(analyzer=analysis.analyzer("fr"), phrase=True),
    )
    index = RamStorage().create_index(schema)
    with index.writer() as w:
        for did, text in DOCS.items():
            w.add_document(id=did, body=text, body_fr=text)
    return index


def _search(ix, q: Q.Query) -> set[str]:  # type: ignore[no-untyped-def]
    with ix.searcher() as s:
        return {hit["id"] for hit in s.search(q, limit=None)}


def _any(text: str) -> Q.Query:
    return Q.Or([Q.Term("body_fr", t) for t in analysis.tokens(text, "fr")])


def _all(text: str) -> Q.Query:
    return Q.And([Q.Term("body_fr", t) for t in analysis.tokens(text, "fr")])


def _phrase(text: str) -> Q.Query:
    toks = analysis.tokens(text, "fr")
    return Q.Phrase("body_fr", toks)


@pytest.mark.parametrize(
    ("user_text", "expected"),
    [
        ("cooperation", {"fr1"}),
        ("l'integration", {"fr2"}),
        ("securitaire", {"fr2"}),
        ("Tanger", {"fr1", "fr3"}),
        ("Tétouan", {"fr1", "fr3"}),
        ("tangertetouan", {"fr1"}),
        ("اسلام", {"ar2"}),
        ("مدرسه", {"ar2"}),
        ("مهاجرين", {"ar2"}),
        ("المانيا", {"ar2"}),
        ("ألمانيا", {"ar2"}),
        ("2023", {"ar1"}),
        ("prim", {"ar1"}),
        ("لجنة", {"ar1"}),
    ],
)
def test_variants_find_the_document(ix, user_text: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert _search(ix, _all(user_text)) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("comité de pilotage", {"fr1"}),  # stop word inside, same chain at query time
        ("comité pilotage", {"fr1"}),
        ("tanger-tetouan", {"fr1"}),
        ("Tanger Tétouan", {"fr1"}),
        ("coopération régionale", {"fr1"}),
        ("مغاربة العالم", {"ar1"}),
        ("مغاربه العالم", {"ar1"}),
        ("العالم مغاربة", {"ar3"}),
        ("programme PRIM", set()),
    ],
)
def test_phrase_queries(ix, phrase: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert _search(ix, _phrase(phrase)) == expected


def test_and_query_matches_more_than_phrase(ix) -> None:  # type: ignore[no-untyped-def]
    assert _search(ix, _all("comité pilotage")) == {"fr1", "fr3"}


@pytest.mark.parametrize(
    ("doc", "user_text", "original"),
    [
        ("fr1", "cooperation", "coopération"),
        ("fr2", "l'integration", "intégration"),
        ("fr1", "tetouan", "Tétouan"),
        ("ar1", "لجنة", "اللَّجْنَةُ"),
        ("ar1", "مغاربة", "مَغَارِبَةِ"),
        ("ar1", "2023", "٢٠٢٣"),
        ("ar2", "المانيا", "الألمانية"),
    ],
)
def test_highlight_shows_original_text(ix, doc: str, user_text: str, original: str) -> None:  # type: ignore[no-untyped-def]
    with ix.searcher() as s:
        results = s.search(Q.And([Q.Term("id", doc), _any(user_text)]), terms=True)
        assert len(results) == 1
        results.fragmenter = highlight.WholeFragmenter()
        results.formatter = highlight.HtmlFormatter(tagname="b")
        snippet = results[0].highlights("body_fr", text=DOCS[doc])
    assert f">{original}</b>" in snippet, snippet


def test_highlight_function_on_raw_text() -> None:
    text = "Les Marocains résidant à l’étranger soutiennent la coopération."
    terms = set(analysis.tokens("cooperation etranger", "fr"))
    out = highlight.highlight(
        text, terms, analysis.analyzer("fr"), highlight.WholeFragmenter(), highlight.HtmlFormatter(tagname="b")
    )
    assert ">coopération</b>" in out and ">étranger</b>" in out


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("abcéèàçœ ABC-'’ʼ ") + list("مدرسةالعالمإأآى ") + ["\u064e", "\u0651", "\u0640", "ﻻ", "ﷺ", "١", "٢", "\u00ad", "\u0301"]
        ),
        max_size=60,
    )
)
def test_offsets_and_positions_are_sane(text: str) -> None:
    for mode in ("index", "query"):
        last = -1
        for t in analysis.analyzer("fr")(text, chars=True, positions=True, mode=mode):
            assert 0 <= t.startchar < t.endchar <= len(text)
            assert t.text
            assert t.pos >= last
            last = t.pos
        # query tokens are the index tokens minus the index-only joined compounds
        idx = analysis.tokens(text, "fr", "index")
        qry = analysis.tokens(text, "fr", "query")
        assert set(qry) <= set(idx)
