"""Recognise a file's real format from its first bytes, whatever its name says."""
from __future__ import annotations

import re

_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


def sniff_format(head: bytes) -> str:
    """One of "pdf", "zip", "ole", "html", "binary", "text", "empty" for the first bytes of a file."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    body = head
    for bom in (b"\xef\xbb\xbf",):
        if body.startswith(bom):
            body = body[len(bom):]
    if _HTML.match(body[:4096]):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    sample = head[:4096]
    if b"\x00" in sample and not _looks_utf16(sample):
        return "binary"
    return "text"


_HIGH_BYTES = (0x00, 0x06)  # Latin (U+00xx) and Arabic (U+06xx) code points in UTF-16


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 without BOM: every other byte is the high byte 0x00 (Latin) or 0x06 (Arabic)."""
    if len(sample) < 4 or b"\x00" not in sample:
        return False
    even, odd = sample[0::2], sample[1::2]
    half = max(1, len(sample) // 2)
    even_high = sum(even.count(b) for b in _HIGH_BYTES) / half
    odd_high = sum(odd.count(b) for b in _HIGH_BYTES) / half
    return max(even_high, odd_high) > 0.7 and min(even.count(0), odd.count(0)) / half < 0.05
