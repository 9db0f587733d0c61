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

from benchmarks.procmem import PeakSampler, _children, tree_rss  # noqa: E402
from benchmarks.table import render  # noqa: E402

COLUMNS = ("run", "workers", "documents", "seconds", "docs/s", "pages/s", "peak RSS tree MB", "peak PSS tree MB",
           "peak RSS 1 proc MB", "index MB")
CHANGE_SHARE = 0.01


def pss_bytes(pid: int) -> int:
    """Proportional set size of one process: shared pages (a forked worker's copy of its parent's
    memory) split among the processes sharing them, so a tree's sum is its real footprint."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(PeakSampler):
    """PeakSampler that also keeps the peak PSS sum of the tree (RSS sums count forked copies N times)."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        super().__init__(pid, interval_s)
        self.peak_pss = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            total, single = tree_rss(self.pid)
            self.peak_total, self.peak_single = max(self.peak_total, total), max(self.peak_single, single)
            self.peak_pss = max(self.peak_pss, sum(pss_bytes(p) for p in tree_pids(self.pid)))
            self._stop.wait(self.interval_s)


def tree_pids(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    tree, todo, out = _children(), [pid], []
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, ()))
    return out


def settings_for(corpus: Path, out: Path, workers: int):
    """Settings of a benchmark index (no config file, no environment, no OCR)."""
    from search.config import load_settings

    taxonomy = corpus / "_taxonomy.toml"
    return load_settings(
        Path("/nonexistent/arshif.toml"), environ={}, index_dir=out / "index", cache_dir=out / "cache",
        corpus=(corpus,), taxonomy=taxonomy, workers=workers, ocr=False,
    )


def child(corpus: Path, out: Path, workers: int, compound: bool, limitmb: int | None = None,
          rebuild: bool = False) -> None:
    """In the child process: one run_index, its report as JSON on stdout."""
    from indexer import writer
    from indexer.pipeline import run_index

    if limitmb:
        writer.WRITER_LIMIT_MB = limitmb
    started = time.perf_counter()
    report = run_index(settings_for(corpus, out, workers), compound=compound, rebuild=rebuild)
    print(json.dumps({
        "seconds": time.perf_counter() - started, "documents": report.documents,
        "extracted": report.extracted, "pages": report.pages, "new": len(report.new),
        "updated": len(report.updated), "failed": len(report.failed),
    }))


def measured(corpus: Path, out: Path, workers: int, compound: bool, limitmb: int | None = None,
             rebuild: bool = False) -> dict:
    """Run one indexing child and sample its process tree."""
    cmd = [sys.executable, "-m", "benchmarks.bench_index", "--child", "--corpus", str(corpus), "--out", str(out),
           "--workers", str(workers), *([] if compound else ["--separate-files"]),
           *(["--writer-limit-mb", str(limitmb)] if limitmb else []), *(["--rebuild"] if rebuild else [])]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"indexing child failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(peak_total=sampler.peak_total / 2**20, peak_single=sampler.peak_single / 2**20,
                  peak_pss=sampler.peak_pss / 2**20)
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


def _row(run: str, workers: int, r: dict, out: Path, rate: bool) -> tuple:
    """One table row from a measured child run."""
    nan = float("nan")
    return (run, workers, r["documents"], r["seconds"], r["documents"] / r["seconds"] if rate else nan,
            r["pages"] / r["seconds"] if rate else nan, r["peak_total"], r["peak_pss"], r["peak_single"],
            dir_mb(out / "index"))


def run(corpus: Path, out: Path, workers_list: list[int], compound: bool, fts5: bool = True,
        limits: tuple[int | None, ...] = (None,), rebuild: bool = True) -> str:
    """All indexing rows; the last worker count's index is kept for the re-runs and the search benchmark."""
    rows = []
    for limitmb in limits:
        for workers in workers_list:
            shutil.rmtree(out, ignore_errors=True)
            r = measured(corpus, out, workers, compound, limitmb)
            label = "full build" + (f" (writer limitmb {limitmb})" if limitmb else "")
            rows.append(_row(label, workers, r, out, True))
    workers, limitmb = workers_list[-1], limits[-1]
    rows.append(_row("no-change re-run", workers, measured(corpus, out, workers, compound, limitmb), out, False))
    old = change_some(corpus, CHANGE_SHARE)
    try:
        r = measured(corpus, out, workers, compound, limitmb)
    finally:
        for path, data in old.items():
            path.write_bytes(data)
    rows.append(_row(f"{CHANGE_SHARE:.0%} changed re-run ({r['updated'] + r['new']} files)", workers, r, out, False))
    measured(corpus, out, workers, compound, limitmb)  # back in line with the restored files
    if rebuild:  # built beside the live index and swapped in: the old one stays searchable meanwhile
        rows.append(_row("--rebuild (staged + swap)", workers,
                         measured(corpus, out, workers, compound, limitmb, rebuild=True), out, True))
    if fts5:
        n, seconds = fts5_insert_rate(out / "index")
        rows.append(("FTS5 insert of the same records", 1, n, seconds, n / seconds, *([float("nan")] * 5)))
    return render(f"Indexing {corpus.name} (end to end from files, run_index)", COLUMNS, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--writer-limit-mb", type=int, nargs="+", default=[None],
                        help="Whoosh posting pool per writer process (one full build per value)")
    parser.add_argument("--separate-files", action="store_true", help="compound=False segments")
    parser.add_argument("--no-fts5", action="store_true")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the --rebuild row")
    parser.add_argument("--rebuild", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.corpus, args.out, args.workers[0], not args.separate_files, args.writer_limit_mb[0], args.rebuild)
        return
    print(run(args.corpus, args.out, args.workers, not args.separate_files, not args.no_fts5,
              tuple(args.writer_limit_mb), not args.no_rebuild), flush=True)


if __name__ == "__main__":
    main()
