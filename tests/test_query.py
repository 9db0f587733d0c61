"""The query language: syntax tree (pure) and its meaning over the real index of the tiny archive."""
from __future__ import annotations

import pytest

from search.querylang import (
    All, Any, Field, Not, Phrase, QuerySyntaxError, Range, Word, count_terms, parse, plain_words,
)


@pytest.mark.parametrize(
    "text, tree",
    [
        ("marhaba", Word("marhaba")),
        ("a b", All((Word("a"), Word("b")))),
        ("a b OR c", All((Word("a"), Any((Word("b"), Word("c")))))),
        ("a OU b", Any((Word("a"), Word("b")))),
        ("مرحبا أو أمودو", Any((Word("مرحبا"), Word("أمودو")))),
        ("a ET b", All((Word("a"), Word("b")))),
        ("a -b", All((Word("a"), Not(Word("b"))))),
        ("a NOT b", All((Word("a"), Not(Word("b"))))),
        ("a SAUF b", All((Word("a"), Not(Word("b"))))),
        ('"opération marhaba"', Phrase("opération marhaba")),
        ("«عملية مرحبا»", Phrase("عملية مرحبا")),
        ("migr*", Word("migr", prefix=True)),
        ("migrnts~", Word("migrnts", fuzz=0)),
        ("migrnts~2", Word("migrnts", fuzz=2)),
        ("(a OR b) c", All((Any((Word("a"), Word("b"))), Word("c")))),
        ("title:rapport", Field("title", Word("rapport"))),
        ("titre:rapport", Field("title", Word("rapport"))),
        ('program:"Opération Marhaba"', Field("program", Phrase("Opération Marhaba"))),
        ("partenaire:OIM", Field("partner", Word("OIM"))),
        ("date:2016", Field("date", Word("2016"))),
        ("date:[2016-01 TO 2018-06]", Field("date", Range("2016-01", "2018-06"))),
        ("date:[2019 TO *]", Field("date", Range("2019", None))),
        ("12:30 http://x.ma", All((Word("12:30"), Word("http://x.ma")))),  # unknown prefixes are words
        ("où ou", All((Word("où"), Word("ou")))),  # lower-case French words are not operators
        ("ما هو؟", All((Word("ما"), Word("هو؟")))),  # ? and ؟ are not wildcards
        ("", None),
    ],
)
def test_parse(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, needle, plain",
    [
        ("marhaba OR", "needs a word on each side", "marhaba"),
        ("OR marhaba", "needs a word on each side", "marhaba"),
        ("(marhaba", "never closed", "marhaba"),
        ("marhaba)", "closes nothing", "marhaba"),
        ('"opération marhaba', "never closed", "opération marhaba"),
        ("date:[2016 2018]", "write a range as", "2016 2018"),
        ("marhaba NOT", "must be followed", "marhaba"),
        ("title:", "needs a value", ""),
        ("*", "no letters before", ""),
        ("a~5", "the most is 2", "a"),
    ],
)
def test_unreadable_queries_say_why_and_keep_their_plain_words(text, needle, plain):
    with pytest.raises(QuerySyntaxError) as err:
        parse(text)
    assert needle in str(err.value)
    assert plain_words(text) == plain


def test_terms_are_counted_per_word_and_phrase_word():
    assert count_terms('a "b c" -d title:e') == 5


# -- meaning, over the real index -----------------------------------------------------------------

def _search(client, q: str, **params) -> dict:
    resp = client.get("/search.json", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _paths(data: dict) -> list[str]:
    return sorted(h["path"] for h in data["hits"])


MARHABA_FR = "communiques/marhaba-2019.html"
MARHABA_AR = "communiques/marhaba-2021-ar.txt"
AMUDDU = "conventions/amuddu-enabel-2018.txt"
REPORT_EN = "rapports/annual-report-2020.txt"
TAQRIR = "rapports/taqrir-2017-ar.html"
PV = "proces-verbaux/pv-prim-2016.docx"


@pytest.mark.parametrize(
    "q, paths, mode",
    [
        # a word that IS a taxonomy name also finds the documents tagged with it, in any language
        ("Marhaba OR AMUDDU", [MARHABA_FR, MARHABA_AR, AMUDDU], "all"),
        ("Marhaba OU AMUDDU", [MARHABA_FR, MARHABA_AR, AMUDDU], "all"),
        ("مرحبا أو أمودو", [MARHABA_AR, MARHABA_FR, AMUDDU], "all"),
        ("migrants -Belgique", [PV, REPORT_EN], "all"),  # the English report says Belgium: an exclusion is its words only
        ("migrants SAUF Belgique", [PV, REPORT_EN], "all"),
        ("بلاغ Marhaba date:[2019 TO *]", [MARHABA_AR], "all"),  # types are not widened: بلاغ is a word here
        ("migrants -Belgique -Belgium", [PV], "all"),
        ('"Opération Marhaba"', [MARHABA_FR, MARHABA_AR], "all"),
        ('"Marhaba Opération"', [], "all"),  # a phrase keeps its order
        ("title:rapport", [], "all"),
        ("title:report", [REPORT_EN], "all"),
        ("program:Marhaba", [MARHABA_FR, MARHABA_AR], "all"),
        ("program:مرحبا", [MARHABA_FR, MARHABA_AR], "all"),
        ("partner:OIM", [REPORT_EN, TAQRIR, PV], "all"),
        ("type:communiqué", [MARHABA_FR, MARHABA_AR], "all"),
        ("lang:ar", [MARHABA_AR, TAQRIR], "all"),
        ("lang:arabe المدرسة", [TAQRIR], "all"),
        ("langue:العربية مرحبا", [MARHABA_AR], "all"),
        ("date:2018", [AMUDDU], "all"),
        ("date:2019-06", [MARHABA_FR], "all"),
        ("date:[2017-01 TO 2018-06]", [AMUDDU, TAQRIR], "all"),
        ("date:[2020 TO *]", [MARHABA_AR, REPORT_EN], "all"),
        ("migr*", [AMUDDU, REPORT_EN, PV], "all"),
        ("مهاجر*", [TAQRIR, MARHABA_AR], "all"),
        ("migrnts~", [AMUDDU, REPORT_EN], "all"),
        ("Marhaba AMUDDU", [MARHABA_FR, MARHABA_AR, AMUDDU], "any"),  # nothing has both: any-word reading, said so
        ("ما هو؟ مرحبا", [MARHABA_AR, MARHABA_FR], "all"),
    ],
)
def test_query_language_meaning(client, q, paths, mode):
    data = _search(client, q)
    assert _paths(data) == sorted(paths)
    assert data["mode"] == mode
    assert data["total"] == len(data["hits"])  # counts and hits come from one reading


def test_any_reading_is_announced_and_counts_match_facets(client):
    data = _search(client, "Marhaba AMUDDU")
    assert data["message"].startswith("no document contains all the words")
    assert sum(v["count"] for v in data["facets"]["year"]) == data["total"]


def test_unreadable_query_is_answered_with_its_plain_words(client):
    data = _search(client, "(Marhaba")
    assert data["message"] == "a parenthesis “(” is never closed; showing the results for the plain words: Marhaba"
    assert _paths(data) == [MARHABA_FR]


def test_unknown_field_value_names_the_valid_ones(client):
    data = _search(client, "program:zzz")
    assert "no program is called “zzz”; known values: marhaba, amuddu" in data["message"]
    assert data["total"] == 0


def test_prefix_expansion_is_capped(client, monkeypatch):
    import search.query as query_mod

    monkeypatch.setattr(query_mod, "MAX_EXPANSIONS", 1)
    data = _search(client, "migr*")
    assert "only the first 1 were searched" in data["message"]


def test_phrase_proximity_ranks_close_words_first(client):
    data = _search(client, "Marhaba opération")
    assert data["hits"][0]["path"] == MARHABA_FR


def test_title_boost_and_sorts(client):
    ranked = _search(client, "migrants")
    newest = _search(client, "migrants", sort="-date")
    oldest = _search(client, "migrants", sort="date")
    dates = [h["date"] for h in newest["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert [h["date"] for h in oldest["hits"]] == sorted(dates)
    assert _paths(ranked) == _paths(newest) == _paths(oldest)


def test_empty_query_browses_newest_first(client):
    data = _search(client, "")
    assert data["total"] == 6
    assert [h["date"] for h in data["hits"]] == sorted((h["date"] for h in data["hits"]), reverse=True)


@pytest.mark.parametrize(
    "q, suggestion",
    [("migrnts", "migrant"), ("Marhabaa", "marhaba"), ("AMUDDU", None), ("Marhaba", None)],
)
def test_did_you_mean_offers_real_words(client, q, suggestion):
    assert _search(client, q)["suggestion"] == suggestion


def test_highlights_mark_the_original_words_not_stems(client):
    data = _search(client, "migrations")
    snippets = " ".join(h["snippet"] for h in data["hits"])
    assert "<mark>migration</mark>" in snippets or "<mark>migrations</mark>" in snippets
    assert "<mark>migrat</mark>" not in snippets


@pytest.mark.parametrize(
    "params, needle",
    [
        ({"q": "x" * 501}, "the limit is 500 characters"),
        ({"q": " ".join(f"w{i}" for i in range(41))}, "the limit is 40 terms"),
        ({"page": "501"}, "'page' must be a whole number between 1 and 500"),
        ({"per_page": "101"}, "'per_page' must be a whole number between 1 and 100"),
        ({"from": "2019-13"}, "'from' must be a date like 2019, 2019-07 or 2019-07-15"),
        ({"to": "2016-02-31"}, "'to' must be a date like 2019, 2019-07 or 2019-07-15, not '2016-02-31'"),
        ({"year": "abc"}, "'year' must be a year like 2019, not 'abc'"),
        ({"year": ["2019", "2019-07"]}, "'year' must be a year like 2019, not '2019-07'"),
        ({"month": "2019-13"}, "'month' must be a month like 2019-07, not '2019-13'"),
        ({"from": "2015-02-29"}, "not '2015-02-29'"),
        ({"from": "2020", "to": "2018"}, "ends before it starts"),
    ],
)
def test_limits_are_readable_400s(client, params, needle):
    resp = client.get("/search.json", query_string=params)
    assert resp.status_code == 400
    assert needle in resp.get_json()["error"]


# -- no input breaks the engine ------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

from search.errors import QueryError  # noqa: E402
from search.request import parse_request  # noqa: E402

_PIECES = st.sampled_from(
    ["marhaba", "مرحبا", "OR", "OU", "أو", "NOT", "-", "(", ")", '"', "«", "*", "~", "~2", "title:", "program:",
     "date:", "[", "]", " TO ", "2016", "lang:", "?", "؟", ":", "\\", "\x00", " "]
)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_any_query_is_answered_or_refused_readably(query_engine, text):
    engine = query_engine
    try:
        req = parse_request({"q": [text]})
    except QueryError as exc:
        assert "limit" in str(exc)
        return
    result = engine.search(req)
    assert result.total >= len(result.hits)
    assert result.message is None or isinstance(result.message, str)


@pytest.fixture(scope="module")
def query_engine(indexed):
    """One engine for every generated query, closed with the module (its segment files are real files)."""
    from search.engine import Engine
    from search.taxonomy import load_taxonomy

    settings, _ = indexed
    engine = Engine(settings.index_dir, taxonomy=load_taxonomy(settings.taxonomy))
    yield engine
    engine.close()


@pytest.mark.parametrize("excluded", ["migrants", "formation", '"réinsertion des Marocains"', "الجالية", "program:Marhaba"])
@pytest.mark.parametrize("kept", ["", "lang:fr", "lang:en", "date:[2016 TO *]"])
def test_an_exclusion_alone_leaves_out_exactly_the_documents_it_names(client, kept, excluded):
    def ids(q: str) -> set[str]:
        data = _search(client, q, per_page=100) if q else _search(client, "", per_page=100)
        return {h["id"] for h in data["hits"]}

    assert ids(excluded), excluded  # the word does find documents, so leaving them out is visible
    named = ids(f"{kept} {excluded}".strip())
    everything = ids(kept)
    assert ids(f"{kept} -{excluded}".strip()) == everything - named
    assert ids(f"{kept} NOT {excluded}".strip()) == everything - named


def test_a_leap_day_is_a_date_and_a_day_past_the_month_is_not(client):
    assert _search(client, "", **{"from": "2016-02-29"})["total"] >= 0
    data = _search(client, "date:2016-02-30 Marhaba")
    assert "is not a date" in data["message"] and data["query"] == "date:2016-02-30 Marhaba"


@pytest.mark.parametrize("q", ["de", "la le de", "the of", "de the"])
def test_stop_words_of_any_language_alone_get_the_notice(client, q):
    data = _search(client, q)
    assert data["total"] == 0 and "only very common words" in data["message"], data["message"]


def test_a_stop_word_beside_real_words_is_left_out_of_every_reading(client):
    assert _paths(_search(client, "programme de AMUDDU")) == _paths(_search(client, "programme AMUDDU")) != []


def test_an_exclusion_is_its_words_only_not_the_names_tags(client):
    """"Marhaba" finds the Arabic release through its tag; "-Marhaba" leaves out what says Marhaba."""
    assert MARHABA_AR in _paths(_search(client, "Marhaba"))
    kept = _paths(_search(client, "-Marhaba"))
    assert MARHABA_AR in kept and MARHABA_FR not in kept


def test_type_names_are_words_not_widened(client):
    assert {h["lang"] for h in _search(client, "تقرير")["hits"]} == {"ar"}  # not every French report


def test_a_names_labels_are_marked_only_in_the_other_script(client):
    hits = {h["path"]: h for h in _search(client, "Marhaba")["hits"]}
    assert "<mark>Opération</mark>" not in hits[MARHABA_FR]["snippet"]  # the typed word marks itself
    assert "<mark>مرحبا</mark>" in hits[MARHABA_AR]["snippet"]
