"""The web app under concurrent clients: `arshif serve` (waitress) on loopback, driven by threads.

    python -m benchmarks.bench_serve --index /work/bench-data/ix10k/index --clients 16 --requests 400
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.procmem import PeakSampler  # noqa: E402
from benchmarks.table import render, summary  # noqa: E402

COLUMNS = ("clients", "requests", "errors", "requests/s", "median ms", "p95 ms", "p99 ms", "max ms", "server peak RSS MB")
WORDS = ("migration", "الهجرة", "rapport", "programme", "التعاون", "jeunes", "تقرير", "coopération")


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


def run(index_dir: Path, clients: int = 16, requests: int = 400) -> str:
    """Start the server, fire `requests` searches from `clients` threads, report throughput and latency."""
    port = _free_port()
    env = {**os.environ, "ARSHIF_INDEX_DIR": str(index_dir), "ARSHIF_PORT": str(port), "ARSHIF_HOST": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "-m", "indexer.cli", "serve", "--index", str(index_dir), "--host", "127.0.0.1",
                               "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with PeakSampler(server.pid) as sampler:
            _wait_up(port)
            paths = [f"/search.json?{urlencode({'q': WORDS[i % len(WORDS)]})}" for i in range(requests)]
            latencies: list[float] = []
            errors = [0]
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            todo = iter(paths)

            def client() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                while True:
                    with lock:
                        path = next(todo, None)
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
    s = summary(latencies)
    row = (clients, requests, f"{errors[0]} {sorted(statuses.items())}" if errors[0] else 0, requests / elapsed, s["median"], s["p95"], s["p99"], s["max"], sampler.peak_total / 2**20)
    return render(f"Web app under {clients} concurrent clients (waitress, loopback)", COLUMNS, [row])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args(argv)
    print(run(args.index, args.clients, args.requests), flush=True)


if __name__ == "__main__":
    main()
