"""PDF extraction: real edge-case files (skipped without ../shared), Arabic order, clean-ups, registry."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.extract import SUPPORTED_SUFFIXES, ExtractionError, extract, is_supported
from indexer.extract.arabic_order import is_visual_order, order_votes, repair_visual_lines, visual_to_logical
from indexer.extract.dates import pdf_date_to_iso
from indexer.extract.quality import unusable_reason
from indexer.extract.textfix import fold_compat_forms, rejoin_hyphenated
from indexer.extract.titles import meaningful_title

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
EDGE = REALDOCS / "pdf-edge-cases"
needs_realdocs = pytest.mark.skipif(not EDGE.is_dir(), reason="shared/realdocs not present beside the repo")


def _edge_pdfs() -> list[Path]:
    roots = [EDGE, REALDOCS / "archive" / "pdf-edge"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*.pdf"))


# --- pure helpers ---------------------------------------------------------------------------------


def test_presentation_forms_and_latin_ligatures_fold_but_other_compat_chars_stay() -> None:
    assert fold_compat_forms("ﻟﻌﺮﺑﻴﺔ ﬁnance ﬂux") == "لعربية finance flux"
    assert fold_compat_forms("x² ½ ª ﬁ") == "x² ½ ª fi"


def test_line_end_hyphens_rejoin_words_but_keep_compound_names() -> None:
    assert rejoin_hyphenated("la coopé-\nration") == "la coopération"
    assert rejoin_hyphenated("région Tanger-\nTétouan") == "région Tanger-Tétouan"
    assert rejoin_hyphenated("plan 2014-\n2020") == "plan 2014-2020"


def test_reversed_arabic_line_is_detected_and_repaired_with_numbers_readable() -> None:
    visual = "1234 ﻂﻄﻗ 47 ﻱﺪﻨﻋ"
    assert is_visual_order(visual)
    assert fold_compat_forms(visual_to_logical(visual)) == "عندي 47 قطط 1234"


def test_latin_line_with_reversed_arabic_island_keeps_latin_order() -> None:
    assert fold_compat_forms(visual_to_logical("Jeremy is ﻲﻣﺮﺟ in Arabic")) == "Jeremy is جرمي in Arabic"


def test_logical_arabic_is_left_alone() -> None:
    line = "الاستراتيجية الوطنية لمغاربة العالم"
    logical, reversed_ = order_votes(line)
    assert logical > reversed_
    assert repair_visual_lines(line) == (line, 0)


def test_base_letter_reversal_detected_from_word_final_lam_alef() -> None:
    text, repaired = repair_visual_lines("2014 ةيعيرشتلا تاباختنالا")
    assert repaired == 1
    assert text == "الانتخابات التشريعية 2014"


def test_garbled_text_layers_are_flagged() -> None:
    assert unusable_reason("(cid:12)(cid:7)(cid:99) " * 20, has_images=False)
    assert unusable_reason("- ΩGÎMG M≤ƒ¥ G’ùfE°É¿ áHQÉfi ŸG«õ ÒHóJ aóJ≤äÉ ŸG¡øjôLÉ " * 3, has_images=False)
    assert unusable_reason("", has_images=True) == "no text layer"
    assert unusable_reason("", has_images=False) is None
    assert unusable_reason("Notre stratégie d’immigration et d’asile s’inscrit dans la continuité.", has_images=False) is None


def test_pdf_dates_and_titles() -> None:
    assert pdf_date_to_iso("D:20110705113319+01'00'") == "2011-07-05"
    assert pdf_date_to_iso("garbage") is None
    assert meaningful_title("Microsoft Word - note.doc") is None
    assert meaningful_title("untitled") is None
    assert meaningful_title("rapport_final.pdf") is None
    assert meaningful_title("Stratégie Nationale pour les Marocains du Monde")


# --- registry -----------------------------------------------------------------------------------


def test_registry_rejects_unsupported_empty_and_disguised_files(tmp_path: Path) -> None:
    assert ".pdf" in SUPPORTED_SUFFIXES and is_supported(Path("a.DOCX")) and not is_supported(Path("a.xyz"))
    cases = {
        "a.xyz": (b"data", "unsupported file type .xyz; supported:"),
        "empty.pdf": (b"", "empty file"),
        "page.pdf": (b"<!DOCTYPE html><html><body>hi</body></html>", "not a PDF: content is HTML"),
        "plain.docx": (b"just some text", "not a DOCX (zip) file"),
        "broken.pdf": (b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF", "corrupt PDF"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ExtractionError) as info:
            extract(path)
        assert info.value.reason.startswith(reason), (name, info.value.reason)


# --- real files -----------------------------------------------------------------------------------


@needs_realdocs
@pytest.mark.parametrize("pdf", _edge_pdfs(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_every_edge_case_pdf_ends_as_result_or_reasoned_error(pdf: Path) -> None:
    try:
        result = extract(pdf, ocr=False)
    except ExtractionError as exc:
        assert exc.reason and len(exc.reason) < 200
        return
    assert result.pages and all(p.needs_ocr or p.text for p in result.pages)


@needs_realdocs
@pytest.mark.parametrize(
    ("name", "reason"),
    [("pdfjs/print_protection.pdf", "encrypted PDF (password required)"),
     ("tabula/encrypted.pdf", "encrypted PDF (password required)"),
     ("pdfjs/bug1250079.pdf", "corrupt PDF:"),
     ("pdfjs/poppler-742-0-fuzzed.pdf", "corrupt PDF:")],
)
def test_encrypted_and_corrupt_pdfs_have_clear_reasons(name: str, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(EDGE / name, ocr=False)
    assert info.value.reason.startswith(reason)


@needs_realdocs
def test_empty_password_pdf_opens() -> None:
    assert "Issue 7665" in extract(EDGE / "pdfjs" / "issue7665.pdf", ocr=False).text


@needs_realdocs
def test_mednine_reversed_arabic_comes_out_in_logical_order() -> None:
    result = extract(EDGE / "tabula" / "mednine.pdf", ocr=False)
    text = re.sub(r"[ \t]+", " ", result.text)
    assert "الانتخابات التشريعية" in text
    assert "ورقة كشف نتائج دائرة مدنين" in text
    assert "توزيع الأصوات المصرح بها" in text  # lam-alef / lam-meem ligatures in reading order
    assert result.date == "2015-05-19" and result.meta.get("Author") == "user"


@needs_realdocs
def test_tabula_arabic_lines_are_readable() -> None:
    text = extract(EDGE / "tabula" / "arabic.pdf", ocr=False).text
    for expected in ("اسمي سلطان", "من اين انت؟", "انا من ولاية كارولينا الشمال", "عندي 47 قطط",
                     "اسمي Jeremy في الانجليزية", "Jeremy is جرمي in Arabic"):
        assert expected in text


@needs_realdocs
@pytest.mark.parametrize(("name", "expected"), [("pdfjs/ArabicCIDTrueType.pdf", "انواع الخطوط العربية"),
                                                ("pdfjs/issue5677.pdf", "السّيّدة")])
def test_presentation_form_pdfs_give_logical_base_letters(name: str, expected: str) -> None:
    text = extract(EDGE / name, ocr=False).text
    assert expected in text
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text)


@needs_realdocs
def test_french_diacritics_kept() -> None:
    text = extract(EDGE / "pdfjs" / "french_diacritics.pdf", ocr=False).text
    for letter in "àÀâÂçÇéÉèÈêÊëËîÎïÏôÔùÙûÛüÜ":
        assert letter in text


@needs_realdocs
@pytest.mark.parametrize("name", ["pdfjs/ThuluthFeatures.pdf", "pdfjs/issue5874.pdf"])
def test_unmapped_glyph_pages_are_flagged_for_ocr(name: str) -> None:
    result = extract(EDGE / name, ocr=False)
    assert result.pages[0].needs_ocr and result.pages[0].text == ""
    assert any("OCR needed on pages 1" in w for w in result.warnings)


@needs_realdocs
def test_strategy_pdfs_french_text_and_arabic_legacy_font_flagging() -> None:
    strategies = REALDOCS / "morocco-strategy-pdfs"
    fr_pdf = next(strategies.glob("*Monde-Fr.pdf"))
    fr = extract(fr_pdf, ocr=False)
    assert fr.title == fr_pdf.stem.removesuffix("-Fr").replace("-", " ")  # the title its file name spells out
    assert "Marocains" in fr.text and not any(p.needs_ocr for p in fr.pages)
    snia_ar = extract(strategies / "الاستراتيجية-الوطنية-للهجرة-واللجوء.pdf", ocr=False)
    flagged = {p.number for p in snia_ar.pages if p.needs_ocr}
    assert {1, 5, 6} <= flagged and 4 not in flagged  # mojibake pages flagged, the clean page kept
    assert "العلاقات المتميزة" in snia_ar.pages[3].text


@needs_realdocs
def test_max_pages_truncates_with_warning() -> None:
    result = extract(EDGE / "tabula" / "mednine.pdf", ocr=False, max_pages=2)
    assert len(result.pages) == 2
    assert any(w.startswith("truncated") for w in result.warnings)


@needs_realdocs
def test_blank_pdf_has_no_text() -> None:
    with pytest.raises(ExtractionError) as info:
        extract(REALDOCS / "office-docs-onlyoffice" / "new.ar-SA.pdf", ocr=False)
    assert info.value.reason == "no text found"
