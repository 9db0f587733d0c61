"""The pair-hash column decides two-word phrases and narrows longer ones exactly as positions do (real index in tmp_path)."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import scoring

from indexer.records import DocumentRecord
from indexer.writer import IndexWriter, record_fields
from search import analysis, pairs
from search import schema as schema_mod
from search.fastpath import FastIndex
from tests.conftest import make_record

WORDS = (
    "comité de pilotage du programme Marhaba pour les Marocains résidant à l'étranger accueil des "
    "migrants régularisation Tanger-Tétouan-Al Hoceïma coopération avec l'Allemagne et la Belgique "
    "مرحبا مغاربة العالم الهجرة التعاون مع بلجيكا لجنة القيادة البرنامج الوطني"
).split()


def _record(i: int, body: str) -> DocumentRecord:
    return make_record(i, body, langs=("fr", "ar"))


def _bodies(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 80))) for _ in range(count)]


def test_pair_hashes_hold_adjacent_terms_only() -> None:
    found = set(pairs.pair_hashes({"a": [0, 3], "b": [1], "c": [2]}).tolist())
    assert pairs.pair_hash("a", "b") in found and pairs.pair_hash("b", "c") in found
    assert pairs.pair_hash("c", "a") in found  # c at 2, a at 3
    assert pairs.pair_hash("a", "c") not in found and pairs.pair_hash("b", "a") not in found


def test_terms_sharing_a_position_pair_with_the_next_position() -> None:
    positions = analysis.index_positions("Tanger-Tétouan accueil", "fr")
    assert any(len(p) > 0 for p in positions.values())
    found = set(pairs.pair_hashes(positions).tolist())
    terms_at = {}
    for term, poses in positions.items():
        for p in poses:
            terms_at.setdefault(p, []).append(term)
    for p, terms in terms_at.items():
        for a in terms:
            for b in terms_at.get(p + 1, []):
                assert pairs.pair_hash(a, b) in found


def test_holds_searches_each_documents_slice() -> None:
    counts = np.array([3, 0, 2], dtype=np.int64)
    hashes = np.array([1, 5, 9, 2, 5], dtype=np.uint64)
    offsets = np.cumsum(counts) - counts
    docs = np.arange(3)
    assert pairs.holds(offsets, hashes, counts, docs, 5).tolist() == [True, False, True]
    assert pairs.holds(offsets, hashes, counts, docs, 9).tolist() == [True, False, False]
    assert pairs.holds(offsets, hashes, counts, docs, 3).tolist() == [False, False, False]
    assert pairs.holds(offsets, hashes, counts, docs, 1).tolist() == [True, False, False]
    big = np.array([2**64 - 1], dtype=np.uint64)  # the top of the 64-bit range compares as unsigned
    assert pairs.holds(np.zeros(1, np.int64), big, np.ones(1, np.int64), np.arange(1), 2**64 - 1).tolist() == [True]


def test_holds_equals_set_membership_on_random_slices() -> None:
    rng = np.random.default_rng(2)
    counts = rng.integers(0, 40, 300)
    slices = [np.unique(rng.integers(0, 2**64 - 1, c, dtype=np.uint64, endpoint=True)) for c in counts]
    counts = np.array([len(x) for x in slices], dtype=np.int64)
    hashes = np.concatenate(slices)
    offsets = np.cumsum(counts) - counts
    docs = np.sort(rng.choice(300, 120, replace=False))
    for value in [int(x) for x in hashes[::7]] + [0, 2**64 - 1, 12345]:
        want = [value in set(slices[d].tolist()) for d in docs]
        assert pairs.holds(offsets, hashes, counts, docs, value).tolist() == want


def test_pair_hashes_are_per_field_kind_and_ordered() -> None:
    assert pairs.pair_hash("a", "b", "title") != pairs.pair_hash("a", "b", "body")
    assert pairs.pair_hash("a", "b") != pairs.pair_hash("b", "a")
    assert pairs.kind_of("body_fr") == "body" and pairs.kind_of("title_en") == "title"
    assert pairs.kind_of("path") is None and pairs.kind_of("body") is None


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-processes"])
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pairs")
    ix = whoosh_index.create_in(str(folder), schema_mod.build_schema())
    bodies = _bodies(11, 700) + [" ".join(f"mot{i} suivant{i}" for i in range(pairs.MAX_PAIRS))]
    with IndexWriter(ix, procs=request.param) as writer:
        for i, body in enumerate(bodies):
            writer.add(_record(i, body))
    searcher = ix.searcher(weighting=scoring.BM25F())
    yield searcher, FastIndex(searcher, ()), bodies
    searcher.close()
    ix.close()


def _phrases(bodies: list[str], seed: int, count: int) -> list[list[str]]:
    """Analysed two- and three-term phrases: half taken from the texts, half random pairs of words."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        body = rng.choice(bodies).split()
        if len(body) < 3:
            continue
        if len(out) % 2:
            start = rng.randrange(len(body) - 2)
            words = body[start : start + rng.choice((2, 3))]
        else:
            words = rng.sample(body, 2)
        terms = analysis.tokens(" ".join(words), "fr")
        if len(terms) >= 2:
            out.append(terms)
    return out


def test_phrase_match_with_the_filter_equals_positions_alone(index) -> None:
    searcher, fast, bodies = index
    for words in _phrases(bodies, 5, 300):
        docs = fast.hits(None)
        assert fast.phrase_match("body_fr", words, docs).tolist() == fast._positions_match("body_fr", words, docs).tolist(), words


def test_the_column_drops_documents_holding_both_words_apart(index) -> None:
    searcher, fast, bodies = index
    dropped = 0
    for words in _phrases(bodies, 9, 200):
        docs = fast.hits(None)
        both = np.logical_and.reduce([np.isin(docs, fast.postings("body_fr", w)[0]) for w in words])
        candidates = docs[both]
        kept = np.ones(len(candidates), dtype=bool)
        for value in pairs.phrase_pair_hashes(words, "body"):
            found, known = fast.pairs_hold(candidates, value)
            kept &= found | ~known
        exact = fast._positions_match("body_fr", words, candidates)
        assert not (exact & ~kept).any()  # never a hit lost
        if len(words) == 2:  # and for two words the column alone is the answer
            _, known = fast.pairs_hold(candidates, pairs.pair_hash(*words))
            assert (kept[known] == exact[known]).all(), words
        dropped += int((~kept).sum())
    assert dropped > 100  # most non-adjacent candidates never reach the positions


def test_a_document_with_too_many_pairs_is_still_found(index) -> None:
    searcher, fast, bodies = index
    last = len(bodies) - 1
    docnum = searcher.document_number(id=f"doc{last:04d}")
    _, known = fast.pairs_hold(np.array([docnum], dtype=np.int32), 0)
    assert not known[0]  # stored as unknown
    words = analysis.tokens(f"mot{pairs.MAX_PAIRS - 1} suivant{pairs.MAX_PAIRS - 1}", "fr")
    assert fast.phrase_match("body_fr", words, fast.hits(None)).sum() == 1


def test_a_pair_in_the_title_is_not_a_phrase_of_the_body(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    with IndexWriter(ix) as writer:
        writer.add(make_record(0, "pilotage des travaux du comité", title="Comité de pilotage"))
        writer.add(make_record(1, "le comité de pilotage se réunit", title="Réunion"))
    words = analysis.tokens("comité pilotage", "fr")
    with ix.searcher() as searcher:
        fast = FastIndex(searcher, ())
        docs = fast.hits(None)
        body = fast.phrase_match("body_fr", words, docs).tolist()
        title = fast.phrase_match("title_fr", words, np.array([d for d in docs if searcher.stored_fields(d)["id"] == "doc0000"], dtype=np.int32)).tolist()
        assert [searcher.stored_fields(d)["id"] for d, ok in zip(docs.tolist(), body) if ok] == ["doc0001"]
        assert title == [True]
    ix.close()


def test_whoosh_writer_and_ours_write_the_same_column(tmp_path: Path) -> None:
    bodies = _bodies(4, 120)
    values = []
    for name, ours in (("ours", True), ("plain", False)):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema_mod.build_schema())
        if ours:
            with IndexWriter(ix) as writer:
                for i, body in enumerate(bodies):
                    writer.add(_record(i, body))
        else:
            writer = ix.writer()
            for i, body in enumerate(bodies):
                writer.add_document(**record_fields(_record(i, body)))
            writer.commit()
        with ix.reader() as reader:
            column = reader.column_reader(pairs.FIELD, translate=False)
            values.append({reader.stored_fields(d)["id"]: column[d] for d in reader.all_doc_ids()})
        ix.close()
    assert values[0] == values[1]
    assert sum(len(v) > 0 for v in values[0].values()) > 100


def _reference_pairs(positions: dict[str, list[int]], kind: str = "body") -> set[int]:
    at: dict[int, list[str]] = {}
    for term, poses in positions.items():
        for p in poses:
            at.setdefault(p, []).append(term)
    return {pairs.pair_hash(a, b, kind) for p, terms in at.items() for a in terms for b in at.get(p + 1, [])}


def test_pair_hashes_equal_a_plain_reference() -> None:
    rng = random.Random(21)
    for text in _bodies(13, 300) + ["Tanger-Tétouan-Al Hoceïma l'accord de Marrakech-Safi", "", "un"]:
        positions = analysis.index_positions(text, "fr")
        assert set(pairs.pair_hashes(positions).tolist()) == _reference_pairs(positions), text
    for _ in range(300):  # shared positions, gaps, repeats
        positions: dict[str, list[int]] = {}
        for p in sorted(rng.sample(range(40), rng.randint(1, 30))):
            for term in rng.sample("abcdefg", rng.choice((1, 1, 1, 2, 3))):
                positions.setdefault(term, []).append(p)
        assert set(pairs.pair_hashes(positions).tolist()) == _reference_pairs(positions), positions


def test_an_index_without_the_column_answers_phrases_on_positions(tmp_path: Path) -> None:
    """An index of schema 2 (32-bit "wordpairs") is served until its rebuild: no 64-bit column there."""
    from whoosh.fields import COLUMN

    schema = schema_mod.build_schema()
    schema.remove(pairs.FIELD)
    schema.add("wordpairs", COLUMN())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    bodies = _bodies(6, 150)
    writer = ix.writer()
    for i, body in enumerate(bodies):
        fields = record_fields(_record(i, body))
        fields["wordpairs"] = fields.pop(pairs.FIELD) and b"\x01\x02\x03\x04"
        writer.add_document(**fields)
    writer.commit()
    with ix.searcher() as searcher:
        fast = FastIndex(searcher, ())
        docs = fast.hits(None)
        found = 0
        for words in _phrases(bodies, 3, 60):
            got = fast.phrase_match("body_fr", words, docs)
            assert got.tolist() == fast._positions_match("body_fr", words, docs).tolist(), words
            found += int(got.sum())
        assert found > 0
    ix.close()


def test_the_sketch_never_turns_away_a_document_holding_the_pair() -> None:
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 600, 200).astype(np.int64)
    slices = [np.unique(rng.integers(0, 2**64 - 1, c, dtype=np.uint64, endpoint=True)) for c in counts]
    counts = np.array([len(x) for x in slices], dtype=np.int64)
    hashes = np.concatenate(slices)
    sketch = pairs.sketches(counts, hashes)
    docs = np.arange(len(counts))
    turned_away = 0
    for value in [int(x) for x in hashes[::11]] + [int(x) for x in rng.integers(0, 2**63, 50, dtype=np.uint64)]:
        may = pairs.sketch_may_hold(sketch, docs, value)
        holds = np.array([value in set(s.tolist()) for s in slices])
        assert not (holds & ~may).any()
        turned_away += int((~may).sum())
    assert turned_away > 0.3 * len(docs) * 100  # and it does turn most others away


def test_the_bucket_search_equals_the_whole_slice_search() -> None:
    rng = np.random.default_rng(5)
    counts = rng.choice([0, 1, 2, 40, 600, pairs.MAX_PAIRS], 300).astype(np.int64)
    slices = [np.unique(rng.integers(0, 2**64 - 1, c, dtype=np.uint64, endpoint=True)) for c in counts]
    counts = np.array([len(x) for x in slices], dtype=np.int64)
    hashes = np.concatenate(slices)
    offsets = np.cumsum(counts) - counts
    ends = pairs.bucket_ends(counts, hashes)
    assert ends[:, -1].tolist() == counts.tolist()
    docs = np.arange(len(counts))
    edge = [0, 2**64 - 1, 2**58 - 1, 2**58, int(hashes.min()), int(hashes.max())]
    values = [int(x) for x in hashes[::97]] + [int(x) for x in rng.integers(0, 2**64 - 1, 40, dtype=np.uint64)] + edge
    held = 0
    for value in values:
        plain = pairs.holds(offsets, hashes, counts, docs, value)
        assert pairs.holds(offsets, hashes, counts, docs, value, ends).tolist() == plain.tolist()
        assert plain.tolist() == [value in set(s.tolist()) for s in slices]
        held += int(plain.sum())
    assert held >= len(hashes[::97])


def test_pairs_hold_equals_the_plain_binary_search(index) -> None:
    searcher, fast, bodies = index
    starts, counts, hashes, _, _ = fast.pair_table()
    docs = fast.hits(None)
    for words in _phrases(bodies, 12, 80):
        value = pairs.pair_hash(words[0], words[1])
        found, known = fast.pairs_hold(docs, value)
        assert found.tolist() == pairs.holds(starts, hashes, counts, docs.astype(np.int64), value).tolist()
        assert known.tolist() == (counts[docs] > 0).tolist()
