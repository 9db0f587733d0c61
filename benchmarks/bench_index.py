"""Indexing benchmark: end-to-end `run_index` from files with 1 and 2 workers, re-runs, memory, size.

Each configuration runs in a child process (a fresh interpreter) whose whole process tree is
sampled from /proc for peak RSS. The FTS5 row inserts the same prepared records into SQLite FTS5
(the engine-only baseline: no extraction, no labelling).

    python -m benchmarks.bench_index --corpus /work/bench-data/c10k --out /work/bench-data/ix10k
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.procmem import PeakSampler  # noqa: E402
from benchmarks.table import render  # noqa: E402

COLUMNS = ("run", "workers", "documents", "seconds", "docs/s", "pages/s", "peak RSS tree MB", "peak RSS 1 proc MB", "index MB")
CHANGE_SHARE = 0.01


def settings_for(corpus: Path, out: Path, workers: int):
    """Settings of a benchmark index (no config file, no environment, no OCR)."""
    from search.config import load_settings

    taxonomy = corpus / "_taxonomy.toml"
    return load_settings(
        Path("/nonexistent/arshif.toml"), environ={}, index_dir=out / "index", cache_dir=out / "cache",
        corpus=(corpus,), taxonomy=taxonomy, workers=workers, ocr=False,
    )


def child(corpus: Path, out: Path, workers: int, compound: bool) -> None:
    """In the child process: one run_index, its report as JSON on stdout."""
    from indexer.pipeline import run_index

    started = time.perf_counter()
    report = run_index(settings_for(corpus, out, workers), compound=compound)
    print(json.dumps({
        "seconds": time.perf_counter() - started, "documents": report.documents,
        "extracted": report.extracted, "pages": report.pages, "new": len(report.new),
        "updated": len(report.updated), "failed": len(report.failed),
    }))


def measured(corpus: Path, out: Path, workers: int, compound: bool) -> dict:
    """Run one indexing child and sample its process tree."""
    cmd = [sys.executable, "-m", "benchmarks.bench_index", "--child", "--corpus", str(corpus), "--out", str(out),
           "--workers", str(workers), *([] if compound else ["--separate-files"])]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    with PeakSampler(proc.pid) as sampler:
        stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"indexing child failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(peak_total=sampler.peak_total / 2**20, peak_single=sampler.peak_single / 2**20)
    return result


def dir_mb(path: Path) -> float:
    """Size of the files under `path` in MB."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def change_some(corpus: Path, share: float) -> dict[Path, bytes]:
    """Append a line to `share` of the files (every k-th, deterministic); returns their old bytes."""
    files = sorted(p for p in corpus.rglob("*.txt") if not p.name.startswith("_"))
    step = max(1, round(1 / share))
    old = {}
    for path in files[::step]:
        old[path] = path.read_bytes()
        path.write_bytes(old[path] + "\nmodification du benchmark\n".encode())
    return old


def fts5_insert_rate(index_dir: Path) -> tuple[int, float]:
    """Documents and seconds to load the index's stored records into an FTS5 table (engine-only)."""
    from benchmarks.fts5 import build_fts5, stored_rows

    rows = list(stored_rows(index_dir))
    target = index_dir.parent / "fts5-insert.sqlite"
    started = time.perf_counter()
    build_fts5(target, rows)
    seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return len(rows), seconds


def run(corpus: Path, out: Path, workers_list: list[int], compound: bool, fts5: bool = True) -> str:
    """All indexing rows; the last worker count's index is kept for the re-runs and the search benchmark."""
    rows = []
    for workers in workers_list:
        shutil.rmtree(out, ignore_errors=True)
        r = measured(corpus, out, workers, compound)
        rows.append(("full build", workers, r["documents"], r["seconds"], r["documents"] / r["seconds"],
                     r["pages"] / r["seconds"], r["peak_total"], r["peak_single"], dir_mb(out / "index")))
    workers = workers_list[-1]
    r = measured(corpus, out, workers, compound)
    rows.append(("no-change re-run", workers, r["documents"], r["seconds"], float("nan"), float("nan"),
                 r["peak_total"], r["peak_single"], dir_mb(out / "index")))
    old = change_some(corpus, CHANGE_SHARE)
    try:
        r = measured(corpus, out, workers, compound)
    finally:
        for path, data in old.items():
            path.write_bytes(data)
    rows.append((f"{CHANGE_SHARE:.0%} changed re-run ({r['updated'] + r['new']} files)", workers, r["documents"],
                 r["seconds"], float("nan"), float("nan"), r["peak_total"], r["peak_single"], dir_mb(out / "index")))
    measured(corpus, out, workers, compound)  # back in line with the restored files
    if fts5:
        n, seconds = fts5_insert_rate(out / "index")
        rows.append(("FTS5 insert of the same records", 1, n, seconds, n / seconds, float("nan"),
                     float("nan"), float("nan"), float("nan")))
    return render(f"Indexing {corpus.name} (end to end from files, run_index)", COLUMNS, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--separate-files", action="store_true", help="compound=False segments")
    parser.add_argument("--no-fts5", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.corpus, args.out, args.workers[0], not args.separate_files)
        return
    print(run(args.corpus, args.out, args.workers, not args.separate_files, not args.no_fts5), flush=True)


if __name__ == "__main__":
    main()
