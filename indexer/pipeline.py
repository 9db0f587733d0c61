"""The index run: discover -> detect changes -> extract (bounded workers, cached) -> label -> write."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from indexer import cache, state as state_mod
from indexer.discover import FileRef, Skipped, discover
from indexer import extract as extract_mod
from indexer.extract import extract, is_supported
from indexer.extract.base import Extracted, ExtractionError
from indexer.lock import IndexerLock
from indexer.metadata import derive_metadata
from indexer.records import DocumentRecord
from indexer.report import IndexReport
from indexer.sidecar import load_sidecar
from indexer.state import FileState, content_hash, doc_id
from indexer.workers import run_tasks
from indexer.writer import apply_changes, open_for_writing
from search.config import Settings
from search.taxonomy import Taxonomy, load_taxonomy

BATCH = 2000
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


def _sidecar_key(sidecar: dict) -> str:
    return hashlib.sha1(json.dumps(sidecar, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _extract_task(task: tuple[str, bool, int, int]) -> dict:
    """Worker side: extract one file into plain data (must be picklable and module-level)."""
    path, ocr, max_pages, max_chars = task
    return cache.to_dict(extract(Path(path), ocr=ocr, max_pages=max_pages, max_chars=max_chars))


def scan(
    roots: tuple[Path, ...], prev: dict[str, FileState], settings: Settings, report: IndexReport
) -> tuple[dict[str, Candidate], dict[str, str]]:
    """Find files, hash only those whose size/mtime moved, and load their sidecars."""
    found: dict[str, Candidate] = {}
    failed: dict[str, str] = {}
    exclude = (settings.taxonomy,)
    for item in discover(tuple(roots), exclude=exclude):
        if isinstance(item, Skipped):
            report.skipped.append((item.path, item.reason))
            continue
        key = str(item.abspath)
        if not is_supported(item.abspath):
            report.skipped.append((item.rel, f"unsupported file type '{item.abspath.suffix or '(none)'}'"))
            continue
        try:
            sidecar = load_sidecar(item.abspath, item.root)
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
                report.failed.append((item.rel, f"cannot read file: {exc.strerror or exc}"))
                continue
        skey = _sidecar_key(sidecar)
        changed = not (old and old.hash == sha and old.root == str(item.root) and old.rel == item.rel)
        found[key] = Candidate(item, sha, sidecar, skey, changed)
    return found, failed


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


def _extract_all(
    cands: list[Candidate], settings: Settings, report: IndexReport, progress: Progress | None
) -> dict[str, Extracted | str]:
    """Extraction of each candidate's content: from the cache, else from a bounded worker."""
    out: dict[str, Extracted | str] = {}
    todo: dict[str, Candidate] = {}
    limit = settings.max_file_mb * 1024 * 1024
    for cand in cands:
        hit = cache.get(settings.cache_dir, cand.sha, EXTRACTOR_VERSION)
        if hit is not None:
            out[cand.sha] = hit
        elif cand.ref.size == 0:
            out[cand.sha] = "empty file"
        elif cand.ref.size > limit:
            out[cand.sha] = (
                f"file too large ({cand.ref.size / 1048576:.0f} MB; the limit is {settings.max_file_mb} MB)"
            )
        else:
            todo[str(cand.ref.abspath)] = cand
    done = 0
    tasks = [(p, settings.ocr, 2000, settings.max_text_chars) for p in todo]
    for outcome in run_tasks(
        tasks,
        _extract_task,
        workers=settings.workers,
        timeout_s=settings.file_timeout_s,
        memory_mb=settings.file_memory_mb,
    ):
        cand = todo[outcome.task[0]]
        done += 1
        if outcome.ok:
            extracted = cache.from_dict(outcome.value)
            cache.put(settings.cache_dir, cand.sha, EXTRACTOR_VERSION, extracted)
            out[cand.sha] = extracted
            report.extracted += 1
            report.pages += len(extracted.pages)
        else:
            out[cand.sha] = outcome.reason
        if progress:
            progress(done, len(todo), report.pages, cand.ref.rel)
    return out


def run_index(
    settings: Settings,
    roots: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait_s: float = 0.0,
) -> IndexReport:
    """Bring the index in line with the archive folders: only what changed is extracted and written."""
    started = time.monotonic()
    roots = tuple(Path(r) for r in (roots or settings.corpus))
    report = IndexReport()
    index_dir = Path(settings.index_dir)
    with IndexerLock(index_dir, wait_s=wait_s):
        opened = open_for_writing(index_dir, rebuild=rebuild)
        report.rebuilt = opened.rebuilt_reason if opened.rebuilt_reason != "new index" or rebuild else None
        prev = {} if opened.rebuilt_reason else state_mod.load_state(index_dir)
        taxonomy = load_taxonomy(settings.taxonomy)
        tax_key = _file_key(settings.taxonomy)
        if prev and state_mod.load_meta(index_dir).get("taxonomy") != tax_key:
            prev = {k: replace(v, meta_key="") for k, v in prev.items()}  # relabel every document
        found, sidecar_failed = scan(roots, prev, settings, report)

        by_sha: dict[str, list[Candidate]] = {}
        for cand in found.values():
            by_sha.setdefault(cand.sha, []).append(cand)
        for group in by_sha.values():
            group.sort(key=lambda c: (c.ref.rel, str(c.ref.root)))

        affected: set[str] = set()
        for key, cand in found.items():
            old = prev.get(key)
            if old is None or cand.changed or old.meta_key != cand.sidecar_key:
                affected.add(cand.sha)
                if old is not None and old.hash != cand.sha:
                    affected.add(old.hash)
            elif old.error:
                report.failed.append((cand.ref.rel, old.error))
        removed_keys = [k for k in prev if k not in found and k not in sidecar_failed]
        for key in removed_keys:
            affected.add(prev[key].hash)
            if not prev[key].error:
                report.removed.append(prev[key].rel)

        new_state = {k: v for k, v in prev.items() if k in found or k in sidecar_failed}
        work = sorted(affected)
        for start in range(0, max(len(work), 1), BATCH):
            chunk = work[start : start + BATCH]
            upserts, deletes = _build_chunk(chunk, by_sha, prev, new_state, taxonomy, settings, report, progress)
            apply_changes(opened.index, upserts, deletes)
            state_mod.save_state(index_dir, {**prev, **new_state} if start + BATCH < len(work) else new_state)
        for group in by_sha.values():
            for dup in group[1:]:
                report.duplicates.append((dup.ref.rel, group[0].ref.rel))
        for key, cand in found.items():  # refresh the stat of files whose content did not change
            if key in new_state and not new_state[key].error and cand.sha not in affected:
                new_state[key] = _state(cand)
                report.unchanged += 1
        state_mod.save_state(index_dir, new_state)
        state_mod.save_meta(index_dir, {"taxonomy": tax_key})
        report.documents = opened.index.doc_count()
    report.new.sort()
    report.updated.sort()
    report.removed.sort()
    report.failed.sort()
    report.seconds = time.monotonic() - started
    return report


def _build_chunk(
    chunk: list[str],
    by_sha: dict[str, list[Candidate]],
    prev: dict[str, FileState],
    new_state: dict[str, FileState],
    taxonomy: Taxonomy,
    settings: Settings,
    report: IndexReport,
    progress: Progress | None,
) -> tuple[list[DocumentRecord], list[str]]:
    """Extract and label one chunk of affected contents; record each file's outcome in new_state."""
    upserts: list[DocumentRecord] = []
    deletes: list[str] = []
    extracted = _extract_all([by_sha[s][0] for s in chunk if s in by_sha], settings, report, progress)
    for sha in chunk:
        group = by_sha.get(sha)
        if not group:
            deletes.append(doc_id(sha))
            continue
        result: Extracted | str = extracted[sha]
        if not isinstance(result, str):
            try:
                upserts.append(_record(group[0], group, result, taxonomy, settings))
            except (ValueError, ExtractionError) as exc:
                result = str(exc)
        if isinstance(result, str):
            deletes.append(doc_id(sha))
            for cand in group:
                report.failed.append((cand.ref.rel, result))
                new_state[str(cand.ref.abspath)] = _state(cand, error=result)
            continue
        report.warnings.extend((group[0].ref.rel, w) for w in result.warnings)
        for cand in group:
            key = str(cand.ref.abspath)
            (report.updated if key in prev and not prev[key].error else report.new).append(cand.ref.rel)
            new_state[key] = _state(cand)
    return upserts, deletes


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
