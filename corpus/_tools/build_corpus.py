#!/usr/bin/env python3
"""Build the Arshif sample archive from the plain-text sources in corpus/_sources/.

Run from the repository root:

    .venv/bin/python corpus/_tools/build_corpus.py            # build everything
    .venv/bin/python corpus/_tools/build_corpus.py --verify   # build, then check PDF text round-trip

Each source file (corpus/_sources/docs/*.txt) starts with a header of ``key: value``
lines, a line ``---``, then the body in a tiny markup:

    # Title                      (first heading = document title)
    ## Section / ### Subsection
    - bullet item                (consecutive lines form one list)
    | a | b | c |                (consecutive lines form one table, first row = header)
    ::pagebreak                  (PDF and DOCX only)
    any other line               (one paragraph per line; blank lines are ignored)

The output format is taken from the extension of ``path`` (pdf, docx, html, txt).
Paragraph direction (RTL/LTR) is detected per block from its letters, so bilingual
documents need no extra markup.  Output is deterministic: fixed PDF/DOCX dates and
fixed ZIP timestamps, so a re-run produces the same bytes.

The script also writes corpus/_sources/MANIFEST.tsv, the duplicate file, and checks
that the programs/partners/regions declared in each header are really mentioned in the
body (using the aliases in corpus/taxonomy.toml), printing any mismatch.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import re
import shutil
import sys
import textwrap
import threading
import tomllib
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1]
SOURCES = CORPUS / "_sources" / "docs"
MANIFEST = CORPUS / "_sources" / "MANIFEST.tsv"
TAXONOMY = CORPUS / "taxonomy.toml"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Exact byte-for-byte duplicate written by the build (source -> copy), both relative to corpus/.
DUPLICATES = {
    "conventions/convention-amuddu-enabel-2018.pdf": "conventions/archives/convention-amuddu-enabel-2018-copie.pdf",
}

ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F]")


# --------------------------------------------------------------------------- model
@dataclass
class Block:
    kind: str  # h1 h2 h3 p ul table pagebreak
    text: str = ""
    items: list = field(default_factory=list)  # ul: [str], table: [[str]]

    @property
    def rtl(self) -> bool:
        s = self.text + " ".join(self.items if self.kind == "ul" else [" ".join(r) for r in self.items])
        return len(ARABIC_RE.findall(s)) > len(LATIN_RE.findall(s))


@dataclass
class Doc:
    src: Path
    meta: dict
    blocks: list

    @property
    def path(self) -> str:
        return self.meta["path"]

    @property
    def fmt(self) -> str:
        return self.path.rsplit(".", 1)[-1].lower()

    @property
    def title(self) -> str:
        return self.meta.get("title") or next(b.text for b in self.blocks if b.kind == "h1")

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["date"])

    @property
    def lang(self) -> str:
        return self.meta["lang"]

    @property
    def main_rtl(self) -> bool:
        return self.lang == "ar"

    def ids(self, key: str) -> list:
        return [x.strip() for x in self.meta.get(key, "").split(",") if x.strip()]

    def plain_text(self) -> str:
        out = []
        for b in self.blocks:
            if b.kind == "ul":
                out.extend(b.items)
            elif b.kind == "table":
                out.extend(" ".join(r) for r in b.items)
            else:
                out.append(b.text)
        return "\n".join(out)


def parse_source(path: Path) -> Doc:
    raw = path.read_text(encoding="utf-8")
    head, body = raw.split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        if line.strip() and not line.startswith("#"):
            k, v = line.split(":", 1)
            meta[k.strip()] = v.strip()
    blocks: list[Block] = []
    for line in body.splitlines():
        s = line.rstrip()
        if not s.strip():
            continue
        if s.startswith("### "):
            blocks.append(Block("h3", s[4:].strip()))
        elif s.startswith("## "):
            blocks.append(Block("h2", s[3:].strip()))
        elif s.startswith("# "):
            blocks.append(Block("h1", s[2:].strip()))
        elif s.strip() == "::pagebreak":
            blocks.append(Block("pagebreak"))
        elif s.startswith("- "):
            if blocks and blocks[-1].kind == "ul":
                blocks[-1].items.append(s[2:].strip())
            else:
                blocks.append(Block("ul", items=[s[2:].strip()]))
        elif s.startswith("|"):
            cells = [c.strip() for c in s.strip().strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].items.append(cells)
            else:
                blocks.append(Block("table", items=[cells]))
        else:
            blocks.append(Block("p", s.strip()))
    return Doc(path, meta, blocks)


def doc_datetime(doc: Doc) -> dt.datetime:
    return dt.datetime(doc.date.year, doc.date.month, doc.date.day, 10, 0, 0, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------- PDF
def _patch_fpdf_rtl() -> None:
    """Make fpdf2's ToUnicode map round-trip for right-to-left text.

    fpdf2 2.8 records a ligature glyph (e.g. lam-alef) with its characters in logical
    order, but extractors (pdfium, pdfminer) reverse RTL runs glyph by glyph and keep a
    multi-character mapping as a unit, which turns "لا" into "ال" ("بلاغ" -> "بالغ").
    Storing multi-character mappings of RTL glyphs reversed fixes that.  Likewise a
    bracket that HarfBuzz mirrored in an RTL run is recorded as its mirror image, because
    pdfium mirrors it back when it reorders the line.
    """
    import fpdf.fonts as F
    from fpdf.enums import TextDirection

    if getattr(F.TTFFont, "_arshif_patched", False):
        return
    state = threading.local()
    mirror = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "«": "»", "»": "«", "<": ">", ">": "<"}
    orig_shape = F.TTFFont.shape_text
    orig_get = F.SubsetMap.get_glyph

    def shape_text(self, text, font_size_pt, text_shaping_params):
        state.rtl = bool(text_shaping_params) and text_shaping_params.get("fragment_direction") == TextDirection.RTL
        try:
            return orig_shape(self, text, font_size_pt, text_shaping_params)
        finally:
            state.rtl = False

    def get_glyph(self, glyph=None, unicode=None, glyph_name=None, glyph_width=None):
        if getattr(state, "rtl", False) and isinstance(unicode, tuple):
            if len(unicode) > 1:
                unicode = tuple(reversed(unicode))
            elif (len(unicode) == 1 and chr(unicode[0]) in mirror
                  and glyph != self.font.glyph_ids.get(unicode[0])):
                unicode = (ord(mirror[chr(unicode[0])]),)
        return orig_get(self, glyph=glyph, unicode=unicode, glyph_name=glyph_name, glyph_width=glyph_width)

    get_glyph.cache_clear = orig_get.cache_clear
    F.TTFFont.shape_text = shape_text
    F.SubsetMap.get_glyph = get_glyph
    F.TTFFont._arshif_patched = True


def render_pdf(doc: Doc) -> bytes:
    from fpdf import FPDF

    _patch_fpdf_rtl()
    footer_text = doc.meta.get("footer", "")
    header_text = doc.meta.get("header", "")
    rtl_doc = doc.main_rtl

    class PDF(FPDF):
        def header(self):
            if header_text and self.page_no() > 1:
                self.set_font("DejaVu", "", 8)
                self.set_text_color(90, 90, 90)
                self.cell(0, 5, header_text, align="R" if rtl_doc else "L", new_x="LMARGIN", new_y="NEXT")
                self.ln(3)
                self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90, 90, 90)
            label = f"{footer_text} — {self.page_no()}" if footer_text else f"— {self.page_no()} —"
            self.cell(0, 5, label, align="C")
            self.set_text_color(0, 0, 0)

    pdf = PDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_title(doc.title)
    pdf.set_author(doc.meta.get("author", ""))
    pdf.set_subject(doc.meta.get("type", ""))
    pdf.set_creator("Arshif corpus build (fpdf2)")
    pdf.set_creation_date(doc_datetime(doc))
    pdf.set_lang({"fr": "fr-MA", "ar": "ar-MA", "en": "en", "fr+ar": "fr-MA"}[doc.lang])
    pdf.add_page()

    def para(text, size, style="", h=6.0, rtl=False, space=2.5, align=None):
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, h, text, align=align or ("R" if rtl else "J"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(space)

    for b in doc.blocks:
        if b.kind == "pagebreak":
            pdf.add_page()
        elif b.kind == "h1":
            para(b.text, 16, "B", 8.5, b.rtl, 5, align="R" if b.rtl else "L")
        elif b.kind == "h2":
            pdf.ln(2)
            para(b.text, 13, "B", 7, b.rtl, 2.5, align="R" if b.rtl else "L")
        elif b.kind == "h3":
            para(b.text, 11.5, "B", 6.5, b.rtl, 2, align="R" if b.rtl else "L")
        elif b.kind == "p":
            para(b.text, 10.5, "", 5.8, b.rtl)
        elif b.kind == "ul":
            for item in b.items:
                para("• " + item, 10.5, "", 5.8, b.rtl, 1.2, align="R" if b.rtl else "L")
            pdf.ln(1.5)
        elif b.kind == "table":
            pdf.set_font("DejaVu", "", 9)
            with pdf.table(text_align="RIGHT" if b.rtl else "LEFT", line_height=5.5,
                           first_row_as_headings=True) as t:
                for row in b.items:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
            pdf.ln(4)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- DOCX
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _set_rtl(paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    bidi = OxmlElement("w:bidi")
    ppr.insert(0, bidi)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rpr.append(OxmlElement("w:rtl"))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi"), "ar-MA")
        rpr.append(lang)


def render_docx(doc: Doc) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    d = Document()
    cp = d.core_properties
    cp.title = doc.title
    cp.author = doc.meta.get("author", "")
    cp.last_modified_by = doc.meta.get("author", "")
    cp.subject = doc.meta.get("type", "")
    cp.language = {"fr": "fr-MA", "ar": "ar-MA", "en": "en-GB", "fr+ar": "fr-MA"}[doc.lang]
    cp.created = doc_datetime(doc).replace(tzinfo=None)
    cp.modified = doc_datetime(doc).replace(tzinfo=None)
    cp.revision = 1
    cp.comments = ""
    cp.keywords = ""
    d.styles["Normal"].font.name = "Arial"
    d.styles["Normal"].font.size = Pt(11)

    sec = d.sections[0]
    if doc.meta.get("header"):
        p = sec.header.paragraphs[0]
        p.text = doc.meta["header"]
        if doc.main_rtl:
            _set_rtl(p)
    if doc.meta.get("footer"):
        p = sec.footer.paragraphs[0]
        p.text = doc.meta["footer"]
        if doc.main_rtl:
            _set_rtl(p)

    for b in doc.blocks:
        if b.kind == "pagebreak":
            d.add_page_break()
        elif b.kind in ("h1", "h2", "h3"):
            level = {"h1": 0, "h2": 1, "h3": 2}[b.kind]
            p = d.add_heading(b.text, level)
            if b.rtl:
                _set_rtl(p)
        elif b.kind == "p":
            p = d.add_paragraph(b.text)
            if b.rtl:
                _set_rtl(p)
        elif b.kind == "ul":
            for item in b.items:
                p = d.add_paragraph(item, style="List Bullet")
                if b.rtl:
                    _set_rtl(p)
        elif b.kind == "table":
            ncols = max(len(r) for r in b.items)
            t = d.add_table(rows=0, cols=ncols)
            t.style = "Table Grid"
            if b.rtl:
                t._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
            for i, row in enumerate(b.items):
                cells = t.add_row().cells
                for j in range(ncols):
                    cells[j].text = row[j] if j < len(row) else ""
                    for p in cells[j].paragraphs:
                        if i == 0:
                            for run in p.runs:
                                run.bold = True
                        if b.rtl:
                            _set_rtl(p)
            d.add_paragraph("")
    buf = io.BytesIO()
    d.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- HTML
SITES = {
    "ministere-fr": dict(
        lang="fr", dir="ltr",
        name="Ministère délégué chargé des MRE et de la Migration",
        short="MCMREAM",
        nav=["Accueil", "Le Ministère", "Marocains du Monde", "Migration et Asile", "Actualités",
             "Publications", "Appels d'offres", "Contact"],
        home="Accueil",
        cookie="Ce site utilise des cookies pour mesurer l'audience et améliorer votre navigation. "
               "En poursuivant, vous acceptez leur utilisation.",
        cookie_ok="J'accepte", cookie_more="En savoir plus",
        related="À lire aussi",
        related_items=["Guide des démarches administratives", "Espace presse", "Foire aux questions",
                       "Phototèque"],
        share="Partager :", print_="Imprimer",
        address="Ministère délégué chargé des MRE et de la Migration — "
                "Angle avenue Annakhil et rue Mehdi Ben Barka, Hay Riad, Rabat — Tél. : +212 (0)5 37 00 00 00",
        copyright="© 2025 Ministère — Tous droits réservés. Mentions légales · Plan du site · Accessibilité",
        search="Rechercher sur le site",
    ),
    "ministere-ar": dict(
        lang="ar", dir="rtl",
        name="الوزارة المكلفة بالمغاربة المقيمين بالخارج وشؤون الهجرة",
        short="الوزارة",
        nav=["الرئيسية", "الوزارة", "مغاربة العالم", "الهجرة واللجوء", "المستجدات", "المنشورات",
             "طلبات العروض", "اتصل بنا"],
        home="الرئيسية",
        cookie="يستعمل هذا الموقع ملفات تعريف الارتباط لتحسين تجربة التصفح وقياس عدد الزيارات. "
               "بمواصلة التصفح فإنكم توافقون على ذلك.",
        cookie_ok="موافق", cookie_more="لمزيد من المعلومات",
        related="مواضيع ذات صلة",
        related_items=["دليل المساطر الإدارية", "فضاء الصحافة", "أسئلة متكررة", "مكتبة الصور"],
        share="شارك :", print_="طباعة",
        address="الوزارة المكلفة بالمغاربة المقيمين بالخارج وشؤون الهجرة — زاوية شارع النخيل وشارع المهدي بن بركة، "
                "حي الرياض، الرباط — الهاتف: 00 00 00 37 05 212+",
        copyright="© 2025 جميع الحقوق محفوظة — الإشعار القانوني · خريطة الموقع",
        search="ابحث في الموقع",
    ),
    "ministere-en": dict(
        lang="en", dir="ltr",
        name="Ministry Delegate for Moroccans Abroad and Migration Affairs",
        short="Ministry",
        nav=["Home", "The Ministry", "Moroccans Abroad", "Migration and Asylum", "News",
             "Publications", "Tenders", "Contact"],
        home="Home",
        cookie="This website uses cookies to measure traffic and improve your browsing experience.",
        cookie_ok="I agree", cookie_more="Learn more",
        related="See also",
        related_items=["Administrative procedures guide", "Press area", "Frequently asked questions",
                       "Photo library"],
        share="Share:", print_="Print",
        address="Ministry Delegate for Moroccans Abroad and Migration Affairs — corner of Annakhil Avenue "
                "and Mehdi Ben Barka Street, Hay Riad, Rabat — Tel. +212 (0)5 37 00 00 00",
        copyright="© 2025 Ministry — All rights reserved. Legal notice · Site map · Accessibility",
        search="Search the site",
    ),
    "presse-fr": dict(
        lang="fr", dir="ltr", name="Le Courrier de la Diaspora", short="Le Courrier",
        nav=["À la une", "Société", "Économie", "Régions", "Monde", "Culture", "Sport", "Opinions"],
        home="À la une",
        cookie="Nous et nos partenaires utilisons des traceurs pour personnaliser le contenu et la publicité.",
        cookie_ok="Accepter et fermer", cookie_more="Paramétrer",
        related="Les plus lus",
        related_items=["Immobilier : les prix repartent à la hausse", "Le mercato des clubs de la Botola",
                       "Météo : fortes chaleurs attendues", "Bac : les résultats en ligne"],
        share="Partager :", print_="Imprimer",
        address="Le Courrier de la Diaspora — 12, rue de Fès, Casablanca — redaction@courrier-diaspora.example",
        copyright="© 2025 Le Courrier de la Diaspora. Reproduction interdite sans autorisation.",
        search="Rechercher un article",
    ),
    "presse-ar": dict(
        lang="ar", dir="rtl", name="صدى الجالية", short="صدى الجالية",
        nav=["الرئيسية", "مجتمع", "اقتصاد", "جهات", "دولي", "ثقافة", "رياضة", "رأي"],
        home="الرئيسية",
        cookie="نستخدم ملفات تعريف الارتباط لتحسين المحتوى والإعلانات المعروضة عليكم.",
        cookie_ok="قبول", cookie_more="الإعدادات",
        related="الأكثر قراءة",
        related_items=["ارتفاع أسعار الخضر في الأسواق", "نتائج الجولة الأخيرة من البطولة",
                       "توقعات الطقس لنهاية الأسبوع", "افتتاح معرض الكتاب"],
        share="شارك :", print_="طباعة",
        address="صدى الجالية — جريدة إلكترونية مستقلة — 5 زنقة تطوان، الدار البيضاء",
        copyright="© 2025 صدى الجالية. جميع الحقوق محفوظة.",
        search="بحث",
    ),
    "presse-en": dict(
        lang="en", dir="ltr", name="Atlas Diaspora Review", short="ADR",
        nav=["Home", "Politics", "Business", "Society", "Regions", "World", "Culture", "Opinion"],
        home="Home",
        cookie="We use cookies to analyse traffic and to remember your preferences.",
        cookie_ok="Accept all", cookie_more="Manage settings",
        related="Most read",
        related_items=["Casablanca tram extension opens", "Five things to know about the new budget",
                       "Weekend weather: heat wave warning", "Interview with a young novelist"],
        share="Share:", print_="Print",
        address="Atlas Diaspora Review — 3 Avenue Hassan II, Rabat — newsroom@atlas-diaspora.example",
        copyright="© 2025 Atlas Diaspora Review. All rights reserved.",
        search="Search",
    ),
}

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر",
           "نونبر", "دجنبر"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def human_date(d: dt.date, lang: str) -> str:
    lang = "fr" if lang == "fr+ar" else lang
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def _e(s: str) -> str:
    """Escape for a text node (apostrophes and quotes stay as typed)."""
    return html.escape(s, quote=False)


def _a(s: str) -> str:
    """Escape for an attribute value."""
    return html.escape(s, quote=True)


def render_html(doc: Doc) -> bytes:
    site = SITES[doc.meta["site"]]
    mode = doc.meta.get("html_date", "visible")
    section = doc.meta.get("section", site["nav"][4])
    lang_attr = f'lang="{site["lang"]}"' + (' dir="rtl"' if site["dir"] == "rtl" else "")
    head_meta = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<title>{_e(doc.title)} | {_e(site["name"])}</title>',
        f'<meta name="description" content="{_a(doc.meta.get("description", doc.title))}">',
        f'<meta property="og:title" content="{_a(doc.title)}">',
        f'<meta property="og:site_name" content="{_a(site["name"])}">',
    ]
    if mode == "meta":
        head_meta.append(f'<meta name="date" content="{doc.date.isoformat()}">')
    elif mode == "article":
        head_meta.append(f'<meta property="og:type" content="article">')
        head_meta.append(
            f'<meta property="article:published_time" content="{doc.date.isoformat()}T09:30:00+01:00">')
    head_meta.append('<link rel="stylesheet" href="/themes/portail/css/style.min.css">')

    body = []
    title_done = False
    for b in doc.blocks:
        dir_attr = ""
        if doc.lang == "fr+ar":
            dir_attr = ' lang="ar" dir="rtl"' if b.rtl else ' lang="fr"'
        if b.kind == "h1" and not title_done:
            title_done = True
            body.append(f'<h1 class="page-title"{dir_attr}>{_e(b.text)}</h1>')
            info = []
            if mode == "time":
                info.append(f'<time datetime="{doc.date.isoformat()}">{_e(human_date(doc.date, doc.lang))}</time>')
            if doc.meta.get("byline"):
                info.append(f'<span class="author">{_e(doc.meta["byline"])}</span>')
            if info:
                body.append('<div class="article-meta">' + " · ".join(info) + "</div>")
        elif b.kind in ("h1", "h2", "h3"):
            tag = {"h1": "h2", "h2": "h2", "h3": "h3"}[b.kind]
            body.append(f"<{tag}{dir_attr}>{_e(b.text)}</{tag}>")
        elif b.kind == "p":
            body.append(f"<p{dir_attr}>{_e(b.text)}</p>")
        elif b.kind == "ul":
            body.append(f"<ul{dir_attr}>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            rows = [f"<tr>{''.join(f'<th>{_e(c)}</th>' for c in b.items[0])}</tr>"]
            rows += [f"<tr>{''.join(f'<td>{_e(c)}</td>' for c in r)}</tr>" for r in b.items[1:]]
            body.append(f'<table class="table"{dir_attr}>' + "".join(rows) + "</table>")

    active = ' class="active"'
    nav = "\n".join(
        f'      <li{active if n == section else ""}><a href="/{i}">{_e(n)}</a></li>'
        for i, n in enumerate(site["nav"]))
    related = "\n".join(f'        <li><a href="/page/{i + 1}">{_e(t)}</a></li>'
                        for i, t in enumerate(site["related_items"]))
    page = f"""<!DOCTYPE html>
<html {lang_attr}>
<head>
{chr(10).join(head_meta)}
</head>
<body class="page-node">
<div id="cookie-banner" class="cookie-banner" role="dialog">
  <p>{_e(site["cookie"])}</p>
  <button type="button" class="btn-accept">{_e(site["cookie_ok"])}</button> <a href="/cookies">{_e(site["cookie_more"])}</a>
</div>
<header class="site-header">
  <div class="logo"><a href="/"><img src="/themes/portail/logo.png" alt="{_a(site["name"])}"></a>
    <span class="site-name">{_e(site["name"])}</span></div>
  <form class="search-form" action="/recherche"><input type="search" name="q" placeholder="{_a(site["search"])}"></form>
  <nav class="main-menu" aria-label="menu">
    <ul>
{nav}
    </ul>
  </nav>
</header>
<div class="breadcrumb"><a href="/">{_e(site["home"])}</a> › <a href="/section">{_e(section)}</a> › <span>{_e(doc.title)}</span></div>
<main id="content" class="container">
  <article class="node-article">
    {chr(10).join("    " + x if i else x for i, x in enumerate(body))}
    <div class="share-links">{_e(site["share"])} <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="javascript:window.print()">{_e(site["print_"])}</a></div>
  </article>
  <aside class="sidebar">
    <h2 class="block-title">{_e(site["related"])}</h2>
    <ul>
{related}
    </ul>
  </aside>
</main>
<footer class="site-footer">
  <p class="address">{_e(site["address"])}</p>
  <p class="copyright">{_e(site["copyright"])}</p>
</footer>
<script src="/themes/portail/js/app.min.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


# --------------------------------------------------------------------------- TXT
def render_txt(doc: Doc) -> bytes:
    wrap = int(doc.meta.get("wrap", "0"))
    lines: list[str] = []

    def add(text: str, indent: str = ""):
        if wrap:
            lines.extend(textwrap.wrap(text, wrap, initial_indent=indent,
                                       subsequent_indent=" " * len(indent)) or [""])
        else:
            lines.append(indent + text)

    for b in doc.blocks:
        if b.kind == "pagebreak":
            continue
        if b.kind == "h1":
            lines.append(b.text)  # never wrapped: the first line is the title
            lines.append("=" * min(len(b.text), 70))
        elif b.kind in ("h2", "h3"):
            lines.append("")
            add(b.text)
        elif b.kind == "p":
            add(b.text)
        elif b.kind == "ul":
            for item in b.items:
                add(item, "- ")
        elif b.kind == "table":
            for row in b.items:
                lines.append(" | ".join(row))
        lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    if doc.meta.get("newline") == "crlf":
        text = text.replace("\n", "\r\n")
    enc = doc.meta.get("encoding", "utf-8")
    if enc == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")  # explicit BOM, little endian
    return text.encode(enc)  # strict: fails loudly if a character is not encodable


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "html": render_html, "txt": render_txt}


# --------------------------------------------------------------------------- checks
HARAKAT_RE = re.compile(r"[\u064B-\u0652\u0670\u0640]")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = HARAKAT_RE.sub("", s)
    return s.casefold()


def load_taxonomy() -> dict:
    with TAXONOMY.open("rb") as f:
        return tomllib.load(f)


def alias_hit(alias: str, text: str) -> bool:
    a = norm(alias)
    if re.fullmatch(r"[a-z0-9\-]+", a):  # Latin acronym / single word: whole-token match
        return re.search(rf"(?<![\w-]){re.escape(a)}(?![\w])", text) is not None
    if ARABIC_RE.search(a):  # Arabic: allow attached proclitics (و ب ل ف ك ال)
        start = r"(?<![\u0621-\u063A\u0641-\u064A])"
        if re.search(start + "(?:[وفبلك]|ال|لل|وال|بال)?" + re.escape(a), text):
            return True
        # ل + ال is written لل: "للاستراتيجية" for ل + "الاستراتيجية"
        return a.startswith("ال") and re.search(start + "[وف]?لل" + re.escape(a[2:]), text) is not None
    return re.search(rf"(?<!\w){re.escape(a)}(?!\w)", text) is not None


def detect(tax: dict, section: str, text: str) -> set:
    t = norm(text)
    return {e["id"] for e in tax.get(section, []) if any(alias_hit(a, t) for a in e["aliases"])}


def check_doc(doc: Doc, tax: dict) -> list[str]:
    problems = []
    text = doc.plain_text()
    for key, section in (("programs", "program"), ("partners", "partner"), ("regions", "region")):
        declared = set(doc.ids(key))
        known = {e["id"] for e in tax.get(section, [])}
        for x in declared - known:
            problems.append(f"{key}: unknown id {x!r}")
        found = detect(tax, section, text)
        if declared - found:
            problems.append(f"{key}: declared but not found in text: {sorted(declared - found)}")
        if found - declared:
            problems.append(f"{key}: found in text but not declared: {sorted(found - declared)}")
    if doc.meta["type"] not in {e["id"] for e in tax["type"]}:
        problems.append(f"unknown type {doc.meta['type']!r}")
    return problems


def verify_pdf(path: Path, doc: Doc) -> tuple[int, int, list]:
    """Extract with pypdfium2 and check that every source word comes back (after NFKC)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = len(pdf)
    extracted = norm("\n".join(pdf[i].get_textpage().get_text_range() for i in range(pages)))
    extracted_words = set(re.findall(r"\w+", extracted))
    words = [w for w in re.findall(r"\w+", norm(doc.plain_text()))]
    missing = sorted({w for w in words if w not in extracted_words})
    return pages, len(words), missing


# --------------------------------------------------------------------------- main
COLUMNS = ["path", "lang", "format", "date", "type", "programs", "partners", "regions", "title"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verify", action="store_true", help="extract every PDF again and check the words")
    args = ap.parse_args()

    docs = [parse_source(p) for p in sorted(SOURCES.glob("*.txt"))]
    paths = Counter(d.path for d in docs)
    dup = [p for p, n in paths.items() if n > 1]
    if dup:
        sys.exit(f"duplicate output paths in sources: {dup}")

    tax = load_taxonomy()
    n_problems = 0
    for doc in docs:
        out = CORPUS / doc.path
        out.parent.mkdir(parents=True, exist_ok=True)
        data = RENDERERS[doc.fmt](doc)
        out.write_bytes(data)
        for problem in check_doc(doc, tax):
            n_problems += 1
            print(f"CHECK {doc.path}: {problem}")

    for src, copy in DUPLICATES.items():
        if not (CORPUS / src).exists():
            print(f"WARNING duplicate source missing: {src}")
            continue
        (CORPUS / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / src, CORPUS / copy)

    rows = []
    by_path = {d.path: d for d in docs}
    for d in docs:
        rows.append(d)
    with MANIFEST.open("w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(COLUMNS) + "\n")
        entries = [(d.path, d) for d in docs] + [(c, by_path[s]) for s, c in DUPLICATES.items() if s in by_path]
        for path, d in sorted(entries, key=lambda e: e[0]):
            f.write("\t".join([path, d.lang, d.fmt, d.date.isoformat(), d.meta["type"],
                               ",".join(d.ids("programs")), ",".join(d.ids("partners")),
                               ",".join(d.ids("regions")), d.title.replace("\t", " ")]) + "\n")

    # ---- summary
    def table(title, counter):
        print(f"\n{title}")
        for k, v in sorted(counter.items()):
            print(f"  {k:<16} {v:>3}")

    print(f"\nbuilt {len(docs)} documents (+{len(DUPLICATES)} exact duplicate) into {CORPUS}")
    table("by language", Counter(d.lang for d in docs))
    table("by format", Counter(d.fmt for d in docs))
    table("by type", Counter(d.meta["type"] for d in docs))
    years = [d.date.year for d in docs]
    print(f"\nyears: {min(years)}–{max(years)}  ({len(set(years))} distinct years)")
    words = {d.path: len(d.plain_text().split()) for d in docs}
    print(f"words: min {min(words.values())}, median {sorted(words.values())[len(words) // 2]}, "
          f"max {max(words.values())}, total {sum(words.values())}")

    fmt_lang = Counter((d.fmt, d.lang) for d in docs)
    lang = Counter(d.lang for d in docs)
    fmt = Counter(d.fmt for d in docs)
    txt_enc = Counter(d.meta.get("encoding", "utf-8") for d in docs if d.fmt == "txt")
    requirements = {
        "documents >= 44": len(docs) >= 44,
        "fr >= 18": lang["fr"] >= 18, "ar >= 18": lang["ar"] >= 18,
        "en >= 3": lang["en"] >= 3, "fr+ar >= 3": lang["fr+ar"] >= 3,
        "pdf >= 12": fmt["pdf"] >= 12, "pdf ar >= 4": fmt_lang[("pdf", "ar")] >= 4,
        "pdf fr+ar >= 2": fmt_lang[("pdf", "fr+ar")] >= 2,
        "docx >= 6": fmt["docx"] >= 6, "html >= 12": fmt["html"] >= 12, "txt >= 8": fmt["txt"] >= 8,
        "txt encodings": all(txt_enc[e] >= 1 for e in ("utf-8-sig", "utf-16", "cp1256", "latin-1")),
        "years 2008-2025": min(years) == 2008 and max(years) == 2025,
    }

    if args.verify:
        import pdfplumber

        print("\nPDF round-trip (pypdfium2; words of the source missing from the extraction):")
        multi = 0
        for d in docs:
            if d.fmt != "pdf":
                continue
            pages, n, missing = verify_pdf(CORPUS / d.path, d)
            multi += pages >= 3
            with pdfplumber.open(CORPUS / d.path) as pl:
                first = norm(pl.pages[0].extract_text() or "")
            ok_plumber = norm(d.title.split()[0]) in first
            print(f"  {d.path:<75} {d.lang:<5} pages={pages} words={n:<5} missing={len(missing)} "
                  f"{missing[:6] if missing else ''} pdfplumber-first-title-word={'yes' if ok_plumber else 'no'}")
        requirements["pdf with 3+ pages >= 3"] = multi >= 3

    print("\nrequirements:")
    for k, v in requirements.items():
        print(f"  [{'x' if v else ' '}] {k}")
    print(f"\nmetadata check problems: {n_problems}")
    return 0 if all(requirements.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
