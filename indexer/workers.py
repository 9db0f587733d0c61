"""Run a function over tasks in worker processes, each task bounded in time and memory.

A task that hangs is killed at its deadline, a worker that dies (segfault, out of memory) is
replaced; either way the task comes back as a failure with a reason and the run goes on.
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

from indexer.extract.base import ExtractionError


@dataclass(frozen=True)
class Outcome:
    """The result of one task: `value` when ok, else `reason`."""

    task: Any
    ok: bool
    value: Any = None
    reason: str = ""


def _address_space() -> int:
    """Bytes of address space this process already holds (inherited from the parent at fork)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(memory_mb: int) -> None:
    """Give each file `memory_mb` of room beyond what the forked worker starts with."""
    if memory_mb > 0:
        limit = _address_space() + memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass


def _worker_loop(conn: Connection, func: Callable[[Any], Any], memory_mb: int) -> None:
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        try:
            conn.send((True, func(task)))
        except ExtractionError as exc:
            conn.send((False, exc.reason))
        except MemoryError:
            conn.send((False, f"out of memory (limit {memory_mb} MB per file)"))
        except RecursionError:
            conn.send((False, "structure nested too deeply"))
        except Exception as exc:  # noqa: BLE001 - reported with its type, never swallowed
            conn.send((False, f"{type(exc).__name__}: {exc}"[:500]))


class _Worker:
    def __init__(self, ctx: Any, func: Callable[[Any], Any], memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child, func, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task: Any = None
        self.deadline = 0.0

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def run_tasks(
    tasks: Iterable[Any],
    func: Callable[[Any], Any],
    *,
    workers: int = 2,
    timeout_s: float = 120.0,
    memory_mb: int = 2048,
) -> Iterator[Outcome]:
    """Yield one Outcome per task, in completion order, from `workers` bounded processes."""
    ctx = mp.get_context("fork")
    pending = iter(tasks)
    pool = [_Worker(ctx, func, memory_mb) for _ in range(max(1, workers))]
    idle = list(pool)
    busy: dict[Connection, _Worker] = {}
    exhausted = False
    try:
        while True:
            while idle and not exhausted:
                try:
                    task = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                worker = idle.pop()
                worker.task, worker.deadline = task, time.monotonic() + timeout_s
                worker.conn.send(task)
                busy[worker.conn] = worker
            if not busy:
                return
            wait_for = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            ready = wait(list(busy), timeout=wait_for)
            for conn in ready:
                worker = busy.pop(conn)
                try:
                    ok, value = conn.recv()
                except (EOFError, OSError):
                    worker.proc.join(1)
                    code = worker.proc.exitcode
                    reason = (
                        "extractor ran out of memory or was killed"
                        if code in (-9, 137)
                        else f"extractor crashed (exit code {code})"
                    )
                    worker.kill()
                    replacement = _Worker(ctx, func, memory_mb)
                    pool[pool.index(worker)] = replacement
                    idle.append(replacement)
                    yield Outcome(worker.task, False, reason=reason)
                    continue
                idle.append(worker)
                yield Outcome(worker.task, True, value) if ok else Outcome(worker.task, False, reason=value)
            now = time.monotonic()
            for conn, worker in list(busy.items()):
                if worker.deadline <= now:
                    del busy[conn]
                    worker.kill()
                    replacement = _Worker(ctx, func, memory_mb)
                    pool[pool.index(worker)] = replacement
                    idle.append(replacement)
                    yield Outcome(worker.task, False, reason=f"timed out after {timeout_s:g} s")
    finally:
        for worker in pool:
            try:
                if worker.proc.is_alive():
                    worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in pool:
            worker.proc.join(0.5)
            worker.kill()
