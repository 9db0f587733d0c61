"""The benchmarks run end to end at a tiny size and print their tables (never asserting on time)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REALDOCS


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 60-document generated archive and the output folder of its benchmark index."""
    if not REALDOCS.exists():
        pytest.skip("the generator needs ../shared/realdocs")
    from benchmarks.gen_corpus import generate

    root = tmp_path_factory.mktemp("bench")
    generate(root / "docs", 60, seed=1, words=80)
    return root / "docs", root / "out"


def _header(table: str) -> list[str]:
    line = next(l for l in table.splitlines() if l.startswith("| "))
    return [c.strip() for c in line.strip("|").split("|")]


def test_index_benchmark_prints_its_table(tiny):
    from benchmarks import bench_index

    table = bench_index.run(*tiny, workers_list=[1], compound=True)
    assert _header(table) == list(bench_index.COLUMNS)
    assert "no-change re-run" in table and "FTS5 insert" in table


def test_search_benchmark_prints_its_table(tiny):
    from benchmarks import bench_search

    table = bench_search.run(tiny[1] / "index", rounds=1, per_kind=2)
    assert _header(table) == list(bench_search.COLUMNS)
    assert "Arshif fastpath page" in table and "SQLite FTS5" in table


def test_serve_benchmark_prints_its_table(tiny):
    from benchmarks import bench_serve

    table = bench_serve.run(tiny[1] / "index", clients=2, requests=4)
    assert _header(table) == list(bench_serve.COLUMNS)
