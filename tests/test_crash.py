"""kill -9 the indexer at random moments: the index still opens, no lock blocks, the next run matches a clean build."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from whoosh import index as whoosh_index

from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import REPO, TAXONOMY

WORDS = ("migration coopération retour intégration formation emploi santé école famille consulat jeunesse "
         "région partenariat programme rapport réunion convention accueil diaspora investissement").split()
PROGRAMS = ("Opération Marhaba", "AMUDDU", "Enabel", "OIM", "Belgique", "Oriental")


def _write_archive(root: Path, n: int, version: int, rng: random.Random) -> None:
    for i in range(n):
        folder = root / f"lot{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        words = " ".join(rng.choice(WORDS) for _ in range(300))
        text = f"Communiqué numéro {i} version {version}\n\nRabat, le {1 + i % 27} mars {2010 + i % 12}\n\n{words} {PROGRAMS[i % len(PROGRAMS)]}\n"
        (folder / f"doc{i:03d}.txt").write_text(text, encoding="utf-8")


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "ARSHIF_WORKERS": "2", "ARSHIF_OCR": "false",
            "ARSHIF_TAXONOMY": str(root / "taxonomy.toml"), "ARSHIF_CACHE_DIR": str(root / "cache")}


def _index_cmd(root: Path, index: Path) -> list[str]:
    return [sys.executable, "-m", "indexer.cli", "index", str(root / "archive"), "--index", str(index), "--json"]


def _snapshot(index: Path) -> tuple[list[tuple[str, str]], dict]:
    engine = Engine(index)
    try:
        docs = sorted((h.path, h.title) for h in engine.search(SearchRequest(q="", per_page=1000), principals=None).hits)
        return docs, engine.stats(principals=None)["facets"]
    finally:
        engine.close()


def test_twenty_kills_leave_a_consistent_index(tmp_path: Path):
    rng = random.Random(20261125)
    (tmp_path / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    archive = tmp_path / "archive"
    index = tmp_path / "var" / "index"
    _write_archive(archive, 120, 0, rng)
    subprocess.run(_index_cmd(tmp_path, index), env=_env(tmp_path), check=True, capture_output=True, timeout=300)
    for kill in range(20):
        _write_archive(archive, 120, kill + 1, rng) if kill % 2 == 0 else None
        if kill % 5 == 4:
            victim = archive / f"lot{kill % 5}" / f"doc{kill:03d}.txt"
            victim.unlink(missing_ok=True)
        proc = subprocess.Popen(_index_cmd(tmp_path, index), env=_env(tmp_path), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.2, 2.5))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        ix = whoosh_index.open_dir(str(index))  # the last committed state opens and answers
        with ix.searcher() as searcher:
            assert searcher.doc_count() > 0
        ix.close()
    done = subprocess.run(_index_cmd(tmp_path, index), env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # no lock left behind blocks the next run
    report = json.loads(done.stdout)
    assert report["failed"] == []
    clean = tmp_path / "var" / "clean"
    subprocess.run(_index_cmd(tmp_path, clean), env=_env(tmp_path), check=True, capture_output=True, timeout=300)
    assert _snapshot(index) == _snapshot(clean)
