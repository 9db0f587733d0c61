"""A rebuild is built beside the live index and swapped in whole: kill -9 at any moment leaves a complete index."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.lock import LOCK_NAME
from indexer.pipeline import run_index
from search import index_dir as index_dirs
from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import TAXONOMY, make_settings
from tests.test_crash import _env, _index_cmd, _snapshot, _write_archive


def test_the_searcher_side_names_the_indexer_lock_as_the_indexer_does() -> None:
    assert index_dirs.INDEXER_LOCK_NAME == LOCK_NAME


def test_kills_during_rebuild_leave_the_previous_complete_index(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    (tmp_path / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    archive, index = tmp_path / "archive", tmp_path / "var" / "index"
    _write_archive(archive, 150, 0, rng)
    subprocess.run(_index_cmd(tmp_path, index), env=_env(tmp_path), check=True, capture_output=True, timeout=300)
    before = _snapshot(index)
    _write_archive(archive, 150, 1, rng)  # every document changes: a partial rebuild would show it
    rebuild = [*_index_cmd(tmp_path, index), "--rebuild"]
    states = []
    for _ in range(6):
        proc = subprocess.Popen(rebuild, env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.2, 3.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        index_dirs.recover(index)  # what a searcher opening the index may call first
        assert whoosh_index.exists_in(str(index))
        states.append(_snapshot(index))
    done = subprocess.run(rebuild, env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = _snapshot(index)
    assert after != before
    assert all(state in (before, after) for state in states)  # never empty, never half rebuilt
    assert not index_dirs.staging_dir(index).exists() and not index_dirs.retired_dir(index).exists()
    clean = tmp_path / "var" / "clean"
    subprocess.run(_index_cmd(tmp_path, clean), env=_env(tmp_path), check=True, capture_output=True, timeout=300)
    assert after == _snapshot(clean)


def _tiny_archive(root: Path, version: int) -> Path:
    archive = root / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    for i in range(4):
        (archive / f"note{i}.txt").write_text(f"Note {i} version {version}\n\nRéunion du comité {i}.\n", encoding="utf-8")
    (root / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    return archive


def _titles(index: Path) -> list[str]:
    engine = Engine(index)
    try:
        return sorted(h.title for h in engine.search(SearchRequest(q="", per_page=100), principals=None).hits)
    finally:
        engine.close()


def test_a_crash_between_the_two_renames_is_completed_by_recover(tmp_path: Path) -> None:
    archive = _tiny_archive(tmp_path, 1)
    index = tmp_path / "var" / "index"
    settings = make_settings(archive, index, taxonomy=tmp_path / "taxonomy.toml")
    run_index(settings)
    staging = index_dirs.staging_dir(index)
    run_index(make_settings(archive, staging, taxonomy=tmp_path / "taxonomy.toml"))  # a complete rebuild
    index_dirs.mark_ready(staging)
    os.rename(index, index_dirs.retired_dir(index))  # the first rename; the crash comes here
    assert index_dirs.recover(index) == "completed an interrupted swap of the rebuilt index"
    assert _titles(index) == [f"Note {i} version 1" for i in range(4)]
    assert not staging.exists() and not index_dirs.retired_dir(index).exists()


def test_an_interrupted_swap_without_a_ready_rebuild_restores_the_old_index(tmp_path: Path) -> None:
    archive = _tiny_archive(tmp_path, 1)
    index = tmp_path / "var" / "index"
    run_index(make_settings(archive, index, taxonomy=tmp_path / "taxonomy.toml"))
    os.rename(index, index_dirs.retired_dir(index))
    assert index_dirs.recover(index) == "restored the previous index after an interrupted swap"
    assert len(_titles(index)) == 4


def test_a_searcher_open_across_the_swap_keeps_its_documents_and_a_new_one_sees_the_rebuild(tmp_path: Path) -> None:
    archive = _tiny_archive(tmp_path, 1)
    index = tmp_path / "var" / "index"
    settings = make_settings(archive, index, taxonomy=tmp_path / "taxonomy.toml")
    run_index(settings)
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as searcher:
        _tiny_archive(tmp_path, 2)
        report = run_index(settings, rebuild=True)
        assert report.rebuilt == "requested with --rebuild"
        assert not searcher.up_to_date()  # the new index has a higher generation
        old = sorted(searcher.stored_fields(d)["title"] for d in searcher.reader().all_doc_ids())
    assert old == [f"Note {i} version 1" for i in range(4)]
    assert _titles(index) == [f"Note {i} version 2" for i in range(4)]
