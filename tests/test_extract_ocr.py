"""OCR of image-only PDF pages with tesseract (skips only when the tesseract binary is missing)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from indexer.extract import extract
from indexer.extract.ocr import OcrUnavailable, ocr_image_png, ocr_unavailable_reason, render_page_png
from indexer.extract.pdf import _ocr_pages
from indexer.extract.base import Page

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
STRATEGIES = REALDOCS / "morocco-strategy-pdfs"
SCANNED = next(STRATEGIES.glob("*لمغاربة*.pdf"), STRATEGIES / "absent.pdf")  # the scanned Arabic SNMRE
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract binary not installed")
needs_scan = pytest.mark.skipif(not SCANNED.is_file(), reason="shared/realdocs not present beside the repo")


@needs_scan
def test_scanned_pdf_without_ocr_is_returned_flagged_with_warning() -> None:
    result = extract(SCANNED, ocr=False)
    assert len(result.pages) == 17 and all(p.needs_ocr and not p.ocr for p in result.pages)
    assert result.warnings == ("OCR needed on pages 1-17: OCR disabled",)


@needs_scan
def test_missing_tesseract_leaves_pages_flagged_and_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERACT", "/nonexistent/tesseract")
    doc = pdfium.PdfDocument(str(SCANNED))
    try:
        pages, warnings = _ocr_pages(doc, [Page(1, "", needs_ocr=True), Page(2, "", needs_ocr=True)], SCANNED, 100)
    finally:
        doc.close()
    assert all(p.needs_ocr for p in pages)
    assert warnings[0].startswith("OCR needed on pages 1-2: install tesseract-ocr tesseract-ocr-fra tesseract-ocr-ara")
    with pytest.raises(OcrUnavailable):
        ocr_image_png(b"")


@needs_tesseract
def test_tesseract_has_french_and_arabic() -> None:
    assert ocr_unavailable_reason() is None


@needs_tesseract
@needs_scan
def test_scanned_arabic_strategy_pages_become_searchable() -> None:
    doc = pdfium.PdfDocument(str(SCANNED))
    try:
        flagged = [Page(n, "", needs_ocr=True) for n in (2, 4)]
        pages, warnings = _ocr_pages(doc, flagged, SCANNED, 200)
    finally:
        doc.close()
    assert warnings == []
    assert all(p.ocr and not p.needs_ocr for p in pages)
    text = "\n".join(p.text for p in pages)
    assert "دستور" in text or "العالم" in text or "مغاربة" in text
    assert sum(w in text for w in ("الملكية", "الحكومي", "برامج", "استراتيجية", "المملكة", "دستور")) >= 2


@needs_tesseract
def test_rendered_page_ocr_reads_french(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font_path.is_file():
        pytest.skip("DejaVu font not installed")
    image = Image.new("L", (1400, 200), 255)
    ImageDraw.Draw(image).text((20, 60), "Coopération régionale au Maroc", fill=0, font=ImageFont.truetype(str(font_path), 56))
    png = tmp_path / "line.png"
    image.save(png)
    text = ocr_image_png(png.read_bytes())
    assert "Coopération" in text and "Maroc" in text


def test_render_page_png_makes_a_png() -> None:
    doc = pdfium.PdfDocument.new()
    try:
        page = doc.new_page(200, 100)
        assert render_page_png(page, dpi=72).startswith(b"\x89PNG")
    finally:
        doc.close()
