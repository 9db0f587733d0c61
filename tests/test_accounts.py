"""Local accounts: salted hashes, the CLI that adds users, principals per user."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from indexer.cli import main
from search.access import User, principals, visibility_tokens
from search.accounts import add_user, authenticate, check_password, hash_password, load_accounts


def test_hashes_are_salted_and_verify():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert check_password("correct horse", a) and not check_password("wrong horse", a)
    assert not check_password("x", "garbage")


def test_cli_adds_users_with_groups(tmp_path: Path, monkeypatch, capsys):
    users = tmp_path / "users.toml"
    monkeypatch.setenv("ARSHIF_USERS_FILE", str(users))
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "amina", "--group", "cooperation", "--password-stdin"]) == 0
    assert "user amina saved" in capsys.readouterr().out
    text = users.read_text(encoding="utf-8")
    assert "s3cret-pass" not in text and "scrypt$" in text
    assert users.stat().st_mode & 0o077 == 0
    accounts = load_accounts(users)
    assert authenticate(accounts, "amina", "s3cret-pass") == User("amina", ("cooperation",))
    assert authenticate(accounts, "amina", "nope-nope") is None
    assert authenticate(accounts, "ghost", "s3cret-pass") is None


def test_bad_names_and_short_passwords_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="invalid user name"):
        add_user(tmp_path / "u.toml", "a b", "longenough")
    with pytest.raises(ValueError, match="at least 8"):
        add_user(tmp_path / "u.toml", "ab", "short")


@pytest.mark.parametrize(
    "visibility, groups, tokens",
    [("public", (), ["public"]), ("internal", (), ["internal"]), ("internal", ("rh", "coop"), ["group:coop", "group:rh"]),
     ("restricted", (), ["restricted"])],
)
def test_visibility_tokens(visibility, groups, tokens):
    assert visibility_tokens(visibility, groups) == tokens


def test_principals():
    assert principals(None) == ("public",)
    assert principals(User("x", ("rh",))) == ("public", "internal", "group:rh")
    with pytest.raises(ValueError, match="choose one of"):
        visibility_tokens("secret")
