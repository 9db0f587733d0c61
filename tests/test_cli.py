"""The `arshif` command contract: index, search (--json shape), stats, errors as sentences."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from indexer.cli import main
from tests.conftest import REPO, write_corpus


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "ARSHIF_WORKERS": "1", "ARSHIF_OCR": "false",
           "ARSHIF_TAXONOMY": str(cwd / "corpus" / "taxonomy.toml"), "ARSHIF_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *args], cwd=cwd, env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=300,
    )


def test_index_then_search_through_the_console_entry(tmp_path: Path):
    write_corpus(tmp_path / "corpus")
    out = _run("index", "corpus", "--index", "idx", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "new 7 / updated 0 / unchanged 0 / removed 0 / failed 2" in out.stdout
    assert "failed: broken/empty.txt: empty file" in out.stdout
    assert "duplicate: copies/marhaba-2019-copie.html has the same content as communiques/marhaba-2019.html" in out.stdout
    again = _run("index", "corpus", "--index", "idx", cwd=tmp_path)
    assert "new 0 / updated 0 / unchanged 7 / removed 0" in again.stdout
    found = _run("search", "AMUDDU", "--index", "idx", "--json", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["total"] == 1
    assert data["hits"][0]["path"] == "conventions/amuddu-enabel-2018.txt"
    assert set(data) >= {"query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion"}


def test_search_filters_and_sort(indexed, capsys):
    settings, _ = indexed
    code = main(["search", "المهاجرين", "--index", str(settings.index_dir), "--filter", "lang=ar", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["lang"] for h in data["hits"]] == ["ar", "ar"]
    code = main(["search", "", "--index", str(settings.index_dir), "--sort", "-date", "--json", "--limit", "3"])
    dates = [h["date"] for h in json.loads(capsys.readouterr().out)["hits"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3


def test_bad_filter_and_missing_index_are_sentences(tmp_path: Path, capsys):
    assert main(["search", "x", "--index", str(tmp_path / "none"), "--filter", "colour=red"]) == 2
    assert "NAME one of lang, type" in capsys.readouterr().err
    assert main(["search", "x", "--index", str(tmp_path / "none")]) == 2
    assert "run 'arshif index' first" in capsys.readouterr().err
    assert main(["search", "x", "--index", str(tmp_path / "none"), "--from", "last week"]) == 2
    assert "'from' must be a date" in capsys.readouterr().err


def test_stats_json(indexed, capsys):
    settings, _ = indexed
    assert main(["stats", "--index", str(settings.index_dir), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 6
    assert stats["facets"]["lang"] == {"fr": 3, "ar": 2, "en": 1}
