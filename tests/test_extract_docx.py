"""DOCX extraction: generated fixtures (python-docx) and the real ONLYOFFICE samples."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import pytest

from indexer.extract import ExtractionError, extract

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
OFFICE = REALDOCS / "office-docs-onlyoffice"
needs_realdocs = pytest.mark.skipif(not OFFICE.is_dir(), reason="shared/realdocs not present beside the repo")


def _make_docx(path: Path, *, core_title: str = "") -> Path:
    document = docx.Document()
    document.core_properties.title = core_title
    document.core_properties.created = dt.datetime(2023, 5, 17, 9, 30)
    document.core_properties.language = "fr-FR"
    document.add_heading("Rapport sur la coopération régionale", level=1)
    paragraph = document.add_paragraph()
    for piece in ("La coop", "ération ", "HTML", "5 avance."):
        paragraph.add_run(piece)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Région", "Budget"), ("Tanger-Tétouan", "12 MDH")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("الاستراتيجية الوطنية لمغاربة العالم")
    document.sections[0].header.paragraphs[0].text = "Ministère — en-tête"
    document.sections[0].footer.paragraphs[0].text = "Pied de page confidentiel"
    document.save(path)
    return path


def test_generated_docx_paragraphs_runs_tables_header_footer(tmp_path: Path) -> None:
    result = extract(_make_docx(tmp_path / "rapport.docx"))
    text = result.text
    assert "La coopération HTML5 avance." in text  # runs joined without spurious spaces
    assert "Région\tBudget\nTanger-Tétouan\t12 MDH" in text  # table row by row
    assert "الاستراتيجية الوطنية لمغاربة العالم" in text
    assert "Ministère — en-tête" in text and "Pied de page confidentiel" in text
    assert text.index("Rapport sur") < text.index("La coopération") < text.index("Région")
    assert result.title == "Rapport sur la coopération régionale"  # heading used when core title is empty
    assert result.date == "2023-05-17"
    assert result.lang_hint == "fr-FR"


def test_core_title_wins_over_heading(tmp_path: Path) -> None:
    result = extract(_make_docx(tmp_path / "r.docx", core_title="Note officielle"))
    assert result.title == "Note officielle"


def test_empty_docx_raises_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason == "no text found"


def test_zip_that_is_not_docx_and_corrupt_zip(tmp_path: Path) -> None:
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ExtractionError) as info:
        extract(other)
    assert info.value.reason == "not a DOCX: zip without word/document.xml"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ExtractionError) as info:
        extract(broken)
    assert info.value.reason.startswith(("not a DOCX", "corrupt DOCX"))


def test_legacy_or_encrypted_office_file_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason == "not a DOCX (zip) file: content is a legacy/encrypted MS Office file"


@needs_realdocs
def test_onlyoffice_french_sample_with_footer_and_split_runs() -> None:
    result = extract(OFFICE / "Exemple de document ONLYOFFICE.fr.docx")
    assert result.title == "Bienvenue dans les éditeurs en ligne ONLYOFFICE"
    assert "HTML5 Canvas" in result.text
    assert "Consultez la documentation sur API" in result.text  # footer
    assert result.lang_hint == "fr-FR"


@needs_realdocs
def test_onlyoffice_empty_arabic_template_has_no_text() -> None:
    with pytest.raises(ExtractionError) as info:
        extract(OFFICE / "new.ar-SA.docx")
    assert info.value.reason == "no text found"
