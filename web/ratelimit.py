"""Failed sign-ins counted per user name and per client address in a sliding window (in this process)."""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class FailureLimiter:
    """At most `attempts` failures per key within `window_s` seconds; then the key waits."""

    def __init__(self, attempts: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = max(1, attempts)
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until every key may try again (0: allowed now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.attempts:
                    wait = max(wait, self.window_s - (now - times[-self.attempts]))
        return int(wait) + 1 if wait > 0 else 0

    def fail(self, keys: list[str]) -> None:
        """Count one failure against every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
                while len(times) > self.attempts:
                    times.popleft()

    def forget(self, key: str) -> None:
        """Clear a key's failures (the right password for that user name)."""
        with self._lock:
            self._failures.pop(key, None)
