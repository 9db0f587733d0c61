"""Keep the index in step with the archive folders: re-run the (incremental) index when files change.

Polling the folders' stat is portable and cheap next to extraction: an unchanged pass stats files and
reads nothing; a pass with changes is an ordinary incremental run, so a new press release is
searchable seconds after it lands.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from indexer.discover import FileRef, discover
from indexer.lock import IndexBusyError
from indexer.pipeline import run_index
from indexer.report import IndexReport
from search.config import Settings


def snapshot(roots: Iterable[Path]) -> frozenset[tuple[str, int, int]]:
    """(path, size, mtime) of every file under the roots, including sidecars and _meta.toml files."""
    out = set()
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(Path(root), followlinks=False):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                out.add((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns))
    return frozenset(out)


def watch(
    settings: Settings,
    roots: Iterable[Path] | None = None,
    *,
    interval_s: float = 2.0,
    stop: threading.Event | None = None,
    on_report: Callable[[IndexReport], None] | None = None,
) -> None:
    """Index now, then again each time a file under the roots is added, changed or removed, until `stop`."""
    roots = tuple(Path(r) for r in (roots or settings.corpus))
    stop = stop or threading.Event()
    last: frozenset | None = None
    while not stop.is_set():
        current = snapshot(roots)
        if current != last:
            try:
                report = run_index(settings, roots, wait_s=interval_s)
            except IndexBusyError:
                stop.wait(interval_s)
                continue
            last = current
            if on_report:
                on_report(report)
        stop.wait(interval_s)
