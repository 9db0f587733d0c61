"""DOCX extraction: body paragraphs and tables in order, text boxes, headers, footers, notes."""
from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from .base import Extracted, ExtractionError, Page
from .dates import parse_date
from .textfix import fold_compat_forms, tidy_whitespace
from .titles import meaningful_title

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {f"{W}delText", f"{W}instrText", MC_FALLBACK, f"{W}rPr", f"{W}pPr"}
TEMPLATE_CREATED = "2013-12-23T23:15"
_TITLE_STYLES = {"title", "heading 1", "titre", "titre 1"}
_EXTRA_PARTS = ("header", "footer", "footnotes", "endnotes")


def _inline_text(element: etree._Element) -> Iterator[str]:
    """Text of one paragraph's runs, hyperlinks and fields; nested paragraphs (text boxes) excluded."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or tag == f"{W}p" or tag == f"{W}txbxContent":
            continue
        if tag == f"{W}t":
            yield child.text or ""
        elif tag in (f"{W}tab", f"{W}ptab"):
            yield "\t"
        elif tag in (f"{W}br", f"{W}cr"):
            yield "\n"
        elif tag == f"{W}noBreakHyphen":
            yield "-"
        else:
            yield from _inline_text(child)


def _text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    """Text-box contents anchored in a paragraph, skipping the duplicate mc:Fallback copies."""
    for child in element:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == f"{W}txbxContent":
            yield child
        else:
            yield from _text_boxes(child)


def _blocks(container: etree._Element, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(style name, text) of every paragraph in reading order; a table row becomes one tab-joined line."""
    for child in container:
        if child.tag == f"{W}p":
            style_el = child.find(f"{W}pPr/{W}pStyle")
            style = styles.get(style_el.get(f"{W}val", ""), "") if style_el is not None else ""
            yield style, "".join(_inline_text(child))
            for box in _text_boxes(child):
                yield from _blocks(box, styles)
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = [
                    " ".join(t for _, t in _blocks(cell, styles) if t.strip())
                    for cell in row.findall(f"{W}tc")
                ]
                yield "", "\t".join(c for c in cells if c)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}body", f"{W}customXml", f"{W}smartTag"):
            yield from _blocks(child, styles)


def _open(path: Path) -> docx.document.Document:
    if not zipfile.is_zipfile(path):
        raise ExtractionError(path, "not a DOCX (zip) file")
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ExtractionError(path, "not a DOCX: zip without word/document.xml")
        return docx.Document(str(path))
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ExtractionError(path, f"corrupt DOCX: {exc}") from exc
    except RuntimeError as exc:  # zipfile: encrypted member
        raise ExtractionError(path, f"corrupt DOCX: {exc}") from exc


def _declared_language(document: docx.document.Document) -> str | None:
    """Most common run language of the body (w:lang), else the default run language of the styles."""
    counts = Counter(
        el.get(f"{W}val") for el in document.element.body.iter(f"{W}lang") if el.get(f"{W}val")
    )
    if counts:
        return counts.most_common(1)[0][0]
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    if lang is None:
        return None
    return lang.get(f"{W}val") or lang.get(f"{W}bidi")


def extract_docx(path: Path) -> Extracted:
    """Extract a DOCX; raises ExtractionError("no text found") when the document holds no text."""
    document = _open(path)
    styles = {s.style_id: (s.name or "").lower() for s in document.styles}
    body = list(_blocks(document.element.body, styles))
    extra: list[str] = []
    for part in document.part.package.iter_parts():
        name = str(part.partname).rsplit("/", 1)[-1]
        if name.startswith(_EXTRA_PARTS) and name.endswith(".xml"):
            try:
                root = etree.fromstring(part.blob)
            except etree.XMLSyntaxError as exc:
                raise ExtractionError(path, f"corrupt DOCX: {name}: {exc}") from exc
            for element in root.iter(f"{W}ftr", f"{W}hdr", f"{W}footnote", f"{W}endnote"):
                extra.extend(t for _, t in _blocks(element, styles))
    seen: set[str] = set()
    unique_extra = [t for t in extra if t.strip() and not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    text = fold_compat_forms(tidy_whitespace("\n".join([t for _, t in body] + unique_extra)))
    if not text:
        raise ExtractionError(path, "no text found")
    core = document.core_properties
    heading = next((t.strip() for s, t in body if s in _TITLE_STYLES and t.strip()), None)
    created = core.created.date().isoformat() if core.created else None
    if core.created and core.created.replace(tzinfo=None).isoformat().startswith(TEMPLATE_CREATED):
        created = None  # python-docx's blank template stamps every new file with this date
    meta = {k: v for k, v in (("author", core.author), ("subject", core.subject), ("keywords", core.keywords)) if v}
    return Extracted(
        pages=(Page(1, text),),
        title=meaningful_title(core.title) or meaningful_title(heading),
        date=parse_date(created),
        lang_hint=core.language or _declared_language(document),
        meta=meta,
    )
