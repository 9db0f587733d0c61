"""Walk the archive folders and list the candidate files, with why any file is left out."""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SIDECAR_SUFFIX = ".meta.json"
#: Errors that mean "this path is not there (any more)": its documents may go. Any other error
#: (permission denied, I/O error, a name too long...) means "there but unreadable now": they stay.
GONE_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})


@dataclass(frozen=True)
class FileRef:
    """One file found under a root: where it is, what it is called there, and its stat."""

    root: Path
    abspath: Path
    rel: str  # relative to root, '/' separators
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    """A path discovery left out on purpose, with the reason (reported, never silently lost).

    `unreadable` is the absolute path of a file or folder that exists but could not be read: what
    was indexed under it is kept, as an unreadable archive must not empty the index.
    """

    path: str
    reason: str
    unreadable: Path | None = None


@dataclass(frozen=True)
class Scope:
    """Where one walk starts (`start`) and what its paths are relative to (`root`, a corpus root)."""

    root: Path
    start: Path


def is_ignored_name(name: str) -> bool:
    """Hidden and underscore names are tooling (sources, _meta.toml), sidecars are metadata."""
    return name.startswith((".", "_", "~$")) or name.endswith(SIDECAR_SUFFIX)


def _resolve(path: Path) -> Path | None:
    """The real path, or None for a symbolic link loop (Python 3.11 raises RuntimeError, 3.13 OSError)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return None


def _is_link(path: Path) -> bool:
    """Path.is_symlink, False when even lstat fails (the error then surfaces where the path is read)."""
    try:
        return path.is_symlink()
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def scopes(paths: tuple[Path, ...], corpus: tuple[Path, ...] = ()) -> tuple[Scope, ...]:
    """Where to walk for `paths`, each keyed against the deepest corpus root holding it.

    A file keeps one identity (path relative to its corpus root) whether it is reached through the
    root, a sub-folder of it or on its own; a path outside every corpus root is its own root (a lone
    file: its folder). A path that cannot be resolved (a link loop) keeps its given form.
    """
    bases = [b for b in (_resolve(c) for c in corpus) if b is not None]
    out = []
    for given in paths:
        start = _resolve(given) or Path(os.path.abspath(given))
        holders = [b for b in bases if start.is_relative_to(b) and (start != b or not start.is_file())]
        if holders:
            out.append(Scope(max(holders, key=lambda b: len(b.parts)), start))
        else:
            out.append(Scope(start.parent if start.is_file() else start, start))
    return tuple(out)


def discover(
    roots: tuple[Path, ...], exclude: tuple[Path, ...] = (), *, corpus: tuple[Path, ...] = ()
) -> Iterator[FileRef | Skipped]:
    """Yield every regular file under `roots` (sorted, deterministic), or a Skipped naming the reason.

    Paths are relative to the corpus root holding them (see `scopes`). Links to folders are not
    followed (a link back to an ancestor would never end): they are reported, as are link loops and
    folders that cannot be listed.
    """
    excluded = {r for r in (_resolve(p) for p in exclude) if r is not None}
    for scope in scopes(tuple(roots), corpus):
        yield from _walk_scope(scope, excluded)


def _walk_scope(scope: Scope, excluded: set[Path]) -> Iterator[FileRef | Skipped]:
    """Everything under one scope: a lone file, or a folder walked without following links."""
    root, start = scope.root, scope.start
    if start.is_file():
        item = _check_file(start, root, excluded)
        if item is not None:
            yield item
        return
    if not start.is_dir():
        yield _missing(start)
        return
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False, onerror=errors.append):
        yield from _folder_errors(errors, root)
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if is_ignored_name(name):
                continue
            if _is_link(here / name):
                yield Skipped(_rel(here / name, root), "symbolic link to a folder (not followed)")
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not is_ignored_name(name):
                item = _check_file(here / name, root, excluded)
                if item is not None:
                    yield item
    yield from _folder_errors(errors, root)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _missing(start: Path) -> Skipped:
    """A given root that is not there, or is there but cannot be looked at (then its documents stay)."""
    try:
        start.stat()
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            unreadable = None if exc.errno in GONE_ERRNOS else start
            return Skipped(str(start), f"cannot read folder: {_reason(exc)}", unreadable)
    return Skipped(str(start), "folder not found")


def _folder_errors(errors: list[OSError], root: Path) -> Iterator[Skipped]:
    """Report (and empty) the folders os.walk could not list since the last call."""
    while errors:
        exc = errors.pop(0)
        path = Path(exc.filename) if exc.filename else root
        gone = exc.errno in GONE_ERRNOS
        yield Skipped(_rel(path, root), f"cannot read folder: {_reason(exc)}", None if gone else path)


def _check_file(path: Path, root: Path, excluded: set[Path]) -> FileRef | Skipped | None:
    """The FileRef of one listed name, a Skipped saying why it is left out, or None when excluded."""
    rel = _rel(path, root)
    target = _resolve(path)
    if target is None:
        return Skipped(rel, "symbolic link loop")
    if target in excluded:
        return None
    if _is_link(path) and not target.is_relative_to(root):
        return Skipped(rel, "symbolic link pointing outside the indexed folder")
    try:
        st = path.stat()
    except OSError as exc:
        gone = exc.errno in GONE_ERRNOS
        return Skipped(rel, f"cannot read file: {_reason(exc)}", None if gone else path)
    if not stat.S_ISREG(st.st_mode):
        return Skipped(rel, "not a regular file")
    return FileRef(root, path, rel, st.st_size, st.st_mtime_ns)
