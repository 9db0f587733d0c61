"""The index run: discover -> detect changes -> extract (bounded workers, cached) -> label -> write."""
from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh.index import Index

from indexer import cache, state as state_mod
from indexer.discover import GONE_ERRNOS, FileRef, Skipped, discover, scopes
from indexer import extract as extract_mod
from indexer.extract import extract, is_supported
from indexer.extract.base import Extracted, ExtractionError
from indexer.lock import IndexerLock
from indexer.metadata import derive_metadata
from indexer.records import DocumentRecord
from indexer.report import IndexReport
from indexer.sidecar import FILE_SUFFIX, FOLDER_FILE, load_sidecar
from indexer.state import FileState, content_hash, doc_id
from indexer.workers import run_tasks
from indexer.writer import IndexWriter, finish, live_documents, open_for_writing
from search.config import Settings
from search.taxonomy import Taxonomy, load_taxonomy

BATCH = 10_000  # contents per commit: state is saved after each; fewer commits = fewer segment merges
PARALLEL_WRITE_MIN = 500  # below this many contents a batch is analysed in this process
#: Formats extracted again rather than cached: for plain text, writing the cache entry costs ~3x the
#: extraction and reading it back no less (558 .txt files of realdocs, the sample and a generated
#: corpus, medians: extract 90 µs, cache put 284 µs, cache get 79 µs).
UNCACHED_SUFFIXES = frozenset({".txt"})
EXTRACTOR_VERSION: str = getattr(extract_mod, "EXTRACTOR_VERSION", "1")
Progress = Callable[[int, int, int, str], None]  # done, total, pages, current path


@dataclass(frozen=True)
class Candidate:
    """A discovered, supported file with its content hash and sidecar metadata."""

    ref: FileRef
    sha: str
    sidecar: dict
    sidecar_key: str
    changed: bool
    held: str = ""  # "" scanned this run; else why an unscanned copy joins its group: "outside" or "unreadable"


class SidecarLookup:
    """Sidecar metadata per file with one directory listing per folder, not several stats per file.

    Most files have no sidecar at all: when neither the file's folder chain holds a `_meta.toml` nor
    its folder a `<name>.meta.json`, the answer is {} without touching the disk again.
    """

    def __init__(self) -> None:
        self._names: dict[str, frozenset[str]] = {}

    def _listing(self, folder: str) -> frozenset[str]:
        names = self._names.get(folder)
        if names is None:
            try:
                with os.scandir(folder) as it:
                    names = frozenset(e.name for e in it)
            except OSError:
                names = frozenset()
            self._names[folder] = names
        return names

    def _chain_has_folder_meta(self, folder: Path, root: Path) -> bool:
        while True:
            if FOLDER_FILE in self._listing(str(folder)):
                return True
            if folder == root or folder.parent == folder:
                return False
            folder = folder.parent

    def load(self, path: Path, root: Path) -> dict:
        """The merged sidecar of `path` (as load_sidecar), reading files only when some exist."""
        own = path.name + FILE_SUFFIX in self._listing(str(path.parent))
        if not own and path.parent.is_relative_to(root) and not self._chain_has_folder_meta(path.parent, root):
            return {}
        return load_sidecar(path, root)


def _primary_order(cand: Candidate) -> tuple:
    """Which copy of duplicated content stands for the document: the shallowest path, then the oldest file."""
    return (cand.ref.rel.count("/"), cand.ref.mtime_ns, cand.ref.rel, str(cand.ref.root))


def _sidecar_key(sidecar: dict) -> str:
    return hashlib.sha1(json.dumps(sidecar, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _group_order(cand: Candidate) -> tuple:
    """_primary_order, but an unreadable copy kept from an earlier run never stands for the content."""
    return (cand.held == "unreadable", *_primary_order(cand))


@dataclass
class Scanned:
    """What one scan found: candidates, files with a bad sidecar, and what could not be read (path: why)."""

    found: dict[str, Candidate]
    failed: dict[str, str]
    unreadable: dict[str, str]


def corpus_roots(settings: Settings, prev: dict[str, FileState]) -> tuple[Path, ...]:
    """The roots paths are keyed against: the configured corpus, then every root of the last run.

    So a file indexed through a root keeps its path (and its document) when a sub-folder of that root
    or the file alone is indexed later, also when the root was given on the command line.
    """
    return tuple(settings.corpus) + tuple(Path(r) for r in sorted({v.root for v in prev.values()}))


def scan(
    roots: tuple[Path, ...],
    prev: dict[str, FileState],
    settings: Settings,
    report: IndexReport,
    bases: tuple[Path, ...] | None = None,
) -> Scanned:
    """Find files, hash only those whose size/mtime moved, and load their sidecars.

    Paths are relative to the deepest of `bases` (default: the configured corpus) holding them.
    """
    found: dict[str, Candidate] = {}
    failed: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    sidecars = SidecarLookup()
    exclude = (settings.taxonomy,)
    for item in discover(tuple(roots), exclude=exclude, corpus=tuple(settings.corpus if bases is None else bases)):
        if isinstance(item, Skipped):
            if item.unreadable is not None:
                unreadable[str(item.unreadable)] = f"{item.path}: {item.reason}"
                if _indexed(str(item.unreadable), prev):
                    continue  # an indexed file: reported once, as kept
            report.skipped.append((item.path, item.reason))
            continue
        key = str(item.abspath)
        if not is_supported(item.abspath):
            report.skipped.append((item.rel, f"unsupported file type '{item.abspath.suffix or '(none)'}'"))
            continue
        try:
            sidecar = sidecars.load(item.abspath, item.root)
        except (ValueError, OSError) as exc:
            failed[key] = str(exc)
            report.failed.append((item.rel, f"bad metadata sidecar: {exc}"))
            continue
        old = prev.get(key)
        if old and old.size == item.size and old.mtime_ns == item.mtime_ns:
            sha = old.hash
        else:
            try:
                sha = content_hash(item.abspath)
            except OSError as exc:
                reason = f"cannot read file: {exc.strerror or exc}"
                if exc.errno not in GONE_ERRNOS:
                    unreadable[key] = f"{item.rel}: {reason}"
                if not (key in unreadable and _indexed(key, prev)):  # else reported once, as kept
                    report.failed.append((item.rel, reason))
                continue
        skey = _sidecar_key(sidecar)
        changed = not (old and old.hash == sha and old.root == str(item.root) and old.rel == item.rel)
        found[key] = Candidate(item, sha, sidecar, skey, changed)
    return Scanned(found, failed, unreadable)


def _indexed(key: str, prev: dict[str, FileState]) -> bool:
    """True when the last run left `key` in the index."""
    old = prev.get(key)
    return old is not None and not old.error


def _prefixes(paths: Iterable[Path | str]) -> tuple[str, ...]:
    return tuple(str(p) for p in paths)


def _under(key: str, prefixes: tuple[str, ...]) -> str | None:
    """The first of `prefixes` that is `key` or a folder holding it (string tests: 100k keys per run)."""
    for prefix in prefixes:
        if key == prefix or key.startswith(prefix.rstrip(os.sep) + os.sep):
            return prefix
    return None


def _held_candidate(key: str, old: FileState, held: str, sidecars: SidecarLookup) -> Candidate:
    """A copy not scanned this run, rebuilt from its state, so its document keeps all its paths."""
    ref = FileRef(Path(old.root), Path(key), old.rel, old.size, old.mtime_ns)
    try:
        sidecar = sidecars.load(ref.abspath, ref.root)
        skey = _sidecar_key(sidecar)
    except (ValueError, OSError):
        sidecar, skey = {}, ""  # relabelled when next scanned
    return Candidate(ref, old.hash, sidecar, skey, False, held)


def _record(
    cand: Candidate, paths: list[Candidate], extracted: Extracted, taxonomy: Taxonomy, settings: Settings
) -> DocumentRecord:
    """Label one extracted document and freeze it as a record."""
    meta = derive_metadata(
        extracted, cand.ref.rel, taxonomy, cand.sidecar, default_visibility=settings.default_visibility
    )
    return DocumentRecord(
        id=doc_id(cand.sha),
        path=cand.ref.rel,
        paths=tuple(c.ref.rel for c in paths),
        source=str(cand.ref.abspath),
        title=meta.title,
        body=extracted.text,
        langs=meta.langs,
        primary_lang=meta.primary_lang,
        date=meta.date,
        date_precision=meta.date_precision,
        type=meta.type,
        programs=meta.programs,
        partners=meta.partners,
        regions=meta.regions,
        countries=meta.countries,
        format=cand.ref.abspath.suffix.lower().lstrip("."),
        pages=len(extracted.pages),
        size=cand.ref.size,
        hash=cand.sha,
        visibility=meta.visibility,
        groups=meta.groups,
        warnings=tuple(extracted.warnings),
    )


@dataclass(frozen=True)
class Prepared:
    """What a worker hands back for one content: its record, or why it failed, and extraction counts."""

    sha: str
    record: DocumentRecord | None
    error: str | None
    extracted: bool
    pages: int
    warnings: tuple[str, ...]


def _prepare(task: tuple[Candidate, tuple[Candidate, ...]], taxonomy: Taxonomy, settings: Settings) -> Prepared:
    """Worker side: cached or fresh extraction, then labels, so both cores share all per-document work."""
    cand, group = task
    cached = Path(cand.ref.abspath).suffix.lower() not in UNCACHED_SUFFIXES
    extracted = cache.get(settings.cache_dir, cand.sha, EXTRACTOR_VERSION) if cached else None
    fresh = extracted is None
    if fresh:
        extracted = extract(Path(cand.ref.abspath), ocr=settings.ocr, max_pages=2000, max_chars=settings.max_text_chars)
        if cached:
            cache.put(settings.cache_dir, cand.sha, EXTRACTOR_VERSION, extracted)
    pages = len(extracted.pages) if fresh else 0
    try:
        record = _record(cand, list(group), extracted, taxonomy, settings)
    except (ValueError, ExtractionError) as exc:
        return Prepared(cand.sha, None, str(exc), fresh, pages, ())
    return Prepared(cand.sha, record, None, fresh, pages, tuple(extracted.warnings))


def _too_big_or_empty(cand: Candidate, settings: Settings) -> str | None:
    """Why a file is not even handed to a worker (empty, or over the size limit), else None."""
    if cand.ref.size == 0:
        return "empty file"
    if cand.ref.size > settings.max_file_mb * 1024 * 1024:
        return f"file too large ({cand.ref.size / 1048576:.0f} MB; the limit is {settings.max_file_mb} MB)"
    return None


def prepare_all(
    groups: list[list[Candidate]], taxonomy: Taxonomy, settings: Settings
) -> Iterator[Prepared]:
    """Stream one Prepared per content group, in completion order, from bounded worker processes."""
    tasks = []
    for group in groups:
        reason = _too_big_or_empty(group[0], settings)
        if reason is not None:
            yield Prepared(group[0].sha, None, reason, False, 0, ())
        else:
            tasks.append((group[0], tuple(group)))
    work = functools.partial(_prepare, taxonomy=taxonomy, settings=settings)
    for outcome in run_tasks(
        tasks,
        work,
        workers=settings.workers,
        timeout_s=settings.file_timeout_s,
        memory_mb=settings.file_memory_mb,
    ):
        if outcome.ok:
            yield outcome.value
        else:
            yield Prepared(outcome.task[0].sha, None, outcome.reason, False, 0, ())


def run_index(
    settings: Settings,
    roots: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait_s: float = 0.0,
    compound: bool | None = None,
) -> IndexReport:
    """Bring the index in line with the archive folders: only what changed is extracted and written.

    `roots` (default: the configured corpus) may be sub-folders or single files of an indexed root:
    paths stay relative to that root (see corpus_roots), and only documents whose files were under
    the scanned paths and are gone are removed; those of unreadable files or folders are kept.
    """
    started = time.monotonic()
    roots = tuple(Path(r) for r in (roots or settings.corpus))
    report = IndexReport()
    index_dir = Path(settings.index_dir)
    with IndexerLock(index_dir, wait_s=wait_s):
        opened = open_for_writing(index_dir, rebuild=rebuild)
        report.rebuilt = opened.rebuilt_reason if opened.rebuilt_reason != "new index" or rebuild else None
        folder = opened.folder  # the staging folder of a rebuild, swapped in at the end
        prev = {} if opened.rebuilt_reason else state_mod.load_state(folder)
        taxonomy = load_taxonomy(settings.taxonomy)
        tax_key = _file_key(settings.taxonomy)
        if prev and state_mod.load_meta(folder).get("taxonomy") != tax_key:
            prev = {k: replace(v, meta_key="") for k, v in prev.items()}  # relabel every document
        bases = corpus_roots(settings, prev)
        scanned = scan(roots, prev, settings, report, bases)
        found, sidecar_failed = scanned.found, scanned.failed
        held = _held(prev, scanned, roots, bases, settings, report)

        by_sha: dict[str, list[Candidate]] = {}
        for cand in found.values():
            by_sha.setdefault(cand.sha, []).append(cand)

        affected: set[str] = set()
        for key, cand in found.items():
            old = prev.get(key)
            if old is None or cand.changed or old.meta_key != cand.sidecar_key:
                affected.add(cand.sha)
                if old is not None and old.hash != cand.sha:
                    affected.add(old.hash)
        for key, cand in found.items():  # an old failure is reported here only if not retried below
            old = prev.get(key)
            if old is not None and old.error and cand.sha not in affected:
                report.failed.append((cand.ref.rel, old.error))
        removed_keys = [k for k in prev if k not in found and k not in sidecar_failed and k not in held]
        for key in removed_keys:
            affected.add(prev[key].hash)
            if not prev[key].error:
                report.removed.append(prev[key].rel)
        sidecars = SidecarLookup()
        for key, why in held.items():  # unscanned copies of rewritten contents stay among its paths
            if prev[key].hash in affected and not prev[key].error:
                by_sha.setdefault(prev[key].hash, []).append(_held_candidate(key, prev[key], why, sidecars))
        for group in by_sha.values():
            group.sort(key=_group_order)

        new_state = {k: v for k, v in prev.items() if k in found or k in sidecar_failed or k in held}
        work = sorted(affected)
        deletable = None if state_mod.is_pending(folder) else _deletable(opened.index, prev)
        try:
            for start in range(0, len(work), BATCH):
                chunk = work[start : start + BATCH]
                # Workers and writer processes are forked next: frozen objects are left alone by their
                # garbage collector, which would otherwise write to (and so copy) every page of this
                # process's heap that they inherit (~250 MB of file state at 100k files, per child).
                gc.freeze()
                state_mod.mark_pending(folder)
                procs = _writer_procs(len(chunk), settings)
                with IndexWriter(opened.index, procs=procs, compound=compound) as writer:
                    _write_chunk(chunk, by_sha, prev, new_state, taxonomy, settings, report, progress, writer, deletable)
                state_mod.save_state(folder, {**prev, **new_state} if start + BATCH < len(work) else new_state)
                state_mod.clear_pending(folder)
        finally:
            gc.unfreeze()
        for group in by_sha.values():  # failed contents are no document, so have no duplicates
            state = new_state.get(str(group[0].ref.abspath))
            if state is not None and not state.error:
                report.duplicates.extend((d.ref.rel, group[0].ref.rel) for d in group[1:] if not d.held)
        for key, cand in found.items():  # refresh the stat of files whose content did not change
            if key in new_state and not new_state[key].error and cand.sha not in affected:
                new_state[key] = _state(cand)
                report.unchanged += 1
        state_mod.save_state(folder, new_state)
        state_mod.clear_pending(folder)
        state_mod.save_meta(folder, {"taxonomy": tax_key})
        report.documents = live_documents(opened.index)
        finish(opened, index_dir)
    report.new.sort()
    report.updated.sort()
    report.removed.sort()
    report.failed.sort()
    report.kept.sort()
    report.seconds = time.monotonic() - started
    return report


def _held(
    prev: dict[str, FileState],
    scanned: Scanned,
    roots: tuple[Path, ...],
    bases: tuple[Path, ...],
    settings: Settings,
    report: IndexReport,
) -> dict[str, str]:
    """Files of the last run this run must neither remove nor rescan, each with why ("outside"/"unreadable").

    A run over the configured corpus roots answers for every file; a run over other paths (a sub-folder,
    one file) only for the files under them. Within, a file missing because it or a folder above it
    could not be read is kept (and said so): an archive unreadable for a while must not empty the index.
    """
    starts = _prefixes(s.start for s in scopes(roots, bases))
    complete = set(starts) >= set(_prefixes(s.start for s in scopes(tuple(settings.corpus), ())))
    unreadable = _prefixes(sorted(scanned.unreadable))
    held: dict[str, str] = {}
    for key, old in prev.items():
        if key in scanned.found or key in scanned.failed:
            continue
        if not complete and _under(key, starts) is None:
            held[key] = "outside"
        elif (where := _under(key, unreadable)) is not None:
            held[key] = "unreadable"
            if not old.error:
                report.kept.append((old.rel, f"kept in the index, not readable now ({scanned.unreadable[where]})"))
    return held


def _deletable(ix: Index, prev: dict[str, FileState]) -> frozenset[str] | None:
    """Contents that may be in the index and must be deleted before they are written again: those
    of the last saved state when the index holds as many documents, else None (delete every id).
    The caller passes None itself when a run stopped between a commit and its state save.

    Deleting ids that cannot be there still opens a reader on every segment: at 100k documents the
    full build spent ~1 GB of its parent process on it.
    """
    known = frozenset(v.hash for v in prev.values() if not v.error)
    return known if live_documents(ix) == len(known) else None


def _writer_procs(count: int, settings: Settings) -> int:
    """Analysis processes for a batch: parallel only when the batch is big enough to pay for them."""
    return max(1, min(settings.workers, 2)) if count >= PARALLEL_WRITE_MIN else 1


def _write_chunk(
    chunk: list[str],
    by_sha: dict[str, list[Candidate]],
    prev: dict[str, FileState],
    new_state: dict[str, FileState],
    taxonomy: Taxonomy,
    settings: Settings,
    report: IndexReport,
    progress: Progress | None,
    writer: IndexWriter,
    deletable: frozenset[str] | None = None,
) -> None:
    """Prepare one chunk of affected contents and stream each record into the writer as it comes."""
    groups = [by_sha[s] for s in chunk if s in by_sha]
    writer.delete_ids([doc_id(s) for s in chunk if deletable is None or s in deletable])
    done = 0
    for prepared in prepare_all(groups, taxonomy, settings):
        group = by_sha[prepared.sha]
        done += 1
        report.extracted += prepared.extracted
        report.pages += prepared.pages
        if progress:
            progress(done, len(groups), report.pages, group[0].ref.rel)
        if prepared.record is None:
            for cand in group:
                report.failed.append((cand.ref.rel, prepared.error or "unknown error"))
                if cand.held:  # forgotten, so it is tried again as new when next scanned
                    new_state.pop(str(cand.ref.abspath), None)
                else:
                    new_state[str(cand.ref.abspath)] = _state(cand, error=prepared.error)
            continue
        writer.add(prepared.record)
        report.warnings.extend((group[0].ref.rel, w) for w in prepared.warnings)
        for cand in group:
            key = str(cand.ref.abspath)
            if cand.held:
                continue  # its file was not scanned: its state and report line stay as they were
            (report.updated if key in prev and not prev[key].error else report.new).append(cand.ref.rel)
            new_state[key] = _state(cand)


def _file_key(path: Path) -> str:
    """Fingerprint of a file's bytes ('' when absent), to notice a changed taxonomy."""
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def _state(cand: Candidate, error: str | None = None) -> FileState:
    return FileState(
        rel=cand.ref.rel,
        root=str(cand.ref.root),
        size=cand.ref.size,
        mtime_ns=cand.ref.mtime_ns,
        hash=cand.sha,
        error=error,
        meta_key=cand.sidecar_key,
    )
