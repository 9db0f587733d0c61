"""Engine.search on arrays answers exactly what the plain Whoosh path answers, for every visitor.

The yardstick is the former engine path written out here: `docs_for_query` sets, stored-field facet
counts and `searcher.search` scored by VisibleBM25F, on a real multi-segment index (2 workers) where
a quarter of the documents are internal.
"""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import query as Q

from search.engine import Engine
from search.query import build_query, date_bound
from search.request import SearchRequest
from search.visibility import VisibleBM25F, VisibleStats
from tests.conftest import REALDOCS, make_settings

FACETS = ("lang", "type", "program", "partner", "region", "country", "year")
WHO = {"anonymous": ("public",), "staff": ("public", "internal"), "operator": None}
REQUESTS = [
    {"q": "migration"},
    {"q": "الهجرة"},
    {"q": "programme national"},
    {"q": "rapport migrants"},
    {"q": "formation professionnelle jeunes"},
    {"q": "migr*"},
    {"q": "-de migration"},
    {"q": '"en effet"'},
    {"q": '"programme national"'},
    {"q": '"en effet"', "page": 2},
    {"q": '"en effet" migration'},
    {"q": '"en effet" OR "في إطار"'},
    {"q": 'migration -"en effet"'},
    {"q": '"en effet"', "filters": {"lang": ("fr",)}},
    {"q": '"en effet"', "filters": {"year": ("2012", "2015", "2018")}},
    {"q": '"في إطار"'},
    {"q": "ministère OR وزارة"},
    {"q": "title:rapport"},
    {"q": "lang:fr migration"},
    {"q": "date:[2010 TO 2015] migration"},
    {"q": "migration", "filters": {"lang": ("fr",)}},
    {"q": "migration", "filters": {"year": ("2012", "2015")}},
    {"q": "migration", "date_from": "2011", "date_to": "2016-06"},
    {"q": "migration", "sort": "date"},
    {"q": "migration", "sort": "-date"},
    {"q": ""},
    {"q": "", "filters": {"lang": ("ar",)}},
    {"q": "migration", "page": 2},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """600 generated documents, every fourth in an internal folder, indexed with 2 workers."""
    if not REALDOCS.exists():
        pytest.skip("the generator needs ../shared/realdocs")
    from benchmarks.gen_corpus import TAXONOMY_NAME, generate
    from indexer.pipeline import run_index

    root = tmp_path_factory.mktemp("enginefast")
    corpus = root / "docs"
    generate(corpus, 600, seed=5, words=150)
    internal = corpus / "interne"
    internal.mkdir()
    (internal / "_meta.toml").write_text('visibility = "internal"\n', encoding="utf-8")
    for i, path in enumerate(sorted(corpus.glob("0000/*.txt"))):
        if i % 4 == 0:
            shutil.move(path, internal / path.name)
    (corpus / "taxonomy.toml").write_text((corpus / TAXONOMY_NAME).read_text(encoding="utf-8"), encoding="utf-8")
    settings = replace(make_settings(corpus, root / "var" / "index"), workers=2)
    run_index(settings)
    eng = Engine(Path(settings.index_dir))
    yield eng
    eng.close()


def _request(spec: dict) -> SearchRequest:
    return SearchRequest(**spec)


def _whoosh_answer(engine: Engine, req: SearchRequest, principals, mode: str):
    """(total, facet counts, top (id, score)) by the plain Whoosh path, words read in `mode`."""
    view = engine._view(principals)
    searcher = view.searcher
    visible = set(view.ids.tolist())
    stored = {d: searcher.stored_fields(d) for d in visible}
    parsed = build_query(req.q, mode=mode, vocab=view.vocab) if req.q.strip() else None
    base = visible if parsed is None else set(searcher.docs_for_query(parsed.query)) & visible
    filters = {name: {d for d in visible if set((stored[d].get(name) or "").split(",")) & set(values)} for name, values in req.filters.items()}
    if req.date_from or req.date_to:
        low = date_bound(req.date_from, end=False) if req.date_from else None
        high = date_bound(req.date_to, end=True) if req.date_to else None
        filters["date"] = set(searcher.docs_for_query(Q.TermRange("date", low, high)))
    final = set(base)
    for docs in filters.values():
        final &= docs
    facets = {}
    for name in FACETS:
        docs = set(base)
        for other, ids in filters.items():
            if other != name:
                docs &= ids
        facets[name] = dict(Counter(v for d in docs for v in (stored[d].get(name) or "").split(",") if v))
    limit = req.page * req.per_page
    kwargs: dict = {"filter": final, "limit": limit}
    ranked = parsed is not None and parsed.query is not None and parsed.words and req.sort == "relevance"
    if not ranked:
        kwargs.update(sortedby="date", reverse=req.sort != "date")
    if not final:  # Whoosh reads an empty filter set as "no filter"
        return 0, facets, []
    collector = searcher.collector(**kwargs)
    query = parsed.rank_query if ranked else Q.Every()
    searcher.search_with_collector(query, collector, context=searcher.context(weighting=VisibleBM25F(view.stats)))
    top = [(h["id"], round(float(h.score), 6) if ranked else 0.0) for h in collector.results()[(req.page - 1) * req.per_page : limit]]
    return len(final), facets, top


@pytest.mark.parametrize("who", sorted(WHO))
@pytest.mark.parametrize("spec", REQUESTS, ids=[str(r) for r in REQUESTS])
def test_engine_equals_whoosh(engine: Engine, spec: dict, who: str):
    req = _request(spec)
    result = engine.search(req, principals=WHO[who])
    total, facets, top = _whoosh_answer(engine, req, WHO[who], result.mode)
    assert result.total == total
    assert {name: {v.value: v.count for v in result.facets[name] if v.count} for name in FACETS} == facets
    got = [(h.id, h.score) for h in result.hits]
    assert [i for i, _ in got] == [i for i, _ in top]
    assert [s for _, s in got] == pytest.approx([s for _, s in top], abs=1e-4)  # Hit.score is rounded to 4 places


@pytest.mark.parametrize("who", sorted(WHO))
def test_scores_equal_visible_bm25f_to_1e6(engine: Engine, who: str):
    view = engine._view(WHO[who])
    stats = view.stats
    for text in ("migration", "rapport migrants", '"programme national"', "formation professionnelle jeunes", "lang:fr migration"):
        parsed = build_query(text, vocab=view.vocab)
        docs = view.fast.hits(parsed.query)
        docs = docs[VisibleStats(view.fast, view.ids).mask[docs]]
        collector = view.searcher.collector(filter=set(docs.tolist()), limit=10)
        view.searcher.search_with_collector(parsed.rank_query, collector, context=view.searcher.context(weighting=VisibleBM25F(stats)))
        expected = [(h.docnum, round(h.score, 6)) for h in collector.results()]
        got = [(d, round(s, 6)) for d, s in view.top(parsed.rank_query, docs, 10, "relevance")]
        assert got == expected, text


def _raw_queries() -> list[Q.Query]:
    near = Q.SpanNear2([Q.Term("body_fr", "programm"), Q.Term("body_fr", "national")], slop=5, ordered=False)
    boosted = Q.SpanNear2([Q.Term("body_fr", "programm"), Q.Term("body_fr", "national")], slop=5, ordered=False)
    boosted.boost = 2.0  # as search/query.py sets the proximity bonus
    either = Q.Or([near, Q.SpanNear2([Q.Term("title_fr", "programm"), Q.Term("title_fr", "national")], slop=5)], boost=2.0)
    base = Q.And([Q.Term("body_fr", "programm"), Q.Term("body_fr", "national")])
    return [
        Q.AndMaybe(base, boosted),  # Whoosh ignores a SpanNear2's own boost
        Q.AndMaybe(base, either),
        Q.Or([Q.Phrase("body_fr", ["programm", "national"], boost=3.0), Q.Term("title_fr", "rapport")]),
        Q.AndNot(Q.Or([Q.Term("body_fr", "migrat"), Q.Term("body_ar", "هجر")]), Q.Term("body_fr", "rapport")),
        Q.And([Q.Term("lang", "fr"), Q.Term("body_fr", "migrat", boost=1.5)]),
    ]


@pytest.mark.parametrize("index", range(5))
def test_raw_query_shapes_score_like_whoosh(engine: Engine, index: int):
    query = _raw_queries()[index]
    view = engine._view(("public",))
    docs = view.fast.hits(query)
    docs = docs[VisibleStats(view.fast, view.ids).mask[docs]]
    assert len(docs)
    collector = view.searcher.collector(filter=set(docs.tolist()), limit=10)
    view.searcher.search_with_collector(query, collector, context=view.searcher.context(weighting=VisibleBM25F(view.stats)))
    expected = [(h.docnum, round(h.score, 6)) for h in collector.results()]
    assert view.fast.scorable(query)
    assert [(d, round(s, 6)) for d, s in view.top(query, docs, 10, "relevance")] == expected


def test_the_index_is_multi_segment_and_has_hidden_documents(engine: Engine):
    view = engine._view(("public",))
    assert len(view.fast.leaves) > 1
    assert 0 < len(view.ids) < len(engine._view(None).ids)


def test_field_lengths_have_no_nan(engine: Engine):
    import numpy as np

    fast = engine._view(None).fast
    for name in ("title_fr", "body_fr", "body_ar", "title_en"):
        assert not np.isnan(fast.field_lengths(name)).any()
