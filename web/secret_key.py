"""The key that signs session cookies: from the settings, else generated once and kept beside the users file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"


def secret_key_path(users_file: Path) -> Path:
    """Where the generated key lives: next to the users file, outside the repository."""
    return Path(users_file).parent / FILE_NAME


def load_or_create(path: Path) -> str:
    """The stored key, or a new random one written with 0600 permissions (sessions survive restarts)."""
    path = Path(path)
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the session key file {path}: {exc}") from None
    if len(key) >= 32:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    os.replace(tmp, path)
    return key
