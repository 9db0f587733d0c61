"""One indexer at a time per index: an OS-level lock that vanishes with its process (even on kill -9)."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = ".arshif-indexer.lock"


class IndexBusyError(RuntimeError):
    """Another `arshif index` holds the lock on this index."""


class IndexerLock:
    """Exclusive flock on a file next to the index; waits up to `wait_s` seconds, then refuses."""

    def __init__(self, index_dir: Path, wait_s: float = 0.0) -> None:
        self.path = Path(index_dir).parent / (Path(index_dir).name + LOCK_NAME)
        self.wait_s = wait_s
        self._fd: int | None = None

    def __enter__(self) -> "IndexerLock":
        import time

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self._fd)
                    self._fd = None
                    raise IndexBusyError(
                        f"another 'arshif index' is running on {self.path.parent}; "
                        "wait for it to finish and run again"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, str(os.getpid()).encode())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
