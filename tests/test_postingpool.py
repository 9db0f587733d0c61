"""The term-grouped posting pool yields exactly what Whoosh's sorting pool yields, spilled or not."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import PostingPool

from indexer.postingpool import TermPool
from indexer.writer import PreAnalysingWriter
from search import schema as schema_mod


def _postings(seed: int, count: int) -> list[tuple]:
    """Postings in docnum order per document, as a writer adds them, plus a later out-of-order batch
    (as a merge of an older segment adds them) and values of every kind."""
    rng = random.Random(seed)
    words = [f"w{i}".encode() for i in range(300)]
    out = []
    for doc in range(count):
        for field in rng.sample(["body_fr", "title_fr", "lang", "year"], rng.randint(1, 4)):
            for term in rng.sample(words, rng.randint(1, 12)):
                value = rng.choice([None, b"", bytes(rng.randrange(256) for _ in range(rng.randint(1, 9)))])
                out.append((field, term, doc, rng.choice([1.0, 2.0, 3.0, 0.5 * rng.randint(1, 9)]), value))
    out += [("body_fr", rng.choice(words), rng.randrange(count), 1.0, None) for _ in range(50)]
    return out


@pytest.mark.parametrize("limitmb", [128, 0.05])
def test_term_pool_yields_what_whoosh_pool_yields(tmp_path: Path, limitmb: float) -> None:
    store = FileStorage(str(tmp_path))
    postings = _postings(7, 400)
    theirs, ours = PostingPool(store, None, limitmb=limitmb), TermPool(store, None, limitmb=limitmb)
    for item in postings:
        theirs.add(item)
        ours.add(item)
    if limitmb < 1:
        assert ours.runs, "the small limit must make the pool spill to disk"
    assert list(ours.iter_postings()) == list(theirs.iter_postings())
    assert ours.fieldnames == theirs.fieldnames == {"body_fr", "title_fr", "lang", "year"}


def test_writer_with_term_pool_writes_the_same_segment_files(tmp_path: Path) -> None:
    """Byte for byte: the postings file and term table of a segment do not depend on the pool."""
    rng = random.Random(3)
    words = ["migration", "maroc", "programme", "مغاربة", "العالم", "comité", "pilotage", "l'accord"]
    docs = [
        {
            "id": f"d{i}", "body_fr": " ".join(rng.choice(words) for _ in range(rng.randint(1, 60))),
            "lang": rng.choice(["fr", "ar", "fr,ar"]), "year": str(2000 + rng.randrange(20)),
        }
        for i in range(300)
    ]
    built = {}
    for name, pool_class in (("term", TermPool), ("whoosh", PostingPool)):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema_mod.build_schema())
        writer = PreAnalysingWriter(ix, compound=False)
        writer.pool = pool_class(writer._tempstorage, writer.newsegment, limitmb=128)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        built[name] = {p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix in (".pst", ".trm")}
        ix.close()
    assert set(built["term"]) == {".pst", ".trm"}
    assert built["term"] == built["whoosh"]
