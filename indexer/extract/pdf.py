"""PDF extraction: PDFium text per page, Arabic order repair, OCR of scanned or garbled pages."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from .arabic_order import repair_visual_lines
from .base import Extracted, ExtractionError, Page
from .dates import pdf_date_to_iso
from .ocr import INSTALL_HINT, OCR_DPI, OcrFailed, OcrUnavailable, ocr_image_png, render_page_png
from .pdfium_text import page_is_graphic, page_text
from .quality import unusable_reason
from .textfix import fold_compat_forms, rejoin_hyphenated, tidy_whitespace
from .titles import meaningful_title


def clean_pdf_text(raw: str) -> str:
    """Page text ready for indexing: logical-order Arabic, base letters, words rejoined."""
    # U+FFFD comes from glyphs without a Unicode mapping (spare hamza seats in legacy Arabic fonts).
    text = tidy_whitespace(raw.replace("\ufffd", ""))
    text, _ = repair_visual_lines(text)
    text = fold_compat_forms(text)
    return rejoin_hyphenated(text)


def page_ranges(numbers: list[int]) -> str:
    """Compact page list: [1, 2, 3, 7] → "1-3, 7"."""
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and parts[-1][1] == n - 1:
            parts[-1] = (parts[-1][0], n)
        else:
            parts.append((n, n))  # type: ignore[arg-type]
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in parts)  # type: ignore[misc]


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with PDFium (empty user password tried implicitly); map failures to reasons."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractionError(path, "encrypted PDF (password required)") from exc
        detail = message.split("(PDFium: ")[-1].rstrip(").") if "PDFium:" in message else message
        raise ExtractionError(path, f"corrupt PDF: {detail.lower()}") from exc
    except (OSError, ValueError) as exc:
        raise ExtractionError(path, f"corrupt PDF: {exc}") from exc


def _metadata(doc: pdfium.PdfDocument) -> dict[str, str]:
    try:
        raw = doc.get_metadata_dict(skip_empty=True)
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return {}
    return {k: " ".join(str(v).split()) for k, v in raw.items() if str(v).strip()}


def _ocr_pages(
    doc: pdfium.PdfDocument, pages: list[Page], path: Path, dpi: int
) -> tuple[list[Page], list[str]]:
    """OCR every flagged page; pages that can't be OCRed stay flagged and are named in a warning."""
    warnings: list[str] = []
    failed: list[int] = []
    unavailable: str | None = None
    out: list[Page] = []
    for page in pages:
        if not page.needs_ocr or unavailable:
            out.append(page)
            continue
        try:
            png = render_page_png(doc[page.number - 1], dpi=dpi)
            text = clean_pdf_text(ocr_image_png(png))
            out.append(Page(page.number, text, needs_ocr=False, ocr=True))
        except OcrUnavailable as exc:
            unavailable = str(exc)
            out.append(page)
        except (OcrFailed, pdfium.PdfiumError, OSError, ValueError) as exc:
            failed.append(page.number)
            warnings.append(f"OCR failed on page {page.number}: {exc}")
            out.append(page)
    still = [p.number for p in out if p.needs_ocr and p.number not in failed]
    if unavailable and still:
        warnings.append(f"OCR needed on pages {page_ranges(still)}: {INSTALL_HINT} ({unavailable})")
    return out, warnings


def extract_pdf(path: Path, *, ocr: bool = True, max_pages: int = 2000, ocr_dpi: int = OCR_DPI) -> Extracted:
    """Extract a PDF page by page; garbled or image-only pages are OCRed (or flagged when OCR is off)."""
    doc = _open(path)
    try:
        total = len(doc)
        if total == 0:
            raise ExtractionError(path, "corrupt PDF: no pages")
        warnings: list[str] = []
        pages: list[Page] = []
        for index in range(min(total, max_pages)):
            try:
                page = doc[index]
                raw = page_text(page)
                reason = unusable_reason(raw, has_images=page_is_graphic(page))
                text = "" if reason else clean_pdf_text(raw)
            except pdfium.PdfiumError as exc:
                raise ExtractionError(path, f"corrupt PDF: page {index + 1}: {exc}") from exc
            pages.append(Page(index + 1, text, needs_ocr=reason is not None))
        if total > max_pages:
            warnings.append(f"truncated: only the first {max_pages} of {total} pages extracted")
        flagged = [p.number for p in pages if p.needs_ocr]
        if flagged and ocr:
            pages, ocr_warnings = _ocr_pages(doc, pages, path, ocr_dpi)
            warnings.extend(ocr_warnings)
        elif flagged:
            warnings.append(f"OCR needed on pages {page_ranges(flagged)}: OCR disabled")
        if not any(p.text.strip() for p in pages) and not any(p.needs_ocr for p in pages):
            raise ExtractionError(path, "no text found")
        meta = _metadata(doc)
    finally:
        doc.close()
    return Extracted(
        pages=tuple(pages),
        title=meaningful_title(meta.get("Title")),
        date=pdf_date_to_iso(meta.get("CreationDate")) or pdf_date_to_iso(meta.get("ModDate")),
        lang_hint=None,
        meta={k: v for k, v in meta.items() if k in ("Author", "Subject", "Keywords", "Creator", "Producer")},
        warnings=tuple(warnings),
    )
