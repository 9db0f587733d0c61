"""Folder `_meta.toml` and per-file `.meta.json` sidecars: merge order, canonical keys, errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.sidecar import is_sidecar, load_sidecar


def _tree(root: Path) -> Path:
    (root / "communiques" / "2019").mkdir(parents=True)
    (root / "_meta.toml").write_text('visibility = "internal"\ngroups = ["staff"]\n', encoding="utf-8")
    (root / "communiques" / "_meta.toml").write_text(
        'type = "Communiqué"\nprogram = "Marhaba"\nvisibility = "public"\n', encoding="utf-8"
    )
    doc = root / "communiques" / "2019" / "note.pdf"
    doc.write_bytes(b"%PDF-1.4")
    return doc


def test_merge_root_to_file_deeper_wins(tmp_path: Path) -> None:
    doc = _tree(tmp_path)
    assert load_sidecar(doc, tmp_path) == {
        "visibility": "public",
        "groups": ("staff",),
        "type": "Communiqué",
        "programs": ("Marhaba",),
    }


def test_file_sidecar_wins(tmp_path: Path) -> None:
    doc = _tree(tmp_path)
    (doc.parent / "note.pdf.meta.json").write_text(
        json.dumps({"title": "Bilan Marhaba 2019", "date": "2019-09-15", "programs": ["marhaba", "PRIM"],
                    "lang": "fr", "visibility": "restricted"}),
        encoding="utf-8",
    )
    got = load_sidecar(doc, tmp_path)
    assert got["title"] == "Bilan Marhaba 2019"
    assert got["programs"] == ("marhaba", "PRIM")
    assert got["langs"] == ("fr",)
    assert got["visibility"] == "restricted"
    assert got["groups"] == ("staff",)


def test_no_sidecar_gives_empty_dict(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("x", encoding="utf-8")
    assert load_sidecar(doc, tmp_path) == {}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt.meta.json", "{not json", "is not valid JSON"),
        ("a.txt.meta.json", "[1, 2]", "must hold an object"),
        ("a.txt.meta.json", '{"colour": "red"}', "unknown keys \\['colour'\\]; valid keys: title, date"),
        ("a.txt.meta.json", '{"title": 3}', "title = 3; it must be a non-empty string"),
        ("a.txt.meta.json", '{"programs": {"a": 1}}', "must be a string or a list of strings"),
        ("a.txt.meta.json", '{"date": "30/02/2019"}', "not a plausible date"),
        ("a.txt.meta.json", '{"program": "a", "programs": ["b"]}', "sets programs twice"),
        ("_meta.toml", "visibility = ", "is not valid TOML"),
    ],
)
def test_malformed_sidecars_are_named(tmp_path: Path, name: str, content: str, message: str) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("x", encoding="utf-8")
    sidecar = tmp_path / name
    sidecar.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_sidecar(doc, tmp_path)
    assert str(sidecar.resolve()) in str(err.value)


def test_file_outside_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    doc = tmp_path / "elsewhere.txt"
    doc.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not inside the archive root"):
        load_sidecar(doc, tmp_path / "root")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("_meta.toml", True), ("a.pdf.meta.json", True), ("a.pdf", False), ("meta.json", False)],
)
def test_is_sidecar(name: str, expected: bool) -> None:
    assert is_sidecar(Path(name)) is expected
