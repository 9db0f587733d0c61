"""Walk the archive folders and list the candidate files, with why any file is left out."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SIDECAR_SUFFIX = ".meta.json"


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
    """A path discovery left out on purpose, with the reason (reported, never silently lost)."""

    path: str
    reason: str


def is_ignored_name(name: str) -> bool:
    """Hidden and underscore names are tooling (sources, _meta.toml), sidecars are metadata."""
    return name.startswith((".", "_", "~$")) or name.endswith(SIDECAR_SUFFIX)


def discover(roots: tuple[Path, ...], exclude: tuple[Path, ...] = ()) -> Iterator[FileRef | Skipped]:
    """Yield every regular file under `roots` (sorted, deterministic), or a Skipped naming the reason."""
    excluded = {p.resolve() for p in exclude}
    for root in roots:
        root = Path(root).resolve()
        if root.is_file():
            st = root.stat()
            yield FileRef(root.parent, root, root.name, st.st_size, st.st_mtime_ns)
            continue
        if not root.is_dir():
            yield Skipped(str(root), "folder not found")
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not is_ignored_name(d))
            for name in sorted(filenames):
                if is_ignored_name(name):
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                if path.resolve() in excluded:
                    continue
                if path.is_symlink():
                    target = path.resolve()
                    if not target.is_relative_to(root):
                        yield Skipped(rel, "symbolic link pointing outside the indexed folder")
                        continue
                try:
                    st = path.stat()
                except OSError as exc:
                    yield Skipped(rel, f"cannot read file: {exc.strerror or exc}")
                    continue
                if not path.is_file():
                    yield Skipped(rel, "not a regular file")
                    continue
                yield FileRef(root, path, rel, st.st_size, st.st_mtime_ns)
