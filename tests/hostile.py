"""Builders of hostile files (made here, byte by byte): bombs, huge page counts, deep nesting."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path


def _pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered objects into a PDF with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def many_pages_pdf(path: Path, pages: int) -> Path:
    """A valid PDF with `pages` empty pages (one shared content stream saying a word)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content = b"BT /F1 12 Tf 72 720 Td (Archive page) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", font,
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    first_page = len(objects) + 1
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>")
    path.write_bytes(_pdf(objects))
    return path


def stream_bomb_pdf(path: Path, megabytes: int = 1024) -> Path:
    """A one-page PDF whose content stream inflates from ~1 MB to `megabytes` MB of spaces."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(megabytes)) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    path.write_bytes(_pdf(objects))
    return path


def zip_bomb_docx(path: Path, megabytes: int = 1024) -> Path:
    """A DOCX whose document.xml inflates to `megabytes` MB (one endless paragraph)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                    "</Types>")
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                    "</Relationships>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document {ns}><w:body><w:p><w:r><w:t>'.encode())
            block = b"bombe " * (1 << 17)
            for _ in range(megabytes * (1 << 20) // len(block)):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def deep_html(path: Path, depth: int = 200_000) -> Path:
    """An HTML page nested `depth` <div>s deep around one sentence."""
    path.write_text("<html><body>" + "<div>" * depth + "Texte au fond du puits." + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return path


def huge_text(path: Path, megabytes: int = 500) -> Path:
    """A plain text file of `megabytes` MB of repeated French words (written in 1 MB blocks)."""
    line = "archive migration coopération " * 33 + "\n"
    block = (line * ((1 << 20) // len(line) + 1)).encode("utf-8")[: 1 << 20]
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(block)
    return path
