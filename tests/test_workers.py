"""Bounded workers: a hang, a crash or a memory blow-up becomes a reported failure and the run goes on."""
from __future__ import annotations

import os
import time

from indexer.extract.base import ExtractionError
from indexer.workers import run_tasks


def _task(kind: str) -> str:
    if kind == "ok":
        return "fine"
    if kind == "hang":
        time.sleep(60)
    if kind == "crash":
        os._exit(7)
    if kind == "memory":
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))
    if kind == "bad":
        raise ExtractionError("x.pdf", "corrupt PDF: no root object")
    raise ValueError("unexpected thing")


def test_every_task_comes_back_with_a_result_or_a_reason():
    tasks = ["ok", "hang", "crash", "memory", "bad", "weird", "ok"]
    outcomes = list(run_tasks(tasks, _task, workers=2, timeout_s=3, memory_mb=400))
    by_task: dict[str, list] = {}
    for o in outcomes:
        by_task.setdefault(o.task, []).append(o)
    assert len(outcomes) == len(tasks)
    assert [o.value for o in by_task["ok"]] == ["fine", "fine"]
    assert by_task["hang"][0].reason == "timed out after 3 s"
    assert by_task["crash"][0].reason == "extractor crashed (exit code 7)"
    assert "out of memory" in by_task["memory"][0].reason
    assert by_task["bad"][0].reason == "corrupt PDF: no root object"
    assert by_task["weird"][0].reason == "ValueError: unexpected thing"
