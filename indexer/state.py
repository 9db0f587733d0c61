"""What the last run saw of each file (stat, content hash, outcome), to index only what changed."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "arshif-files.json"


@dataclass(frozen=True)
class FileState:
    """One file as of the last committed run."""

    rel: str
    root: str
    size: int
    mtime_ns: int
    hash: str
    error: str | None = None  # reason when the file failed
    meta_key: str = ""  # fingerprint of the sidecar metadata that applied


def load_state(index_dir: Path) -> dict[str, FileState]:
    """Read the state next to the index, keyed by absolute path; empty when absent or unreadable."""
    try:
        raw = json.loads((Path(index_dir) / STATE_FILE).read_text(encoding="utf-8"))
        return {k: FileState(**v) for k, v in raw.get("files", {}).items()}
    except (OSError, ValueError, TypeError):
        return {}


def save_state(index_dir: Path, files: dict[str, FileState]) -> None:
    """Write the state atomically (temp file + rename), so a crash leaves the old or the new one whole."""
    path = Path(index_dir) / STATE_FILE
    tmp = path.with_suffix(".tmp")
    data = {"files": {k: vars(v) for k, v in sorted(files.items())}}  # vars: asdict deep-copies, 10x slower
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


PENDING_FILE = "arshif-commit-pending"


def mark_pending(index_dir: Path) -> None:
    """Say that a commit is under way whose state is not saved yet (cleared once it is)."""
    with open(Path(index_dir) / PENDING_FILE, "w", encoding="utf-8") as fh:
        fh.flush()
        os.fsync(fh.fileno())


def clear_pending(index_dir: Path) -> None:
    """The state matches the index again."""
    (Path(index_dir) / PENDING_FILE).unlink(missing_ok=True)


def is_pending(index_dir: Path) -> bool:
    """True when a run stopped between a commit and the save of its state: the index may hold
    documents the state does not know."""
    return (Path(index_dir) / PENDING_FILE).exists()


META_FILE = "arshif-meta.json"


def load_meta(index_dir: Path) -> dict:
    """Run-level facts stored beside the index (e.g. the taxonomy fingerprint)."""
    try:
        return json.loads((Path(index_dir) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_meta(index_dir: Path, meta: dict) -> None:
    """Write run-level facts atomically."""
    path = Path(index_dir) / META_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, path)


def content_hash(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes, streamed (huge files never sit in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def doc_id(content_sha: str) -> str:
    """Document id: identical content under two paths is one document."""
    return content_sha[:16]
