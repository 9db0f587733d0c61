"""Peak resident memory of a process tree, sampled from /proc (no psutil)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum of RSS over `pid` and all its descendants, RSS of the largest single process)."""
    tree = _children()
    todo, total, largest = [pid], 0, 0
    while todo:
        p = todo.pop()
        rss = rss_bytes(p)
        total += rss
        largest = max(largest, rss)
        todo.extend(tree.get(p, ()))
    return total, largest


class PeakSampler:
    """Samples a process tree's RSS in a thread until stopped; keeps the peaks (total and per process)."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        self.pid, self.interval_s = pid, interval_s
        self.peak_total = self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total, single = tree_rss(self.pid)
            self.peak_total, self.peak_single = max(self.peak_total, total), max(self.peak_single, single)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
