"""Extracted text cached by content hash, so re-indexing never re-extracts unchanged content."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from indexer.extract.base import Extracted, Page

CACHE_VERSION = 1


def _path(cache_dir: Path, sha: str) -> Path:
    return Path(cache_dir) / sha[:2] / f"{sha}.json.gz"


def to_dict(extracted: Extracted) -> dict:
    """Plain-data form of an Extracted value (for the cache and for worker pipes)."""
    return {
        "v": CACHE_VERSION,
        "pages": [[p.number, p.text, p.needs_ocr, p.ocr] for p in extracted.pages],
        "title": extracted.title,
        "date": extracted.date,
        "lang_hint": extracted.lang_hint,
        "meta": dict(extracted.meta),
        "warnings": list(extracted.warnings),
    }


def from_dict(data: dict) -> Extracted:
    """Inverse of to_dict."""
    return Extracted(
        pages=tuple(Page(n, t, bool(o), bool(r)) for n, t, o, r in data["pages"]),
        title=data.get("title"),
        date=data.get("date"),
        lang_hint=data.get("lang_hint"),
        meta=data.get("meta") or {},
        warnings=tuple(data.get("warnings") or ()),
    )


def get(cache_dir: Path, sha: str, extractor_version: str) -> Extracted | None:
    """The cached extraction of content `sha`, or None (absent, unreadable, or older extractor)."""
    try:
        with gzip.open(_path(cache_dir, sha), "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError, EOFError):
        return None
    if data.get("v") != CACHE_VERSION or data.get("extractor") != extractor_version:
        return None
    return from_dict(data)


def put(cache_dir: Path, sha: str, extractor_version: str, extracted: Extracted) -> None:
    """Store an extraction atomically."""
    path = _path(cache_dir, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = to_dict(extracted)
    data["extractor"] = extractor_version
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as fh:
        json.dump(data, fh, ensure_ascii=False)
    os.replace(tmp, path)
