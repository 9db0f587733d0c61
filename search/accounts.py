"""Local staff accounts in one TOML file, with salted scrypt password hashes (never plain text)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from search.access import User

_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class Account:
    """One stored account."""

    name: str
    password_hash: str
    groups: tuple[str, ...] = ()


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Salted scrypt hash in the form scrypt$n$r$p$salt$hash (base64)."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def load_accounts(path: Path) -> dict[str, Account]:
    """Accounts from the users file ({} when it does not exist); a malformed file is an error naming it."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read users file {path}: {exc}") from None
    out = {}
    for name, entry in (data.get("users") or {}).items():
        if not isinstance(entry, dict) or "password" not in entry:
            raise ValueError(f"users file {path}: user {name!r} needs a 'password' hash")
        out[name] = Account(name, str(entry["password"]), tuple(str(g) for g in entry.get("groups", [])))
    return out


def save_accounts(path: Path, accounts: dict[str, Account]) -> None:
    """Write the users file atomically, readable by its owner only."""
    lines = ["# Arshif staff accounts: written by `arshif user add`; passwords are salted scrypt hashes.", ""]
    for name in sorted(accounts):
        acc = accounts[name]
        groups = ", ".join(f'"{g}"' for g in acc.groups)
        lines += [f'[users."{name}"]', f'password = "{acc.password_hash}"', f"groups = [{groups}]", ""]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    os.replace(tmp, path)


def add_user(path: Path, name: str, password: str, groups: tuple[str, ...] = ()) -> Account:
    """Create or replace one account (names: letters, digits, . _ @ -)."""
    if not _NAME.match(name):
        raise ValueError(f"invalid user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    for g in groups:
        if not _NAME.match(g):
            raise ValueError(f"invalid group name {g!r}: use letters, digits, '.', '_', '@' or '-'")
    accounts = load_accounts(path)
    accounts[name] = Account(name, hash_password(password), tuple(sorted(set(groups))))
    save_accounts(path, accounts)
    return accounts[name]


def authenticate(accounts: dict[str, Account], name: str, password: str) -> User | None:
    """The user when name and password match; None otherwise (same work either way)."""
    account = accounts.get(name)
    stored = account.password_hash if account else hash_password("decoy-password", b"0" * 16)
    ok = check_password(password, stored)
    return User(account.name, account.groups) if ok and account else None
