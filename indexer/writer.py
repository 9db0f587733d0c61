"""Map DocumentRecords onto THE schema and apply a batch of changes to the Whoosh index in one commit."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh import query as Q

from indexer.records import DocumentRecord
from search import schema as schema_mod
from search.access import visibility_tokens


@dataclass(frozen=True)
class OpenedIndex:
    """An index ready for writing, and why it was (re)created if it was."""

    index: Index
    rebuilt_reason: str | None


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
    }
    if record.date:
        fields["date"] = record.date
        fields["year"] = record.date[:4]
        fields["month"] = record.date[:7]
    return {k: v for k, v in fields.items() if v not in ("", None)}


def open_for_writing(index_dir: Path, rebuild: bool = False) -> OpenedIndex:
    """Open the index in `index_dir`, creating it, or recreating it when asked or when its stamp is stale."""
    index_dir = Path(index_dir)
    reason: str | None = "requested with --rebuild" if rebuild else None
    exists = index_dir.is_dir() and whoosh_index.exists_in(str(index_dir))
    if exists and reason is None:
        reason = schema_mod.stale_reason(index_dir)
    if exists and reason is None:
        return OpenedIndex(whoosh_index.open_dir(str(index_dir)), None)
    if not exists and reason is None:
        reason = "new index"
    if index_dir.exists():
        for child in index_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema_mod.build_schema())
    schema_mod.write_stamp(index_dir)
    return OpenedIndex(ix, reason)


WRITER_LIMIT_MB = 192  # posting pool per analysis process before it spills a sorted run to disk
# One compound file per segment. Whoosh reads a compound segment through BytesIO(memoryview(mmap)),
# i.e. a private COPY of the segment in every searching process; separate files (False) are read in
# place (benchmarks/README.md measures both). False needs every searcher to be closed (the engine's
# refresh must close the old one), else file handles leak; until then the default stays True.
COMPOUND = True


class IndexWriter:
    """One commit's worth of changes, streamed: deletes first, then documents as they are prepared.

    With procs > 1, Whoosh's multi-process writer analyses documents in `procs` child processes that
    each write their own segment (multisegment: no single-threaded merge of their output at commit).
    `compound=False` writes each segment as separate files, read in place by searchers (see COMPOUND).
    """

    def __init__(
        self, ix: Index, procs: int = 1, limitmb: int = WRITER_LIMIT_MB, compound: bool | None = None
    ) -> None:
        self._ix = ix
        self._fresh = ix.doc_count_all() == 0
        options: dict[str, object] = {"limitmb": limitmb, "compound": COMPOUND if compound is None else compound}
        if procs > 1:
            options.update(procs=procs, multisegment=True, batchsize=64)
        self._writer = ix.writer(**options)
        self.added = 0
        self.deleted = 0

    def delete_ids(self, ids: Iterable[str]) -> None:
        """Delete the documents with these ids (one query, not one searcher per id)."""
        if self._fresh:
            return
        terms = [Q.Term("id", i) for i in ids]
        if terms:
            self.deleted += self._writer.delete_by_query(Q.Or(terms))

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
            self._writer.commit()
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
