"""Searches keep answering while an index run commits; two index runs at once never corrupt."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from indexer.pipeline import run_index
from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import REPO, TAXONOMY, make_settings


def _archive(root: Path, n: int, start: int = 0) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (root / f"c{i:04d}.txt").write_text(
            f"Compte rendu {i}\n\nRéunion de coordination sur la mobilité des jeunes, séance {i}.\n" * 20, encoding="utf-8"
        )


def test_searches_answer_during_commits_and_see_new_documents(tmp_path: Path):
    archive = tmp_path / "archive"
    _archive(archive, 40)
    (tmp_path / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    settings = make_settings(archive, tmp_path / "var" / "index", taxonomy=tmp_path / "taxonomy.toml")
    run_index(settings)
    engine = Engine(settings.index_dir)
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                seen.append(engine.search(SearchRequest(q="coordination mobilité"), principals=None).total)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for batch in range(3):
            _archive(archive, 40, start=40 * (batch + 1))
            run_index(settings)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    assert seen and all(total in (40, 80, 120, 160) for total in seen)
    assert engine.search(SearchRequest(q="coordination mobilité"), principals=None).total == 160


def test_a_second_index_run_waits_or_exits_with_a_message(tmp_path: Path):
    archive = tmp_path / "archive"
    _archive(archive, 300)
    (tmp_path / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARSHIF_WORKERS": "1", "ARSHIF_OCR": "false",
           "ARSHIF_TAXONOMY": str(tmp_path / "taxonomy.toml"), "ARSHIF_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "indexer.cli", "index", str(archive), "--index", str(tmp_path / "idx")]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / "idx.arshif-indexer.lock"
    import time

    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    if second.returncode != 0:
        assert second.returncode == 3
        assert "another 'arshif index' is running" in second.stderr
    engine = Engine(tmp_path / "idx")
    assert engine.search(SearchRequest(q="coordination"), principals=None).total == 300
