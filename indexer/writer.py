"""Map DocumentRecords onto THE schema and apply a batch of changes to the Whoosh index in one commit."""
from __future__ import annotations

import gc
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import formats, multiproc
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh import query as Q
from whoosh.fields import FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer import termwriter
from indexer.postingpool import TermPool
from indexer.records import DocumentRecord
from search import analysis
from search import index_dir as index_dirs
from search import schema as schema_mod
from search.access import visibility_tokens
from search.pairs import FIELD as PAIRS_FIELD


@dataclass(frozen=True)
class OpenedIndex:
    """An index ready for writing, why it was (re)created if it was, and the folder it lives in.

    A rebuild of an existing index is written in a sibling staging folder (`folder` != the index
    folder) and swapped in by `finish` only when complete, so searchers keep the old index meanwhile.
    """

    index: Index
    rebuilt_reason: str | None
    folder: Path
    staged: bool = False


def record_fields(record: DocumentRecord) -> dict[str, object]:
    """The schema fields of one record (pure: no I/O)."""
    keyword = ",".join
    lang = record.latin_lang
    fields: dict[str, object] = {
        "id": record.id,
        "path": record.path,
        "paths": list(record.paths),
        "source": record.source,
        "title": record.title,
        "body": record.body,
        "format": record.format,
        "pages": record.pages,
        "size": record.size,
        "hash": record.hash,
        "visibility": keyword(visibility_tokens(record.visibility, record.groups)),
        "warnings": list(record.warnings),
        "lang": keyword(record.langs),
        "type": record.type or "",
        "program": keyword(record.programs),
        "partner": keyword(record.partners),
        "region": keyword(record.regions),
        "country": keyword(record.countries),
        schema_mod.text_field("title", lang): record.title,
        schema_mod.text_field("body", lang): record.body,
        PAIRS_FIELD: (lang, record.title, record.body),
    }
    if record.date:
        fields["date"] = record.date
        fields["year"] = record.date[:4]
        fields["month"] = record.month
    return {k: v for k, v in fields.items() if v not in ("", None)}


def open_for_writing(index_dir: Path, rebuild: bool = False) -> OpenedIndex:
    """Open the index in `index_dir`, creating it, or starting its rebuild (in a staging folder) when
    asked or when its stamp is stale. The caller holds the indexer lock."""
    index_dir = Path(index_dir)
    index_dirs.recover(index_dir, holding_lock=True)
    reason: str | None = "requested with --rebuild" if rebuild else None
    exists = index_dir.is_dir() and whoosh_index.exists_in(str(index_dir))
    if exists and reason is None:
        reason = schema_mod.stale_reason(index_dir)
    if exists and reason is None:
        return OpenedIndex(_storage(index_dir).open_index(), None, index_dir)
    if not exists:  # nothing a searcher could use: (re)create in place, resumable batch by batch
        _empty_folder(index_dir)
        ix = _storage(index_dir).create_index(schema_mod.build_schema())
        schema_mod.write_stamp(index_dir)
        return OpenedIndex(ix, reason or "new index", index_dir)
    staging = index_dirs.staging_dir(index_dir)
    _empty_folder(staging)
    ix = _storage(staging).create_index(schema_mod.build_schema())
    _follow_generation(ix, _storage(index_dir).open_index().latest_generation())
    schema_mod.write_stamp(staging)
    return OpenedIndex(ix, reason, staging, staged=True)


def _storage(folder: Path) -> FileStorage:
    """The index folder, read without mmap: through mmap Whoosh copies every compound segment it
    opens into memory (measured at 100k documents: opening a searcher for deletes took the indexing
    process from 30 MB to 1.2 GB; without mmap, 31 MB)."""
    return FileStorage(str(folder), supports_mmap=False)


def live_documents(ix: Index) -> int:
    """Undeleted documents, counted from the table of contents: Index.doc_count() opens a reader on
    every segment (at 100k documents ~0.9 GB of mapped segment files in the RSS of this process and
    of every worker forked while it is open)."""
    return sum(s.doc_count() for s in whoosh_index.TOC.read(ix.storage, ix.indexname).segments)


def finish(opened: OpenedIndex, index_dir: Path) -> None:
    """Swap a completed rebuild into `index_dir` (nothing to do for an index written in place)."""
    if opened.staged:
        opened.index.close()
        index_dirs.swap_in(opened.folder, Path(index_dir))


def _empty_folder(folder: Path) -> None:
    """Create `folder` or delete everything in it."""
    if folder.exists():
        for child in folder.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _follow_generation(ix: Index, old_generation: int) -> None:
    """Give a new index a generation above the old one's, so open searchers see the swap as a change."""
    whoosh_index.TOC(ix.schema, [], old_generation + 1).write(ix.storage, ix.indexname)


#: Cyclic garbage collector thresholds in the writer processes. They allocate millions of small
#: containers (postings, pickled blocks) and hold no cycles worth collecting early; with Python's
#: default (700, 10, 10) the collector took ~12 % of their CPU (1,000 documents written in one
#: process: 2.05 s -> 1.80 s CPU, medians of three rounds). Collections still run, less often.
WRITER_GC_THRESHOLDS = (50_000, 20, 100)
WRITER_LIMIT_MB = 192  # posting pool per analysis process before it spills a sorted run to disk
# One compound file per segment. Whoosh reads a compound segment through BytesIO(memoryview(mmap)),
# i.e. a private COPY of the segment in every searching process; separate files (False) are read in
# place (benchmarks/README.md measures both). False needs every searcher to be closed (the engine's
# refresh must close the old one), else file handles leak; until then the default stays True.
COMPOUND = True


#: Once MERGE_SMALL_COUNT segments hold fewer than MERGE_SMALL_DOCS documents each (deleted ones
#: included), they are merged into the commit's new segment; a segment more than MERGE_DELETED_SHARE
#: deleted is always re-written; the big segments of full builds never are. Whoosh's default policy
#: (MERGE_SMALL) re-writes every segment at once when their count passes its Fibonacci bound:
#: measured, a 1%-change run on a 100k index (22 segments) became a merge of all 100k documents in one
#: process (>1.6 GB, minutes).
MERGE_SMALL_DOCS = 1000
MERGE_SMALL_COUNT = 10
MERGE_DELETED_SHARE = 0.5


def merge_policy(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy: fold many small or mostly deleted segments into the new one, keep the rest."""
    small = [s for s in segments if s.doc_count_all() < MERGE_SMALL_DOCS]
    keep, fold = [], []
    for segment in segments:
        total = segment.doc_count_all()
        deleted = total - segment.doc_count() > MERGE_DELETED_SHARE * total
        if deleted or (len(small) >= MERGE_SMALL_COUNT and total < MERGE_SMALL_DOCS):
            fold.append(segment)
        else:
            keep.append(segment)
    for segment in fold:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return keep


#: Positions.encode([p]) by p (the same bytes every time; encoding is a pickle call per term).
_SINGLE_POSITION: dict[int, bytes] = {}


class _ChunkAnalysedField:
    """A text field whose index() replays search.analysis.index_positions (chunk-cached) instead of
    running the chain token by token: same terms, positions, weights and encoded bytes."""

    def __init__(
        self,
        field: FieldType,
        name: str,
        lang: str,
        on_length: Callable[[str, int], None],
        emit: Callable[[str, list, int], bool],
    ) -> None:
        self._field = field
        self._name = name
        self._lang = lang
        self._encode = field.format.encode
        self._boost = field.format.field_boost
        self._on_length = on_length
        self._emit = emit

    def __getattr__(self, name: str) -> object:
        return getattr(self._field, name)

    def index(self, value: object, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term bytes, frequency, weight, encoded positions) per distinct term, as Positions.word_values."""
        if not isinstance(value, str) or kwargs:
            items = list(self._field.index(value, **kwargs))
        else:
            encode, boost, single = self._encode, self._boost, _SINGLE_POSITION
            items = []
            for term, poses in analysis.index_positions(value, self._lang).items():
                count = len(poses)
                if count == 1:  # most terms of a document: the encoding depends on the position only
                    encoded = single.get(poses[0])
                    if encoded is None:
                        encoded = single[poses[0]] = encode(poses)
                else:
                    encoded = encode(poses)
                items.append((term.encode("utf8"), count, count * boost, encoded))
        length = sum(item[1] for item in items)
        if self._field.scorable:
            self._on_length(self._name, length)
        if not self._emit(self._name, items, length):  # handed to the pool whole, else one by one
            yield from items


class _SchemaView:
    """The schema as add_document sees it: our text fields answered by _ChunkAnalysedField."""

    def __init__(
        self, schema: Schema, on_length: Callable[[str, int], None], emit: Callable[[str, list, int], bool]
    ) -> None:
        self._schema = schema
        self._fast: dict[str, _ChunkAnalysedField] = {}
        for lang in analysis.TEXT_LANGS:
            for kind in ("title", "body"):
                name = schema_mod.text_field(kind, lang)
                field = schema[name] if name in schema else None
                if (
                    field is not None
                    and type(field.format) is formats.Positions
                    and field.analyzer == analysis.analyzer(lang)
                ):
                    self._fast[name] = _ChunkAnalysedField(field, name, lang, on_length, emit)
        self.names = frozenset(self._fast)

    def __contains__(self, name: str) -> bool:
        return name in self._schema

    def __getitem__(self, name: str) -> object:
        return self._fast.get(name) or self._schema[name]


class _KnownLengths:
    """The per-document reader a commit asks for the length of every posting's field: lengths of
    our text fields come from memory (the value the length column gives back), not a column read."""

    def __init__(
        self, reader: object, known: dict[tuple[int, str], int], fields: frozenset[str], unscored: frozenset[str]
    ) -> None:
        self._reader = reader
        self._known = known
        self._fields = fields
        self._unscored = unscored  # no length column: the reader would stat its file to answer `default`

    def __getattr__(self, name: str) -> object:
        return getattr(self._reader, name)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        """As the codec's reader: byte-quantised length, None for a zero length."""
        if fieldname in self._fields:
            found = self._known.get((docnum, fieldname), -1)
            if found >= 0:
                return found or None
        elif fieldname in self._unscored:
            return default
        return self._reader.doc_field_length(docnum, fieldname, default)  # type: ignore[attr-defined]


class _EmittedLengths:
    """The per-document writer, told the length of a field whose postings went to the pool whole."""

    def __init__(self, writer: object, lengths: dict[str, int]) -> None:
        self._writer = writer
        self._lengths = lengths

    def __getattr__(self, name: str) -> object:
        return getattr(self._writer, name)

    def add_field(self, fieldname: str, fieldobj: object, value: object, length: int) -> None:
        self._writer.add_field(fieldname, fieldobj, value, self._lengths.pop(fieldname, length))  # type: ignore[attr-defined]


class PreAnalysingWriter(SegmentWriter):
    """Whoosh's segment writer, analysing our text fields through the chunk cache, remembering
    their lengths for the commit, pooling postings by term and writing them term by term at commit
    (same segment bytes, less work)."""

    #: Write the commit's postings a term at a time (indexer/termwriter.py) when it can; False always
    #: runs Whoosh's per-posting loop (the baseline of tests/test_termwriter.py and bench_commit).
    fast_commit = True

    def __init__(self, ix: Index, **kwargs: object) -> None:
        super().__init__(ix, **kwargs)
        self.commit_fallback: str | None = None  # why the last flush ran Whoosh's loop, None if it did not
        self._boosted = False
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=kwargs.get("limitmb", 128))
        self._lengths: dict[tuple[int, str], int] = {}
        self._view = _SchemaView(self.schema, self._remember_length, self._emit)
        self._bulk = False
        self._emitted_lengths: dict[str, int] = {}
        self.perdocwriter = _EmittedLengths(self.perdocwriter, self._emitted_lengths)

    def _emit(self, fieldname: str, items: list, length: int) -> bool:
        """Put one field's postings into the pool in one call, when no boost asks Whoosh to reweigh
        them; Whoosh then sees no postings, so the per-document writer gets the length from here."""
        add_terms = getattr(self.pool, "add_terms", None)  # Whoosh's own pool takes postings one by one
        if not self._bulk or add_terms is None:
            return False
        add_terms(fieldname, self.docnum, items)
        self._emitted_lengths[fieldname] = length
        return True

    def _remember_length(self, fieldname: str, length: int) -> None:
        self._lengths[(self.docnum, fieldname)] = byte_to_length(length_to_byte(length)) if length else 0

    def add_document(self, **fields: object) -> None:
        """Add one document; the real schema is put back at once (it is what the commit saves)."""
        schema, self.schema = self.schema, self._view
        try:
            for name in self._view.names:  # a document without the field has length 0 in it
                self._lengths[(self.docnum, name)] = 0
            self._bulk = not any(name.startswith("_") for name in fields)  # "_boost", "_<field>_boost"
            self._boosted = self._boosted or not self._bulk
            self._emitted_lengths.clear()
            super().add_document(**fields)
        finally:
            self.schema = schema
            self._bulk = False

    def per_document_reader(self) -> object:
        """The reader the commit takes lengths from, answering our documents' lengths from memory."""
        unscored = frozenset(name for name, field in self.schema.items() if not field.scorable)
        return _KnownLengths(super().per_document_reader(), self._lengths, self._view.names, unscored)

    def _fast_commit_fallback(self) -> tuple[str | None, dict | None]:
        """(why Whoosh's loop must write this segment or None, the pool's postings by field and term)."""
        if not self.fast_commit:
            return "the per-term commit is switched off", None
        if self._boosted:  # boosted weights are fine in the pool, but stay on Whoosh's path to be safe
            return "a document had a boost or another '_' option", None
        grouped = getattr(self.pool, "grouped_fields", None)
        if grouped is None:
            return f"the posting pool is a {type(self.pool).__name__}, not a TermPool", None
        fields = grouped()
        return termwriter.fallback_reason(self.codec, self.fieldwriter, self.schema, fields), fields

    def _flush_segment(self) -> None:
        """Write the segment's postings term by term when the pool holds them all in memory, else
        through Whoosh's per-posting loop (same bytes either way)."""
        reason, fields = self._fast_commit_fallback()
        self.commit_fallback = reason
        if reason is not None or fields is None:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        try:
            termwriter.write_fields(self.fieldwriter, self.schema, lengths, fields)
            self.fieldwriter.close()
        finally:
            if lengths is not None:
                lengths.close()  # type: ignore[attr-defined]


class _PreAnalysingTask(multiproc.SubWriterTask):
    """Whoosh's sub-writer process, with a PreAnalysingWriter inside."""

    def run(self) -> None:
        """Runs in the forked child only, so the swap of the writer class and the collector's
        thresholds stay in that process."""
        multiproc.SegmentWriter = PreAnalysingWriter  # type: ignore[misc]
        gc.set_threshold(*WRITER_GC_THRESHOLDS)
        super().run()


class PreAnalysingMpWriter(multiproc.MpWriter):
    """Whoosh's multi-process writer whose sub-writers are PreAnalysingWriters."""

    def _new_task(self) -> multiproc.SubWriterTask:
        task = _PreAnalysingTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task


def make_writer(ix: Index, procs: int = 1, **options: object) -> SegmentWriter:
    """A writer of `ix` (multi-process when procs > 1) that analyses text fields once per chunk."""
    if procs > 1:
        return PreAnalysingMpWriter(ix, procs=procs, **options)
    return PreAnalysingWriter(ix, **options)


class IndexWriter:
    """One commit's worth of changes, streamed: deletes first, then documents as they are prepared.

    With procs > 1, Whoosh's multi-process writer analyses documents in `procs` child processes that
    each write their own segment (multisegment: no single-threaded merge of their output at commit).
    `compound=False` writes each segment as separate files, read in place by searchers (see COMPOUND).
    """

    def __init__(
        self, ix: Index, procs: int = 1, limitmb: int | None = None, compound: bool | None = None
    ) -> None:
        self._ix = ix
        self._fresh = not whoosh_index.TOC.read(ix.storage, ix.indexname).segments
        options: dict[str, object] = {
            "limitmb": WRITER_LIMIT_MB if limitmb is None else limitmb,
            "compound": COMPOUND if compound is None else compound,
        }
        if procs > 1:
            options.update(multisegment=True, batchsize=64)
        self._writer = make_writer(ix, procs, **options)
        self.added = 0
        self.deleted = 0

    def delete_ids(self, ids: Iterable[str]) -> None:
        """Delete the documents with these ids (one query, not one searcher per id)."""
        if self._fresh:
            return
        terms = [Q.Term("id", i) for i in ids]
        if terms:  # our own searcher, closed at once: the writer's would keep every segment mapped
            with self._ix.searcher() as searcher:  # (RSS inherited by each worker forked after it)
                self.deleted += self._writer.delete_by_query(Q.Or(terms), searcher=searcher)

    def add(self, record: DocumentRecord) -> None:
        """Add one document; the caller deleted any older version of its id first."""
        self._writer.add_document(**record_fields(record))
        self.added += 1

    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self._writer.cancel()
        elif self.added or self.deleted:
            self._writer.commit(mergetype=merge_policy)
        else:
            self._writer.cancel()


def apply_changes(
    ix: Index,
    upserts: Iterable[DocumentRecord],
    deletes: Iterable[str],
    *,
    procs: int = 1,
) -> tuple[int, int]:
    """Update or add `upserts` and delete the ids in `deletes` in one commit; returns the counts."""
    upserts = list(upserts)
    deletes = [d for d in deletes if d not in {r.id for r in upserts}]
    if not upserts and not deletes:
        return 0, 0
    with IndexWriter(ix, procs=procs) as writer:
        writer.delete_ids([*deletes, *(r.id for r in upserts)])
        for record in upserts:
            writer.add(record)
    return len(upserts), len(deletes)
