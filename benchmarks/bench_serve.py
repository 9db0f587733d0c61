"""The web app under concurrent clients: `arshif serve` (waitress) on loopback, driven by threads.

    python -m benchmarks.bench_serve --index /work/bench-data/ix10k/index --clients 16 --requests 400 [--during-index]

--during-index: the index is first copied to a temporary folder and served from there; a third of the
way in, `arshif index` adds 200 changed copies of corpus documents to it and commits while the clients
keep searching (they go on until that run has finished and `requests` have been sent).
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.procmem import PeakSampler  # noqa: E402
from benchmarks.table import render, summary  # noqa: E402

COLUMNS = ("mode", "clients", "requests", "errors", "requests/s", "median ms", "p95 ms", "p99 ms", "max ms", "server peak RSS MB")
WORDS = ("migration", "الهجرة", "rapport", "programme", "التعاون", "jeunes", "تقرير", "coopération")
EXTRA = (("q", "rapport migration"), ("q", "programme&lang=fr"), ("q", "التعاون&year=2015"), ("q", '"programme national"'))
EXTRA_DOCS = 200


def _paths():
    """An endless deterministic mix: single words, two words, a phrase, words with a facet filter."""
    for i in itertools.count():
        if i % 5 == 4:
            key, value = EXTRA[(i // 5) % len(EXTRA)]
            word, _, extra = value.partition("&")
            yield f"/search.json?{urlencode({key: word})}" + (f"&{extra}" if extra else "")
        else:
            yield f"/search.json?{urlencode({'q': WORDS[i % len(WORDS)]})}"


def _doc_count(index_dir: Path) -> int:
    """Documents in the index now (to prove the mid-run commit happened)."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir))
    try:
        return ix.doc_count()
    finally:
        ix.close()


def _corpus_root(index_dir: Path) -> Path:
    """The folder the index was built from (recorded by the indexer)."""
    files = json.loads((index_dir / "arshif-files.json").read_text(encoding="utf-8"))["files"]
    return Path(next(iter(files.values()))["root"])


def _start_index_run(index_dir: Path, work: Path) -> subprocess.Popen:
    """`arshif index` over the original corpus plus 200 changed copies of its documents (so it commits)."""
    root = _corpus_root(index_dir)
    extra = work / "extra"
    extra.mkdir()
    for i, path in enumerate(sorted(root.glob("*/*.txt"))[:EXTRA_DOCS]):
        (extra / path.name).write_text(path.read_text(encoding="utf-8") + f"\nbench-serve {i}\n", encoding="utf-8")
    env = dict(os.environ)
    if (root / "_taxonomy.toml").is_file():  # the generated corpus's own taxonomy, as bench_index used:
        env["ARSHIF_TAXONOMY"] = str(root / "_taxonomy.toml")  # another one would relabel every document
    return subprocess.Popen([sys.executable, "-m", "indexer.cli", "index", str(root), str(extra), "--index", str(index_dir), "--workers", "1"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/search.json?q=x")
                conn.getresponse().read()
                return
            finally:
                conn.close()
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def run(index_dir: Path, clients: int = 16, requests: int = 400, during_index: bool = False) -> str:
    """Start the server, fire searches from `clients` threads, report throughput, latency and peak RSS."""
    work = Path(tempfile.mkdtemp(prefix="arshif-serve-")) if during_index else None
    try:
        if work is not None:
            served = work / "index"
            shutil.copytree(index_dir, served)
            index_dir = served
        before = _doc_count(index_dir)
        row = _load(index_dir, clients, requests, work)
        if work is not None:
            added = _doc_count(index_dir) - before
            if added <= 0:
                raise SystemExit("the index run during the load committed no document")
            row = (f"index run commits (+{added} docs)", *row[1:])
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return render(f"Web app under {clients} concurrent clients (waitress, loopback)", COLUMNS, [row])


def _load(index_dir: Path, clients: int, requests: int, work: Path | None) -> tuple:
    """One load run against a fresh server; an index run commits into it a third of the way when `work` is given."""
    port = _free_port()
    env = {**os.environ, "ARSHIF_INDEX_DIR": str(index_dir), "ARSHIF_PORT": str(port), "ARSHIF_HOST": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "-m", "indexer.cli", "serve", "--index", str(index_dir), "--host", "127.0.0.1",
                               "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    indexer: list[subprocess.Popen] = []
    try:
        with PeakSampler(server.pid) as sampler:
            _wait_up(port)
            latencies: list[float] = []
            errors = [0]
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            todo = _paths()
            sent = [0]

            def next_path() -> str | None:
                with lock:
                    if sent[0] == requests // 3 and work is not None and not indexer:
                        indexer.append(_start_index_run(index_dir, work))
                    running = bool(indexer) and indexer[0].poll() is None
                    if sent[0] >= requests and not running:
                        return None
                    sent[0] += 1
                    return next(todo)

            def client() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                while True:
                    path = next_path()
                    if path is None:
                        conn.close()
                        return
                    started = time.perf_counter()
                    try:
                        conn.request("GET", path)
                        resp = conn.getresponse()
                        resp.read()
                        ok = resp.status == 200
                        status = resp.status
                    except OSError:
                        ok, status = False, 0
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        latencies.append((time.perf_counter() - started) * 1000)
                        errors[0] += not ok
                        statuses[status] = statuses.get(status, 0) + 1

            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
        for proc in indexer:
            proc.wait(600)
    if indexer and indexer[0].returncode != 0:
        raise SystemExit(f"the index run during the load failed (exit {indexer[0].returncode})")
    s = summary(latencies)
    mode = "index run commits" if work is not None else "search only"
    done = len(latencies)
    return (mode, clients, done, f"{errors[0]} {sorted(statuses.items())}" if errors[0] else 0, done / elapsed,
            s["median"], s["p95"], s["p99"], s["max"], sampler.peak_total / 2**20)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--during-index", action="store_true", help="an index run commits into a copy of the index mid-way")
    args = parser.parse_args(argv)
    print(run(args.index, args.clients, args.requests, args.during_index), flush=True)


if __name__ == "__main__":
    main()
