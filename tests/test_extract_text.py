"""Plain-text extraction: encodings written at test time, undecodable bytes, size cap."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from indexer.extract import ExtractionError, extract
from indexer.extract.text import detect_encoding, extract_text

FRENCH = "La coopération entre le Maroc et l’Union européenne: été, où, ça, Œuvre.\n"
ARABIC = "الاستراتيجية الوطنية لمغاربة العالم والهجرة واللجوء\n"


@pytest.mark.parametrize(
    ("label", "data", "expected", "encoding"),
    [
        ("utf8", (FRENCH + ARABIC).encode("utf-8"), FRENCH + ARABIC, "utf-8"),
        ("utf8-bom", codecs.BOM_UTF8 + ARABIC.encode("utf-8"), ARABIC, "utf-8-sig"),
        ("utf16-bom", (FRENCH + ARABIC).encode("utf-16"), FRENCH + ARABIC, "utf-16"),
        ("utf16le-nobom", (FRENCH + ARABIC).encode("utf-16-le"), FRENCH + ARABIC, "utf-16-le"),
        ("utf16be-nobom", ARABIC.encode("utf-16-be"), ARABIC, "utf-16-be"),
        ("cp1256", (ARABIC * 3 + "Rabat été\n").encode("cp1256"), ARABIC * 3 + "Rabat été\n", "cp1256"),
        ("cp1252", (FRENCH * 3).encode("cp1252"), FRENCH * 3, "cp1252"),
        ("latin1", "Café à Fès, référendum\n".encode("latin-1"), "Café à Fès, référendum\n", "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, label: str, data: bytes, expected: str, encoding: str) -> None:
    path = tmp_path / f"{label}.txt"
    path.write_bytes(data)
    result = extract(path)
    assert result.text == expected.strip()
    assert result.meta["encoding"] == encoding


def test_undecodable_bytes_never_crash(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("début ".encode("utf-8") + b"\x81\x8d\x8f\x90\x9d" + " fin".encode("utf-8"))
    text = extract(path).text
    assert text.startswith("d") and text.endswith("fin")


def test_truncated_at_max_chars_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("abcdefghij\n" * 50_000, encoding="utf-8")
    result = extract_text(path, max_chars=1000)
    assert len(result.text) <= 1000
    assert result.warnings == ("truncated: only the first 1000 characters kept",)


def test_blank_text_and_binary_named_txt(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n", encoding="utf-8")
    with pytest.raises(ExtractionError) as info:
        extract(blank)
    assert info.value.reason == "no text found"
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ExtractionError) as info:
        extract(binary)
    assert info.value.reason == "not a text file: content is binary data"


def test_detect_encoding_prefers_utf8_when_valid() -> None:
    assert detect_encoding("é".encode("utf-8") * 10) == "utf-8"
