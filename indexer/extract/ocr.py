"""OCR of page images with the `tesseract` command-line program (French + Arabic)."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import lru_cache

OCR_LANGS = ("fra", "ara")
OCR_DPI = 200  # measured on the SNMRE-ar scans: 300 dpi finds no more words and is ~15 % slower
OCR_TIMEOUT_S = 120.0
INSTALL_HINT = "install tesseract-ocr tesseract-ocr-fra tesseract-ocr-ara"


class OcrUnavailable(Exception):
    """Tesseract or one of its language packs is not installed."""


class OcrFailed(Exception):
    """Tesseract ran but did not produce text for this image (timeout, crash)."""


@lru_cache(maxsize=8)
def _installed_langs(binary: str) -> frozenset[str]:
    proc = subprocess.run(
        [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    lines = (proc.stdout + proc.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def tesseract_binary() -> str | None:
    """Path of the tesseract program (TESSERACT env var or PATH), None when absent."""
    return os.environ.get("TESSERACT") or shutil.which("tesseract")


def ocr_unavailable_reason(langs: tuple[str, ...] = OCR_LANGS) -> str | None:
    """Why OCR can't run here (missing binary or language pack), or None when it can."""
    binary = tesseract_binary()
    if not binary or not os.path.exists(binary):
        return "tesseract not found"
    try:
        missing = [lang for lang in langs if lang not in _installed_langs(binary)]
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract not runnable: {exc}"
    return f"tesseract language data missing: {', '.join(missing)}" if missing else None


def ocr_image_png(png: bytes, *, langs: tuple[str, ...] = OCR_LANGS, timeout: float = OCR_TIMEOUT_S) -> str:
    """Recognise the text of one PNG image; raises OcrUnavailable / OcrFailed."""
    reason = ocr_unavailable_reason(langs)
    if reason:
        raise OcrUnavailable(reason)
    binary = tesseract_binary()
    assert binary is not None
    # One thread per call: the indexer already runs one worker process per core.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        proc = subprocess.run(
            [binary, "stdin", "stdout", "-l", "+".join(langs), "--psm", "3"],
            input=png,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"timeout after {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrUnavailable(f"tesseract not runnable: {exc}") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"tesseract exit {proc.returncode}: {detail[-1] if detail else ''}")
    return proc.stdout.decode("utf-8", "replace")


def render_page_png(page: object, *, dpi: int = OCR_DPI) -> bytes:
    """Render one pypdfium2 page to a greyscale PNG at `dpi` (no poppler needed)."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)  # type: ignore[attr-defined]
    image = bitmap.to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
