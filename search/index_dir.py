"""Swap a rebuilt index into place without ever showing searchers an empty or partial one.

A rebuild is written in a sibling folder (`<index>.rebuild`), marked ready when complete, and then
exchanged with the live folder: in one atomic step where the OS offers it (Linux renameat2 with
RENAME_EXCHANGE), else by two renames (`<index>` -> `<index>.old`, `<index>.rebuild` -> `<index>`).
A crash between those two renames leaves no `<index>` folder; `recover` finishes the swap (or puts
the old index back) and is safe to call from the indexer and from a searcher opening the index.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
from pathlib import Path

STAGING_SUFFIX = ".rebuild"
RETIRED_SUFFIX = ".old"
READY_FILE = ".arshif-ready"
#: Must equal indexer.lock.LOCK_NAME (search never imports indexer; tests/test_rebuild.py checks it).
INDEXER_LOCK_NAME = ".arshif-indexer.lock"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_dir(index_dir: Path) -> Path:
    """The folder a rebuild of `index_dir` is written in."""
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + STAGING_SUFFIX)


def retired_dir(index_dir: Path) -> Path:
    """Where the old index waits between the two renames of a non-atomic swap."""
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + RETIRED_SUFFIX)


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders (Linux renameat2); False where the OS or file system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def mark_ready(staging: Path) -> None:
    """Say that the index in `staging` is complete (recover may then swap it in)."""
    (Path(staging) / READY_FILE).write_bytes(b"")
    _fsync_dir(Path(staging))


def swap_in(staging: Path, index_dir: Path) -> None:
    """Replace `index_dir` by the complete index in `staging`; the old index is deleted afterwards."""
    staging, index_dir = Path(staging), Path(index_dir)
    mark_ready(staging)
    if index_dir.exists() and _exchange(staging, index_dir):
        _fsync_dir(index_dir.parent)
        shutil.rmtree(staging, ignore_errors=True)  # now the old index
    else:
        retired = retired_dir(index_dir)
        shutil.rmtree(retired, ignore_errors=True)
        if index_dir.exists():
            os.rename(index_dir, retired)
        _fsync_dir(index_dir.parent)
        if not _rename_if_absent(staging, index_dir):
            raise OSError(f"could not move the rebuilt index {staging} to {index_dir}")
        _fsync_dir(index_dir.parent)
        shutil.rmtree(retired, ignore_errors=True)
    (index_dir / READY_FILE).unlink(missing_ok=True)


def _rename_if_absent(src: Path, dst: Path) -> bool:
    """Rename `src` to `dst` unless someone else (a concurrent recover) already did; True when `dst` exists."""
    try:
        os.rename(src, dst)
    except OSError:
        pass
    return dst.exists()


def _indexer_running(index_dir: Path) -> bool:
    """True when an `arshif index` holds the lock of `index_dir` (it will finish its own swap)."""
    path = index_dir.parent / (index_dir.name + INDEXER_LOCK_NAME)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases the probe lock
    return False


def recover(index_dir: Path, *, holding_lock: bool = False) -> str | None:
    """Finish a swap a crash interrupted, so `index_dir` holds a complete index; says what it did.

    Without `holding_lock` (a searcher), nothing is touched while an indexer runs: it swaps itself.
    """
    index_dir = Path(index_dir)
    staging, retired = staging_dir(index_dir), retired_dir(index_dir)
    if not holding_lock and _indexer_running(index_dir):
        return None
    done = None
    if not index_dir.exists():
        if (staging / READY_FILE).exists() and _rename_if_absent(staging, index_dir):
            (index_dir / READY_FILE).unlink(missing_ok=True)
            done = "completed an interrupted swap of the rebuilt index"
        elif retired.exists() and _rename_if_absent(retired, index_dir):
            done = "restored the previous index after an interrupted swap"
        _fsync_dir(index_dir.parent)
    if index_dir.exists() and retired.exists():
        shutil.rmtree(retired, ignore_errors=True)
    if holding_lock and index_dir.exists() and staging.exists():
        shutil.rmtree(staging, ignore_errors=True)  # an unfinished rebuild: it starts over
    return done
