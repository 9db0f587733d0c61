"""Compare PDF text extractors on the real PDFs in ../shared/realdocs (speed and faithfulness).

Run: .venv/bin/python benchmarks/pdf_extractors.py [--runs 3]
Arabic word order is judged against a vocabulary built at run time from the real Arabic news corpus:
a word counts as logical when it is in the vocabulary, reversed when only its mirror image is.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
import warnings
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from indexer.extract.arabic_order import repair_visual_lines  # noqa: E402
from indexer.extract.pdf import clean_pdf_text  # noqa: E402
from indexer.extract.pdfium_text import page_text  # noqa: E402
from indexer.extract.quality import cid_ratio  # noqa: E402
from indexer.extract.textfix import fold_compat_forms, tidy_whitespace  # noqa: E402

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
PDFS = [  # paths under REALDOCS, or glob patterns matching one file
    "pdf-edge-cases/tabula/mednine.pdf",
    "pdf-edge-cases/tabula/arabic.pdf",
    "pdf-edge-cases/pdfjs/ArabicCIDTrueType.pdf",
    "pdf-edge-cases/pdfjs/issue5677.pdf",
    "pdf-edge-cases/pdfjs/french_diacritics.pdf",
    "morocco-strategy-pdfs/*Monde-Fr.pdf",  # SNMRE, French
    "morocco-strategy-pdfs/*dAsile*.pdf",  # SNIA, French
    "morocco-strategy-pdfs/الاستراتيجية-الوطنية-للهجرة-واللجوء.pdf",
]
ACCENTS = "àÀâÂçÇéÉèÈêÊëËîÎïÏôÔùÙûÛüÜ"
_AR_WORD = re.compile("[\u0621-\u064a]{3,}")


def _plumber_pages(path: Path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pdfplumber.open(path) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]


def _plumber_repaired(path: Path) -> list[str]:
    return [fold_compat_forms(repair_visual_lines(tidy_whitespace(t))[0]) for t in _plumber_pages(path)]


def _pdfium_raw(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def _pdfium_arshif(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [clean_pdf_text(page_text(doc[i])) for i in range(len(doc))]
    finally:
        doc.close()


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pdfplumber (baseline)": _plumber_pages,
    "pdfplumber + line repair": _plumber_repaired,
    "pypdfium2 raw": _pdfium_raw,
    "pypdfium2 + arshif (chosen)": _pdfium_arshif,
}


def _normalise(word: str) -> str:
    word = unicodedata.normalize("NFKC", word)
    return "".join(c for c in word if not unicodedata.combining(c))


def arabic_vocabulary() -> set[str]:
    """Arabic words (≥ 3 letters) seen in the real news corpus: the yardstick for word order."""
    vocab: set[str] = set()
    source = REALDOCS / "news-ar-saudinewsnet" / "saudinewsnet-subset.jsonl"
    for line in source.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        vocab.update(_AR_WORD.findall(_normalise(record.get("content", "") + " " + record.get("title", ""))))
    return vocab


def order_stats(text: str, vocab: set[str]) -> tuple[int, int]:
    """(logical, reversed) Arabic words: in the vocabulary as read, or only when mirrored."""
    logical = reversed_ = 0
    for word in _AR_WORD.findall(_normalise(text)):
        if word in vocab:
            logical += 1
        elif word[::-1] in vocab:
            reversed_ += 1
    return logical, reversed_


def main() -> None:
    """Print one row per extractor: speed, ratio vs baseline, Arabic order, (cid) share, accents."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    if not REALDOCS.is_dir():
        sys.exit(f"{REALDOCS} not found")
    vocab = arabic_vocabulary()
    paths = [next(REALDOCS.glob(p), REALDOCS / p) for p in PDFS]
    rows = []
    for name, run in EXTRACTORS.items():
        speeds, texts = [], {}
        for _ in range(args.runs):
            pages = 0
            start = time.perf_counter()
            for path in paths:
                texts[path] = run(path)
                pages += len(texts[path])
            speeds.append(pages / (time.perf_counter() - start))
        everything = "\n".join("\n".join(t) for t in texts.values())
        logical, reversed_ = order_stats(everything, vocab)
        accents = "".join(texts[paths[4]])
        rows.append((name, statistics.median(speeds), logical / max(1, logical + reversed_), logical,
                     cid_ratio(everything), sum(a in accents for a in ACCENTS)))
    base = rows[0][1]
    print(f"{len(paths)} PDFs, {sum(len(_pdfium_raw(p)) for p in paths)} pages, {args.runs} runs, vocab {len(vocab)} words\n")
    print(f"| extractor | pages/s (median) | × baseline | Arabic words in logical order | logical words found | (cid) share | accents kept /{len(ACCENTS)} |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, speed, share, found, cid, acc in rows:
        print(f"| {name} | {speed:,.0f} | {speed / base:.1f} | {share:.1%} | {found} | {cid:.2%} | {acc} |")


if __name__ == "__main__":
    main()
