"""The per-term commit (indexer/termwriter.py) writes the very segment files Whoosh's per-posting loop
writes: every file of two indexes built from the same documents, one each way, is compared byte for
byte (segment ids, the only random part, neutralised), and both answer searches alike."""
from __future__ import annotations

import io
import json
import math
import os
import random
import shutil
from array import array
from pathlib import Path
from typing import Iterable

import pytest
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.analysis import DelimitedAttributeFilter, SpaceSeparatedTokenizer, StemmingAnalyzer
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.qparser import QueryParser

from indexer import termwriter
from indexer.postingpool import _Postings
from indexer.writer import IndexWriter, PreAnalysingWriter, record_fields
from search import schema as schema_mod
from tests.conftest import make_record

FR = ("migration", "Maroc", "programme", "comité", "pilotage", "l'accord", "coopération", "région", "jeunes",
      "formation", "intégration", "partenaires", "étrangers", "accueil", "réinsertion", "Tanger", "Oriental")
AR = ("مغاربة", "العالم", "الهجرة", "برنامج", "التعاون", "الشباب", "التكوين", "الإدماج", "الوزارة", "الاستقبال",
      "جهة", "الشرق")
SWITCHED_OFF = "the per-term commit is switched off"


def _records(count: int, seed: int = 11) -> list:
    """French, Arabic and mixed documents: frequent and once-only words, a word in exactly 256 documents
    (two full blocks) and one in most (three blocks), repeated words (frequencies), empty bodies, a body of
    punctuation only, and one English document without a single token (its fields stay empty)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = i % 5
        words = [rng.choice(AR if kind in (1, 3) and rng.random() < 0.8 else FR) for _ in range(rng.randint(3, 60))]
        words += [f"mot{i}x", f"rare{rng.randrange(count * 3)}"]  # once-only words and words in a few documents
        if i < 256:
            words.append("pilier")
        if i % 7 < 6 and i < 350:
            words.append("commun")
        words += ["répété"] * (i % 4)
        body = " ".join(words)
        langs = ("ar",) if kind == 1 else ("fr", "ar") if kind == 3 else ("fr",)
        if i > 256 and i % 23 == 5:
            body = ""
        elif i > 256 and i % 31 == 7:
            body = "… — ! ؟ ..."
        extra = {"date": f"{2000 + i % 21}-0{1 + i % 9}-1{i % 10}"} if i % 3 else {}
        out.append(make_record(i, body, langs=langs, primary_lang=langs[0], programs=("marhaba",) * (i % 2),
                               regions=("oriental", "tanger")[: i % 3], **extra))
    out.append(make_record(count, "… — ...", title="— …", langs=("en",), primary_lang="en"))
    return out


def _compound_members(storage: FileStorage, name: str) -> dict[str, bytes]:
    """The files inside a compound segment file (the file itself also records their modification times,
    in directory-listing order: not comparable between two builds)."""
    compound = CompoundStorage(storage.open_file(name), use_mmap=False)
    try:
        return {f"{name}/{member}": compound.open_file(member).read() for member in sorted(compound.list())}
    finally:
        compound.close()


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Every file of the index in `folder` (compound segments opened up) with each segment id replaced
    by the same placeholder."""
    storage = FileStorage(str(folder))
    segids = [segment.segid for segment in whoosh_index.TOC.read(storage, "MAIN").segments]
    raw: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "MAIN_WRITELOCK":
            continue
        raw.update(_compound_members(storage, path.name) if path.suffix == ".seg" else {path.name: path.read_bytes()})
    files = {}
    for name, data in raw.items():
        for segid in segids:
            name, data = name.replace(segid, "#" * len(segid)), data.replace(segid.encode(), b"#" * len(segid))
        files[name] = data
    return files


def _build(folder: Path, docs: Iterable[dict], fast: bool, schema: Schema | None = None,
           **options: object) -> tuple[dict[str, bytes], str | None]:
    """(segment files, why the commit fell back) of a new index in `folder` holding `docs`."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema or schema_mod.build_schema())
    try:
        writer = PreAnalysingWriter(ix, **options)
        writer.fast_commit = fast
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
    finally:
        ix.close()
    return _segment_files(folder), writer.commit_fallback


def _assert_same_files(fast: dict[str, bytes], whoosh: dict[str, bytes]) -> None:
    assert sorted(fast) == sorted(whoosh)
    different = [name for name in fast if fast[name] != whoosh[name]]
    assert different == []


def _both(tmp_path: Path, docs: list[dict], schema: Schema | None = None, **options: object) -> tuple[dict, str | None]:
    """Build `docs` both ways, assert the files are equal; (files, fallback reason of the fast build)."""
    fast, reason = _build(tmp_path / "fast", docs, True, schema, **options)
    whoosh, whoosh_reason = _build(tmp_path / "whoosh", docs, False, schema, **options)
    assert whoosh_reason == SWITCHED_OFF
    _assert_same_files(fast, whoosh)
    return fast, reason


def _search(folder: Path, field: str, queries: Iterable[str]) -> list[list[tuple[str, float]]]:
    """(id, score) of every hit of each query, parsed with the field's own analyzer."""
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.searcher() as searcher:
            parser = QueryParser(field, ix.schema)
            return [[(hit["id"], round(hit.score, 6)) for hit in searcher.search(parser.parse(q), limit=None)]
                    for q in queries]
    finally:
        ix.close()


@pytest.mark.parametrize("compound", [False, True])
def test_per_term_commit_writes_the_bytes_whoosh_writes(tmp_path: Path, compound: bool) -> None:
    records = _records(330)
    docs = [record_fields(r) for r in records]
    files, reason = _both(tmp_path, docs, compound=compound)
    assert reason is None
    suffixes = {name[name.rindex("#") + 1:] for name in files if "#" in name}
    assert {".pst", ".trm", "._body_fr_len.col", "._title_fr_len.col"} <= suffixes  # lengths of scored fields
    assert not any("_lang_len" in n or "_id_len" in n for n in files)
    assert any(name.endswith(".seg/MAIN_" + "#" * 16 + ".pst") for name in files) == compound
    queries = ["pilier", "commun", "migration", "الهجرة", '"comité pilotage"', "répété", "mot17x"]
    hits = _search(tmp_path / "fast", "body_fr", queries)
    assert hits == _search(tmp_path / "whoosh", "body_fr", queries)
    assert {i for i, _ in hits[0]} == {r.id for r in records[:256]} and all(hits[i] for i in (1, 2, 3, 5, 6))


def test_the_pool_hands_over_empty_fields_and_every_block_shape(tmp_path: Path) -> None:
    """The corpus above really has what it claims: no-token fields, 1-posting terms, a term of exactly two
    full blocks and one of three, and postings of all three formats."""
    ix = whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    writer = PreAnalysingWriter(ix)
    try:
        for record in _records(330):
            writer.add_document(**record_fields(record))
        fields = writer.pool.grouped_fields()
        assert fields is not None and fields["body_en"] == {} and fields["title_en"] == {}
        counts = {len(e.docs) for terms in fields.values() for e in terms.values()}
        assert {1, 256} <= counts and max(counts) > 256
        formats = {type(writer.schema[name].format).__name__ for name, terms in fields.items() if terms}
        assert formats == {"Positions", "Frequency", "Existence"}
    finally:
        writer.cancel()
        ix.close()


@pytest.mark.parametrize("blocklimit,compression", [(4, 0), (7, 9), (128, 1)])
def test_other_block_sizes_and_compression_levels(tmp_path: Path, blocklimit: int, compression: int) -> None:
    docs = [record_fields(r) for r in _records(60, seed=3)]
    _, reason = _both(tmp_path, docs, codec=W3Codec(blocklimit=blocklimit, compression=compression), compound=False)
    assert reason is None


def test_a_document_boost_falls_back_to_whoosh(tmp_path: Path) -> None:
    docs = [record_fields(r) for r in _records(40, seed=5)]
    docs[3] = {**docs[3], "_boost": 2.5}
    _, reason = _both(tmp_path, docs, compound=False)
    assert reason is not None and "boost" in reason


def test_a_spilled_pool_falls_back_to_whoosh(tmp_path: Path) -> None:
    docs = [record_fields(r) for r in _records(120, seed=6)]
    _, reason = _both(tmp_path, docs, limitmb=0.05, compound=False)
    assert reason is not None and "spilled" in reason


def _plain_docs(count: int) -> list[dict]:
    rng = random.Random(9)
    return [
        {"id": f"d{i}", "tags": " ".join(rng.sample(FR, 3)),
         "text": " ".join(rng.choice(FR) for _ in range(rng.randint(1, 30)))}
        for i in range(count)
    ]


class _OwnIndex(TEXT):
    """A field type with its own index(): its values could be anything, not only Whoosh's bytes."""

    def index(self, value: str, **kwargs: object):
        yield from super().index(value.lower(), **kwargs)


@pytest.mark.parametrize(
    "text,expected",
    [
        (TEXT(analyzer=StemmingAnalyzer(), spelling=True), "spelling"),  # spelling postings all claim doc 0
        (TEXT(chars=True), "Characters"),  # a format the per-term writer does not claim
        (_OwnIndex(), "own index()"),
        (TEXT(phrase=False), None),  # frequencies with a length column: handled
    ],
)
def test_other_fields_are_written_or_left_to_whoosh(tmp_path: Path, text: TEXT, expected: str | None) -> None:
    schema = Schema(id=ID(stored=True), tags=KEYWORD(scorable=True), text=text)
    _, reason = _both(tmp_path, _plain_docs(150), schema, compound=False)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def _boosted_docs(count: int) -> list[dict]:
    """Texts whose words carry their own boosts ("word^2.5"): weights that vary within a term, a word
    always weighted 0 and one negative (Whoosh's running max weight stays the int 0), and now and then a
    NaN weight (its term goes through Whoosh's per-posting calls, between terms written per term)."""
    rng = random.Random(12)
    docs = []
    for i in range(count):
        words = [f"{rng.choice(FR)}^{rng.choice(['1', '1', '2', '0.5', '3.25'])}" for _ in range(rng.randint(1, 25))]
        words += ["zéro^0", "négatif^-1.5"] if i % 3 == 0 else []
        words += [f"{rng.choice(FR)}^nan"] if i % 17 == 4 else []
        text = " ".join(words)
        docs.append({"id": f"d{i}", "positions": text, "frequencies": text, "plain": text})
    return docs


def test_boosted_zero_negative_and_nan_weights(tmp_path: Path) -> None:
    boosted = SpaceSeparatedTokenizer() | DelimitedAttributeFilter()
    schema = Schema(id=ID(stored=True), positions=TEXT(analyzer=boosted), plain=TEXT(),
                    frequencies=TEXT(analyzer=boosted, phrase=False))
    files, reason = _both(tmp_path, _boosted_docs(200), schema, compound=False)
    assert reason is None
    ix = whoosh_index.open_dir(str(tmp_path / "fast"))
    try:
        with ix.reader() as reader:
            weights = {(f, t): reader.postings(f, t).weight() for f, t in reader.all_terms() if f != "id"}
    finally:
        ix.close()
    assert any(math.isnan(w) for w in weights.values()) and weights[("positions", "zéro".encode())] == 0
    assert weights[("frequencies", "négatif".encode())] == -1.5


def test_merging_an_older_segment_with_deletions(tmp_path: Path) -> None:
    """add_reader puts a segment's postings into the pool after the new documents: still per term."""
    records = _records(200, seed=8)
    base = tmp_path / "base"
    _build(base, [record_fields(r) for r in records[:150]], False, compound=False)
    built = {}
    for fast in (True, False):
        folder = tmp_path / f"merged-{fast}"
        shutil.copytree(base, folder)
        ix = whoosh_index.open_dir(str(folder))
        try:
            writer = PreAnalysingWriter(ix, compound=False)
            writer.fast_commit = fast
            for i in range(0, 150, 9):
                writer.delete_by_term("id", records[i].id)
            for record in records[150:]:
                writer.add_document(**record_fields(record))
            writer.commit(optimize=True)
        finally:
            ix.close()
        assert writer.commit_fallback == (None if fast else SWITCHED_OFF)
        built[fast] = _segment_files(folder)
    _assert_same_files(built[True], built[False])
    hits = _search(tmp_path / "merged-True", "body_fr", ["pilier"])[0]
    deleted = {records[i].id for i in range(0, 150, 9)}
    assert {i for i, _ in hits} == {r.id for r in records[:256] if "pilier" in r.body} - deleted


def _whoosh_reference(writer: PreAnalysingWriter, folder: Path) -> dict[str, bytes]:
    """The terms and postings files Whoosh's own loop writes from `writer`'s pool, in a scratch folder."""
    folder.mkdir(parents=True)
    storage = FileStorage(str(folder))
    segment = writer.codec.new_segment(storage, "REF")
    fieldwriter = writer.codec.field_writer(storage, segment)
    lengths = writer.per_document_reader()
    try:
        fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
        fieldwriter.close()
    finally:
        lengths.close()
    return {ext: (folder / segment.make_filename(ext)).read_bytes() for ext in (".trm", ".pst")}


def test_multiprocess_writer_children_write_whoosh_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """procs=2: each forked sub-writer checks its own segment against Whoosh's loop run on the same pool
    (which documents land in which segment is up to the job queue), and the two indexes hold the same
    postings and answer searches alike."""
    checks = tmp_path / "checks"
    checks.mkdir()
    flush = PreAnalysingWriter._flush_segment

    def checked_flush(self: PreAnalysingWriter) -> None:
        flush(self)
        reference = _whoosh_reference(self, checks / f"ref-{os.getpid()}-{self.newsegment.segid}")
        written = {ext: Path(self.storage.folder, self.newsegment.make_filename(ext)).read_bytes()
                   for ext in reference}
        result = {"fallback": self.commit_fallback, "docs": self.doc_count(), "equal": written == reference,
                  "fast": type(self).fast_commit}
        (checks / f"{os.getpid()}-{self.newsegment.segid}.json").write_text(json.dumps(result))

    monkeypatch.setattr(PreAnalysingWriter, "_flush_segment", checked_flush)
    records = _records(300, seed=4)
    dumps = {}
    for fast in (True, False):
        monkeypatch.setattr(PreAnalysingWriter, "fast_commit", fast)
        folder = tmp_path / f"mp-{fast}"
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema_mod.build_schema())
        try:
            with IndexWriter(ix, procs=2, compound=False) as writer:
                for record in records:
                    writer.add(record)
        finally:
            ix.close()
        dumps[fast] = _postings_by_id(folder)
    results = [json.loads(p.read_text()) for p in sorted(checks.glob("*.json"))]
    assert results and all(r["equal"] for r in results)
    assert sum(r["docs"] for r in results if r["fast"]) == sum(r["docs"] for r in results if not r["fast"]) == 301
    assert {r["fallback"] for r in results if r["fast"] and r["docs"]} == {None}
    assert dumps[True] == dumps[False]
    queries = ["pilier", "migration", "الهجرة", '"comité pilotage"']
    found = {fast: [sorted(hits) for hits in _search(tmp_path / f"mp-{fast}", "body_fr", queries)] for fast in dumps}
    assert found[True] == found[False] and all(found[True][:3])  # ties are ranked by docnum: compare sets


def _postings_by_id(folder: Path) -> list[tuple]:
    """Every (field, term, document id, weight, value) posting and scored field length of an index,
    whatever segments hold them."""
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.reader() as reader:
            ids = {d: reader.stored_fields(d)["id"] for d in reader.all_doc_ids()}
            out = [(f, t, ids[d], w, v) for f, t, d, w, v in reader.iter_postings()]
            out += [("length", f, ids[d], reader.doc_field_length(d, f), None)
                    for f in schema_mod.text_fields() for d in ids]
    finally:
        ix.close()
    return sorted(out, key=repr)


def _postings(docs: list[int], weights: list[float], values: list[bytes | None]) -> _Postings:
    entry = _Postings()
    entry.docs.extend(docs)
    entry.weights.extend(weights)
    entry.values.extend(values)
    return entry


def _whoosh_term(fmt: object, blocklimit: int, compression: int, postings: list[tuple], lens: array) -> tuple:
    """(postings bytes, term-info bytes) of one term from Whoosh's own W3PostingsWriter (at offset 0)."""
    buffer = io.BytesIO()
    writer = W3Codec(blocklimit=blocklimit, compression=compression).postings_writer(StructFile(buffer))
    writer.start_postings(fmt, W3TermInfo())
    for docnum, weight, value in postings:
        writer.add_posting(docnum, weight, b"" if value is None else value, lens[docnum] or None)
    info = writer.finish_postings().to_bytes()
    return buffer.getvalue(), info


@pytest.mark.parametrize("seed", range(6))
def test_encode_term_equals_whoosh_postings_writer(seed: int) -> None:
    """Random terms (1 to 300 postings, odd block sizes, no, some or all lengths, weights 1, equal,
    varied, zero, negative, values present, empty or missing) against Whoosh's writer itself; where
    Whoosh writes something encode_term would not (NaN weights) or fails, encode_term says None."""
    rng = random.Random(seed)
    values = [b"\x00\x00\x00\x02", b"", None, b"\x01\x02\x03\x04", b"\x00\x00\x00\x01\x80\x02]q\x00K\x05a."]
    fmts = [formats.Existence(), formats.Frequency(), formats.Positions()]
    for _ in range(60):
        count = rng.choice([1, 2, 3, 5, 64, 127, 128, 129, 256, 300])
        docs = sorted(rng.sample(range(400), count))
        weight_kind = rng.choice(["one", "same", "mixed", "zero", "negative", "nan"])
        pick = {"one": lambda: 1.0, "same": lambda: 2.5, "mixed": lambda: rng.choice([0.5, 1.0, 3.0, 1e-3]),
                "zero": lambda: 0.0, "negative": lambda: -rng.random(),
                "nan": lambda: rng.choice([1.0, 1.0, math.nan])}[weight_kind]
        postings = [(d, pick(), rng.choice(values)) for d in docs]
        lens = array("L", [rng.choice([0, 1, 7, 300, 10**6]) if rng.random() < 0.7 else 0 for _ in range(400)])
        lens = rng.choice([lens, array("L", [0] * 400), array("L", [5] * 400)])
        fmt, blocklimit, compression = rng.choice(fmts), rng.choice([1, 4, 128]), rng.choice([0, 3])
        entry = _postings(*map(list, zip(*postings)))
        encoded = termwriter.encode_term(entry, lens if any(lens) else None, fmt.fixed_value_size(), blocklimit,
                                         compression, {})
        try:
            whoosh = _whoosh_term(fmt, blocklimit, compression, postings, lens)
        except TypeError:  # min(int, None) in W3TermInfo.add_block: a later block without lengths
            assert encoded is None
            continue
        if any(math.isnan(w) for _, w, _ in postings):
            assert encoded is None
            continue
        assert encoded is not None
        assert (encoded.data, termwriter.term_info_bytes(encoded, 0)) == whoosh


def test_encode_term_leaves_odd_terms_to_whoosh() -> None:
    """None (Whoosh's own calls decide) for a NaN weight, and for a later block without any length after
    one with lengths, where W3TermInfo.add_block fails on min(int, None)."""
    lens = array("L", [5] * 4 + [0] * 4)
    assert termwriter.encode_term(_postings([0, 1], [1.0, math.nan], [b"", b""]), None, None, 128, 3, {}) is None
    assert termwriter.encode_term(_postings(list(range(8)), [1.0] * 8, [None] * 8), lens, 0, 4, 3, {}) is None
    encoded = termwriter.encode_term(_postings(list(range(8)), [2.0] * 8, [None] * 8), lens[::-1], 0, 4, 3, {})
    assert encoded is not None and (encoded.min_length, encoded.max_length, encoded.doc_frequency) == (5, 5, 8)
    assert (encoded.weight, encoded.max_weight, encoded.min_id, encoded.max_id) == (16.0, 2.0, 0, 7)


def test_inlining_codecs_and_spilled_pools_are_refused(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    try:
        writer = PreAnalysingWriter(ix, codec=W3Codec(inlinelimit=2))
        writer.add_document(**record_fields(make_record(1, "migration")))
        fields = writer.pool.grouped_fields()
        reason = termwriter.fallback_reason(writer.codec, writer.fieldwriter, writer.schema, fields)
        assert reason is not None and "inlinelimit" in reason
        assert termwriter.fallback_reason(W3Codec(), writer.fieldwriter, writer.schema, None) is not None
        writer.cancel()
    finally:
        ix.close()


def test_commit_benchmark_prints_its_table() -> None:
    """benchmarks/bench_commit.py runs end to end at a tiny size (generated text; times never checked)."""
    from benchmarks import bench_commit

    table = bench_commit.run(docs=20, rounds=1, corpus=None)
    header, _, *rows = [[c.strip() for c in line.strip("|").split("|")]
                        for line in table.splitlines() if line.startswith("|")]
    assert header == list(bench_commit.COLUMNS)
    assert [row[-1] for row in rows] == [SWITCHED_OFF, "per term"]
