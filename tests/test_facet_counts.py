"""Facet counts are the same whether a hit set is small (codes gathered per hit) or large (column scan)."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
from whoosh import index as whoosh_index

from indexer.records import DocumentRecord
from indexer.writer import IndexWriter
from search import schema as schema_mod
from search.fastpath import FastIndex
from tests.conftest import make_record

FACETS = ("lang", "program", "partner", "year")


def _record(i: int, rng: random.Random) -> DocumentRecord:
    return make_record(
        i, "accord de coopération", size=10,
        langs=tuple(rng.sample(["fr", "ar", "en"], rng.randint(1, 2))),
        date=f"{rng.randint(2005, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" if rng.random() < 0.8 else None,
        programs=tuple(rng.sample(["marhaba", "amuddu", "prim", "snia"], rng.randint(0, 3))),
        partners=tuple(rng.sample(["giz", "oim", "ue"], rng.randint(0, 2))),
    )


def test_small_and_large_hit_sets_count_alike(tmp_path) -> None:
    rng = random.Random(8)
    ix = whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    with IndexWriter(ix) as writer:
        for i in range(900):
            writer.add(_record(i, rng))
    with ix.searcher() as searcher:
        fast = FastIndex(searcher, FACETS)
        stored = [searcher.stored_fields(d) for d in range(fast.size)]
        for size in (1, 2, 5, 13, 400):
            for _ in range(20):
                docs = np.array(sorted(rng.sample(range(fast.size), size)), dtype=np.int32)
                for name in FACETS:
                    expected = Counter(v for d in docs.tolist() for v in (stored[d].get(name) or "").split(",") if v)
                    assert fast.facet_counts(name, docs) == dict(expected), (name, size)
        assert set(fast._by_doc) == set(FACETS)  # the small sets took the gathering path
    ix.close()
