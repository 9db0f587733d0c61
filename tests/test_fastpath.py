"""FastIndex answers exactly what plain Whoosh answers: hit sets, facet counts, top 10 (real index)."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
import numpy as np
import pytest
from whoosh import query as Q
from whoosh import scoring

from tests.conftest import REALDOCS, make_settings

FACETS = ("lang", "type", "program", "partner", "region", "country", "year", "visibility")
QUERIES = ("migration", "الهجرة", "programme national", "rapport migrants", "migr*", "-de migration", "\"en effet\"", "ministère OR وزارة", "title:rapport", "date:[2010 TO 2015]")


@pytest.fixture(scope="module")
def fast_index(tmp_path_factory: pytest.TempPathFactory):
    """A 600-document generated archive indexed by the real pipeline with 2 workers (multi-segment)."""
    if not REALDOCS.exists():
        pytest.skip("the generator needs ../shared/realdocs")
    from benchmarks.gen_corpus import TAXONOMY_NAME, generate
    from indexer.pipeline import run_index
    from whoosh import index as whoosh_index

    root = tmp_path_factory.mktemp("fastcorpus")
    corpus = root / "docs"
    generate(corpus, 600, seed=3, words=150)
    (corpus / "taxonomy.toml").write_text((corpus / TAXONOMY_NAME).read_text(encoding="utf-8"), encoding="utf-8")
    settings = replace(make_settings(corpus, root / "var" / "index"), workers=2)
    run_index(settings)
    ix = whoosh_index.open_dir(str(settings.index_dir))
    searcher = ix.searcher(weighting=scoring.BM25F())
    from search.fastpath import FastIndex

    yield searcher, FastIndex(searcher, FACETS)
    searcher.close()


def _parsed(searcher, text: str):
    from search.query import build_query
    from search.suggest import IndexVocabulary

    return build_query(text, vocab=IndexVocabulary(searcher))


@pytest.mark.parametrize("text", QUERIES)
def test_hits_equal_whoosh(fast_index, text: str):
    searcher, fast = fast_index
    query = _parsed(searcher, text).query
    assert sorted(searcher.docs_for_query(query)) == fast.hits(query).tolist()


@pytest.mark.parametrize("text", QUERIES)
def test_top10_equals_whoosh_collector(fast_index, text: str):
    searcher, fast = fast_index
    parsed = _parsed(searcher, text)
    hits = fast.hits(parsed.query)
    for query in (parsed.query, parsed.rank_query):
        expected = [(h.docnum, round(h.score, 6)) for h in searcher.search(query, filter=set(hits.tolist()), limit=10)]
        got = [(d, round(s, 6)) for d, s in fast.top_k(query, hits, 10)]
        assert got == expected


def test_term_scoring_is_done_on_arrays(fast_index):
    searcher, fast = fast_index
    assert fast.scorable(_parsed(searcher, "migration").query)
    assert fast.scorable(Q.Phrase("body_fr", ["en", "effet"]))  # positions checked on the candidates
    assert not fast.scorable(Q.TermRange("date", "2010", "2012"))


@pytest.mark.parametrize("name", FACETS)
def test_facet_counts_equal_stored_values(fast_index, name: str):
    searcher, fast = fast_index
    hits = fast.hits(_parsed(searcher, "migration").query)
    expected = Counter(v for d in hits.tolist() for v in (searcher.stored_fields(d).get(name) or "").split(",") if v)
    assert fast.facet_counts(name, hits) == dict(expected)


def test_filters_are_the_facet_arrays(fast_index):
    searcher, fast = fast_index
    ids = fast.docs_with("lang", ("ar",))
    assert ids.tolist() == sorted(searcher.docs_for_query(Q.Term("lang", "ar")))
    assert fast.docs_with("lang", ("nope",)).tolist() == []


def test_facet_table_keeps_its_public_methods(fast_index):
    from search.facets import FacetTable

    searcher, fast = fast_index
    table = FacetTable.build(searcher, ("lang", "year"))
    docs = set(searcher.docs_for_query(Q.Term("lang", "fr")))
    assert table.docs_with("lang", ("fr",)) == frozenset(docs)
    assert table.counts("year", docs) == table.counts("year", np.array(sorted(docs)))


def test_date_sort_matches_whoosh_keys(fast_index):
    searcher, fast = fast_index
    hits = fast.hits(None)
    newest = fast.top_k(None, hits, 10, sort="-date")
    keys = [searcher.stored_fields(d).get("date", "") for d, _ in newest]
    expected = [h.get("date", "") for h in searcher.search(Q.Every(), sortedby="date", reverse=True, limit=10)]
    assert keys == expected


def test_intersect_sorted_equals_numpy_on_every_size_mix() -> None:
    import numpy as np

    from search.fastpath import intersect_sorted

    rng = np.random.default_rng(5)
    for small, large in ((0, 10), (1, 1), (3, 5000), (200, 5000), (4000, 5000), (5000, 0)):
        a = np.sort(rng.choice(20000, small, replace=False)).astype(np.int32)
        b = np.sort(rng.choice(20000, large, replace=False)).astype(np.int32)
        want = np.intersect1d(a, b, assume_unique=True).tolist()
        assert intersect_sorted(a, b).tolist() == want and intersect_sorted(b, a).tolist() == want


def test_a_phrase_found_in_one_field_scores_only_where_it_stands(tmp_path) -> None:
    """The ranking reuses the hit set's phrase decisions: a document holding the phrase in its title
    and the same words apart in its body gets no body score for it (as Whoosh's phrase matcher)."""
    from indexer.pipeline import run_index
    from whoosh import index as whoosh_index

    from search.fastpath import FastIndex

    corpus = tmp_path / "docs"
    corpus.mkdir()
    scattered = "Le pilotage des projets revient au ministère. " * 3 + "Un comité se réunit chaque année. " * 3
    texts = {
        "a.txt": "Comité de pilotage du programme\n\n" + scattered,
        "b.txt": "Note de synthèse\n\nLa réunion du comité de pilotage a eu lieu à Rabat. " + scattered,
        "c.txt": "Rapport annuel\n\n" + scattered,
        "d.txt": "Pilotage et comité\n\nLe comité de pilotage et le comité de pilotage régional. ",
    }
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        fast = FastIndex(searcher, FACETS)
        parsed = _parsed(searcher, '"comité de pilotage"')
        fast.begin_request()
        hits = fast.hits(parsed.query)
        paths = {searcher.stored_fields(d)["path"] for d in hits.tolist()}
        assert paths == {"a.txt", "b.txt", "d.txt"}
        for query in (parsed.query, parsed.rank_query):
            expected = [(h.docnum, round(h.score, 6)) for h in searcher.search(query, filter=set(hits.tolist()), limit=10)]
            assert [(d, round(s, 6)) for d, s in fast.top_k(query, hits, 10)] == expected
    ix.close()


def test_facets_counted_together_equal_each_counted_alone(fast_index):
    searcher, fast = fast_index
    rng = np.random.default_rng(9)
    names = tuple(n for n in FACETS if n in fast.facets)
    assert len(names) >= 5
    for size in (1, 2, 5, 9, 40, 300):
        for _ in range(20):
            docs = np.sort(rng.choice(fast.size, size, replace=False)).astype(np.int32)
            together = fast.facet_counts_many(names, docs)
            assert together == {n: fast.facet_counts(n, docs) for n in names}
    assert fast.facet_counts_many(names, np.zeros(0, dtype=np.int32)) == {n: {} for n in names}


def test_stored_fields_equal_whoosh_for_every_document(fast_index):
    searcher, fast = fast_index
    for docnum in range(fast.size):
        assert fast.stored_fields(docnum) == searcher.stored_fields(docnum)
