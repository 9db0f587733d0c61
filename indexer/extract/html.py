"""HTML extraction: main text without site chrome, title, declared language and publication date."""
from __future__ import annotations

import codecs
import dataclasses
import json
import re
from pathlib import Path

from .base import Extracted, ExtractionError, Page
from .dates import parse_date
from .htmltree import Node, parse_html
from .text import detect_encoding
from .textfix import fold_compat_forms, tidy_whitespace

MAX_HTML_BYTES = 50 * 1024 * 1024
CHROME_TAGS = frozenset(
    "nav header footer aside script style form noscript iframe svg button select template menu dialog "
    "object embed canvas head figure figcaption".split()
)
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "dialog"})
CHROME_WORDS = frozenset(
    "menu nav navbar navigation breadcrumb breadcrumbs cookie cookies consent gdpr footer sidebar share "
    "sharing social socials related newsletter subscribe advert ads banner popup modal skip pagination "
    "widget toolbar comments commentaires respond disqus caption credit credits legende paywall "
    "subscription abonnement premium permalink".split()
)
_NAME_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre section article main table tr thead tbody "
    "figcaption address caption details summary hr center".split()
)
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—:·•»]|::)\s+")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
# Publication dates, the explicit ones first; then dates that may be either; modification dates last.
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "parsely-pub-date",
    "citation_publication_date", "citation_date", "bepress_citation_date",
)
_UNQUALIFIED_META = ("dc.date", "dcterms.date", "date", "pubdate", "publish-date", "publish_date", "sailthru.date")
_MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified",
)
_JSON_LD_MAX_CHARS = 1_000_000


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: BOM, then <meta charset>, then UTF-8, then the Arabic/Latin byte heuristic."""
    encoding = None
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        match = _META_CHARSET.search(data[:4096])
        if match:
            try:
                encoding = codecs.lookup(match.group(1).decode("ascii")).name
            except LookupError:
                encoding = None
    if encoding in ("latin-1", "iso8859-1", "ascii"):
        encoding = "cp1252"  # what browsers do for these labels
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode(detect_encoding(data[:65536]), errors="replace")


def _is_chrome_tag(node: Node) -> bool:
    """True for elements whose tag or ARIA role marks them as site furniture (nav, footer, banner…)."""
    return node.tag in CHROME_TAGS or node.attrs.get("role", "").lower() in CHROME_ROLES


def _is_chrome(node: Node) -> bool:
    """True for navigation, banners, footers, cookie notices, share bars and other site furniture."""
    if _is_chrome_tag(node):
        return True
    attrs = node.attrs
    if attrs.get("role", "").lower() in CHROME_ROLES or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if "display:none" in attrs.get("style", "").replace(" ", "").lower():
        return True
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}"
    return any(token.lower() in CHROME_WORDS for token in _NAME_TOKEN.findall(names))


_ALWAYS_DROP = frozenset("script style noscript template svg iframe object embed canvas head".split())
MAX_CHROME_SHARE = 0.4  # a "menu"/"footer" element holding this much of the page is a mislabelled wrapper


def _is_link_list(node: Node) -> bool:
    """A block that is mostly links (related articles, "À découvrir", tag clouds)."""
    if node.tag not in ("div", "ul", "ol", "section", "table", "dl"):
        return False
    text = " ".join(node.text().split())
    if not text:
        return False
    links = sum(len(" ".join(a.text().split())) for a in node.find_all("a"))
    return links / len(text) > LINK_LIST_DENSITY


LINK_LIST_DENSITY = 0.6


def strip_chrome(node: Node, total: int | None = None) -> None:
    """Remove chrome elements below `node`, in place (but never an element holding most of the text)."""
    if total is None:
        total = max(1, len(_SPACES.sub(" ", node.text())))
    kept: list[Node | str] = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag in _ALWAYS_DROP or _is_chrome_tag(child):
                continue
            size = len(_SPACES.sub(" ", child.text()))
            if (_is_chrome(child) or _is_link_list(child)) and size < MAX_CHROME_SHARE * total:
                continue
            strip_chrome(child, total)
        kept.append(child)
    node.children = kept


def render_text(node: Node) -> str:
    """Visible text with paragraph breaks between blocks and line breaks at <br>."""
    out: list[str] = []

    def walk(item: Node | str, pre: bool) -> None:
        if isinstance(item, str):
            out.append(item if pre else _SPACES.sub(" ", item))
            return
        if item.tag == "br":
            out.append("\n")
            return
        if item.tag in ("td", "th"):
            out.append("\t")
        block = item.tag in BLOCK_TAGS
        if block:
            out.append("\n\n")
        for child in item.children:
            walk(child, pre or item.tag == "pre")
        if block:
            out.append("\n\n")

    walk(node, False)
    lines = (line.strip(" \t") for line in "".join(out).split("\n"))
    return tidy_whitespace("\n".join(lines))


def _unlinked_text(node: Node) -> str:
    """Text of an element minus the text of its links (menus and teaser lists are mostly links)."""
    link_text = "".join(a.text() for a in node.find_all("a"))
    text = node.text().strip()
    return text[: max(0, len(text) - len(link_text.strip()))]


def _paragraph_score(node: Node) -> int:
    """Characters of paragraph-like, non-link text directly under this element (text-density heuristic)."""
    score = 0
    for child in node.children:
        if isinstance(child, str):
            score += len(child.strip())
        elif child.tag == "a":
            continue
        elif child.tag in ("p", "blockquote", "pre", "h2", "h3", "li", "ul", "ol", "span", "font", "b", "i", "em", "strong"):
            text = _unlinked_text(child)
            if len(text) > 40 and child.tag != "li":
                score += len(text)
            elif child.tag in ("ul", "ol"):
                score += len(text) // 4
    return score


def main_content(root: Node) -> Node:
    """The element holding the main text: <main>/<article> when present, else the densest block."""
    body = next(iter(root.find_all("body")), root)
    candidates = [n for n in body.iter() if n.tag == "main" or n.attrs.get("role") == "main"]
    scope = max(candidates, key=lambda n: len(n.text()), default=body)
    articles = scope.find_all("article")
    if articles:
        best = max(articles, key=lambda n: len(n.text()))
        if len(articles) == 1 or len(best.text().strip()) >= 0.3 * len(scope.text().strip()):
            scope = best
    if scope is not body:
        return scope
    dense = max(scope.iter(), key=_paragraph_score)
    if _paragraph_score(dense) >= 0.5 * len(scope.text().strip()) or scope is body:
        # Climb while the parent still mostly holds the same text (keeps headings and sibling blocks).
        while dense.parent is not None and dense is not scope and dense.parent is not body:
            parent_len = len(dense.parent.text().strip())
            if parent_len > 1.5 * len(dense.text().strip()):
                break
            dense = dense.parent
        return dense if len(dense.text().strip()) >= 200 or scope is body else scope
    return scope


def clean_title(title: str) -> str:
    """Drop a trailing site name ("Le projet | Ministère …" → "Le projet")."""
    title = " ".join(title.split())
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and len(" ".join(parts[:-1])) >= 4:
        head = title[: title.rfind(_TITLE_SEPARATOR.findall(title)[-1])]
        return head.strip()
    return title


def _meta_key(name: str) -> str:
    """A <meta> name folded so spellings of one key meet ("DC:date", "DCTERMS.created", "dc.date")."""
    key = name.strip().lower()
    return re.sub(r"^(dc|dcterms)[:_]", r"\1.", key)


def _meta_values(root: Node) -> dict[str, str]:
    """<meta> contents by folded name, property or itemprop (each attribute counts: the first value wins)."""
    values: dict[str, str] = {}
    for meta in root.find_all("meta"):
        content = meta.attrs.get("content", "").strip()
        if not content:
            continue
        for attr in ("name", "property", "itemprop"):
            key = _meta_key(meta.attrs.get(attr) or "")
            if key and key not in values:
                values[key] = content
    return values


def _itemprop_date(root: Node, prop: str) -> str | None:
    """A microdata date: <time itemprop="datePublished" datetime>, <abbr … title>, <span … content>."""
    for node in root.iter():
        if node.attrs.get("itemprop", "").strip().lower() == prop:
            for value in (node.attrs.get("datetime"), node.attrs.get("content"), node.attrs.get("title"), node.text()):
                iso = parse_date(value)
                if iso:
                    return iso
    return None


def _json_ld_values(root: Node, key: str) -> list[str]:
    """The `key` values of the JSON-LD blocks, outer objects first (an Article before its comments)."""
    found: list[str] = []
    for script in root.find_all("script"):
        if "ld+json" not in script.attrs.get("type", "").lower():
            continue
        raw = "".join(c for c in script.children if isinstance(c, str)).strip()
        if not raw or len(raw) > _JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        level: list[object] = [data]
        while level:  # breadth first, so @graph items and lists are read before nested objects
            deeper: list[object] = []
            for item in level:
                if isinstance(item, dict):
                    if isinstance(item.get(key), str):
                        found.append(item[key])
                    deeper.extend(item.values())
                elif isinstance(item, list):
                    deeper.extend(item)
            level = deeper
    return found


def _first_date(values: list[str | None]) -> str | None:
    for value in values:
        iso = parse_date(value)
        if iso:
            return iso
    return None


def _find_date(root: Node, metas: dict[str, str]) -> str | None:
    """The publication date the page declares; its last modification only when it declares nothing else."""
    return (
        _first_date([metas.get(k) for k in _PUBLISHED_META])
        or _first_date(_json_ld_values(root, "datePublished"))
        or _itemprop_date(root, "datepublished")
        or _first_date([metas.get(k) for k in _UNQUALIFIED_META])
        or _first_date(_json_ld_values(root, "dateCreated"))
        or _first_date([t.attrs.get("datetime") for t in root.find_all("time")])
        or _first_date([metas.get(k) for k in _MODIFIED_META])
        or _first_date(_json_ld_values(root, "dateModified"))
        or _itemprop_date(root, "datemodified")
    )


def extract_html_string(markup: str, path: Path | str = "<html>") -> Extracted:
    """Extract main text and metadata from an HTML document already decoded to str."""
    root = parse_html(markup)
    html = next(iter(root.find_all("html")), root)
    metas = _meta_values(root)
    title_node = next(iter(root.find_all("title")), None)
    h1 = next((n for n in root.find_all("h1") if n.text().strip()), None)
    title = clean_title(title_node.text()) if title_node else ""
    if not title and h1 is not None:
        title = " ".join(h1.text().split())
    lang = html.attrs.get("lang") or html.attrs.get("xml:lang") or metas.get("content-language")
    if not lang and html.attrs.get("dir", "").lower() == "rtl":
        lang = "ar"
    date = _find_date(root, metas)
    strip_chrome(root)
    text = fold_compat_forms(render_text(main_content(root)))
    if not text:
        raise ExtractionError(path, "no text found")
    meta = {k: metas[m] for k, m in (("author", "author"), ("description", "description"),
                                      ("keywords", "keywords"), ("site_name", "og:site_name")) if metas.get(m)}
    return Extracted(
        pages=(Page(1, text),),
        title=title or None,
        date=date,
        lang_hint=lang.strip() if lang else None,
        meta=meta,
    )


def extract_html(path: Path) -> Extracted:
    """Extract an HTML file (charset sniffed from BOM / <meta> / bytes)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_HTML_BYTES + 1)
    except OSError as exc:
        raise ExtractionError(path, f"unreadable file: {exc.strerror or exc}") from exc
    extracted = extract_html_string(decode_html(data[:MAX_HTML_BYTES]), path)
    if len(data) > MAX_HTML_BYTES:
        return dataclasses.replace(extracted, warnings=extracted.warnings + ("truncated",))
    return extracted
