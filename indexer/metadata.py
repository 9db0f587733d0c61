"""A document's facets and display fields: title, date, type, programs, partners, regions, countries.

Order of trust for every field: sidecar (curated by hand) > document metadata > text > file name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Mapping

from indexer.dates import FoundDate, filename_date_detail, find_date_detail, fold, parse_date_string
from indexer.extract.base import Extracted
from indexer.language import LangInfo, detect_languages
from search.access import visibility_tokens
from search.taxonomy import Taxonomy

TITLE_MAX = 200
TYPE_HEAD_CHARS = 400  # the type of a document is said in its first lines
TITLE_SCAN_LINES = 40
VISIBILITIES_DEFAULT = "public"

_FACET_KINDS: dict[str, str] = {
    "programs": "program", "partners": "partner", "regions": "region", "countries": "country",
}
_PLACEHOLDERS = (
    "untitled", "sans titre", "document", "titre", "title", "doc1", "document1", "new document",
    "nouveau document", "microsoft word", "presentation powerpoint", "diapositive 1", "slide 1",
    "page 1", "index", "بدون عنوان", "مستند",
)
_CHROME_WORDS = (
    "accueil", "home", "menu", "retour", "back", "rechercher", "recherche", "search", "connexion",
    "login", "contact", "contactez-nous", "nous contacter", "partager", "share", "imprimer", "print",
    "plan du site", "sitemap", "aller au contenu", "skip to content", "lire la suite", "read more",
    "en savoir plus", "suivant", "précédent", "next", "previous", "français", "english", "العربية",
    "fr", "ar", "en", "الرئيسية", "القائمة", "رجوع", "بحث", "اتصل بنا", "مشاركة", "طباعة",
    "اقرأ المزيد", "المزيد", "actualités", "news", "الأخبار", "مستجدات", "publié le", "mis en ligne",
)


_FILE_NAME = re.compile(r"^[\w\-. ()]+\.(pdf|docx?|odt|rtf|txt|html?|xlsx?|pptx?)$", re.IGNORECASE)
# Cover pages break a title over lines: the next line continues it when it starts in lower case, with
# an elided article or a preposition, or when the line before ends on a word no title ends with.
TITLE_JOIN_MAX = 160  # a joined title longer than this is a title and a paragraph
TITLE_LINE_SHORT = 60  # only a line this short can be the first part of a broken title
TITLE_LINE_MAX = 90  # a longer next line is running text
_CONTINUES = re.compile(
    r"^(?:[a-zà-ÿ]|(?i:(?:d|l|qu)['’]|(?:de|du|des|pour|en faveur|et|sur|dans|au|aux|à)\s)|"
    r"(?:في|من|على|حول|عن|إلى|الى|لفائدة|مع)\s)"
)
_OPEN_END = re.compile(
    r"(?:^|[\s'’])(?:de|des|du|d|l|et|pour|la|le|les|à|au|aux|en|sur|par|dans|avec|entre|"
    r"في|من|على|و|حول|عن|إلى|الى|لفائدة|مع)['’]?$",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"^[\w-]+\s?:(?!:)")  # "author: …", "date : …": a field, not a title
# A trailing " - Avocat", " | Site", " – Ministère …" is the site's name, not the document's.
_SUFFIX_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::)\s+")
_SITE_WORDS = frozenset(
    "ministere ministry royaume kingdom portail portal site وزاره المملكه موقع الموقع بوابه البوابه".split()
)
SUFFIX_MAX_WORDS = 3  # a longer trailing part is a subtitle, unless it starts with one of _SITE_WORDS
TITLE_LEFT_MIN_WORDS = 5  # what must remain of a title once its suffix is stripped
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|::|»|«)\s+")
_CAMEL_RUN = re.compile(r"^(?:[A-ZÀ-Ý][a-zà-ÿ]+){2,}$")  # "SociétéSpécialUne": glued menu items
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Metadata:
    """Everything the index needs about a document besides its text."""

    title: str
    date: str | None
    type: str | None
    programs: tuple[str, ...]
    partners: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    langs: tuple[str, ...]
    primary_lang: str
    visibility: str = VISIBILITIES_DEFAULT
    groups: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def date_precision(self) -> str:
        """How much of `date` its source gave: "day", "month" or "year" (the rest of it is 01)."""
        return self.extra.get("date_precision", "day")


# ---------------------------------------------------------------- title

def _letters(text: str) -> int:
    return len(_LETTER.findall(text))


def _key(text: str) -> str:
    """A line folded for comparisons with the chrome and placeholder lists."""
    return " ".join(fold(text).strip(" \t:|>»·•-–—*").split())


_PLACEHOLDER_TITLES = frozenset(_key(w) for w in _PLACEHOLDERS)
_CHROME = frozenset(_key(w) for w in _CHROME_WORDS)


def prettify_file_name(rel_path: str) -> str:
    """A readable title from a file name: no extension, separators as spaces, first letter upper."""
    stem = PurePosixPath(rel_path.replace("\\", "/")).name
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
    words = " ".join(re.sub(r"[_+]+|(?<=\w)-(?=\w)|\.", " ", stem).split())
    return (words[:1].upper() + words[1:]) if words else stem


def _is_site_suffix(head: str, separator: str, tail: str, site_name: str | None) -> bool:
    """True when `tail`, after the last separator of a title, names the site rather than the document."""
    head_words, tail_words = _WORD.findall(head), _WORD.findall(tail)
    if len(head_words) < TITLE_LEFT_MIN_WORDS or not tail_words or re.search(r"\d", tail):
        return False
    tail_set, site_set = set(_key(tail).split()), set(_key(site_name or "").split())
    if site_set and (tail_set <= site_set or site_set <= tail_set):  # "AOC media" of "AOC media - Analyse…"
        return True
    if fold(tail_words[0]) in _SITE_WORDS:
        return True
    if len(tail_words) > SUFFIX_MAX_WORDS:
        return False
    # "Accord de coopération Maroc - Espagne": two names joined by a dash belong to the title.
    return not (separator.strip() == "-" and head_words[-1][:1].isupper() and tail_words[0][:1].isupper())


def strip_site_suffix(title: str, site_name: str | None = None) -> str:
    """Drop one trailing site name or section after a separator ("Le projet - Avocat" → "Le projet")."""
    separators = list(_SUFFIX_SEPARATOR.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    head, tail = title[: last.start()], title[last.end() :]
    return head.rstrip() if _is_site_suffix(head, last.group(), tail, site_name) else title


def _clean_meta_title(title: str, site_name: str | None = None) -> str:
    """Drop "Microsoft Word - " prefixes and site names after separators ("Title | Ministry")."""
    title = " ".join(title.split())
    title = re.sub(r"^microsoft (word|powerpoint|excel)\s*-\s*", "", title, flags=re.IGNORECASE)
    title = strip_site_suffix(title, site_name)
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1:
        title = max(parts, key=lambda p: (len(p.split()), len(p)))
    return title


def meaningful_title(title: str | None, rel_path: str = "", site_name: str | None = None) -> str | None:
    """The metadata title if it names the document (not a placeholder, file name or site chrome)."""
    if not title:
        return None
    title = _clean_meta_title(title, site_name)
    key = _key(title)
    stem = _key(prettify_file_name(rel_path)) if rel_path else ""
    if (
        _letters(title) < 4
        or key in _PLACEHOLDER_TITLES
        or key in _CHROME
        or _FILE_NAME.match(title)
        or (stem and _key(prettify_file_name(title)) == stem)
        or re.fullmatch(r"[\w-]+_[\w_-]+", title)
    ):
        return None
    return cap(title)


def cap(text: str, limit: int = TITLE_MAX) -> str:
    """Shorten to `limit` characters at a word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


def is_chrome_line(line: str) -> bool:
    """True for lines that are site navigation, dates, breadcrumbs or too short to be a title."""
    stripped = line.strip()
    key = _key(stripped)
    words = _WORD.findall(stripped)
    if not key or key in _CHROME or _letters(stripped) < 8 or len(words) < 2:
        return True
    if _CAMEL_RUN.match(stripped) or re.search(r"https?://|www\.|@\w", stripped):
        return True
    if stripped.count("|") >= 2 or stripped.count(" > ") >= 1 or stripped.count(" / ") >= 2:
        return True
    if find_date_detail(stripped) and _letters(re.sub(r"\d", "", stripped)) < 30:
        return True  # "Publié le 09 Oct 2023", "Rabat, le 3 mars 2019"
    upper = stripped.upper() == stripped and stripped.lower() != stripped
    return upper and len(words) <= 3  # "ACTUALITÉS", "MENU PRINCIPAL"


def _continues(title: str, line: str) -> bool:
    """True when `line` carries on a title broken over lines ("Stratégie Nationale" / "d'Immigration…")."""
    line = line.strip()
    if not line or len(line) > TITLE_LINE_MAX or len(title) + 1 + len(line) > TITLE_JOIN_MAX:
        return False
    if _key(line) in _CHROME or re.search(r"https?://|www\.|@\w|\|", line) or _FIELD_LINE.match(line):
        return False
    if re.search(r"[.!?:;]$", title):  # a finished sentence or a label
        return False
    return bool(_CONTINUES.match(line) or _OPEN_END.search(title.rstrip()))


def _joined_title(lines: list[str], first: int) -> str:
    """The title starting on line `first`, with the lines that continue it when that line is short."""
    title = " ".join(lines[first].split())
    if len(title) > TITLE_LINE_SHORT:
        return title
    for line in lines[first + 1 : first + 4]:
        if not _continues(title, line):
            break
        title = f"{title} {' '.join(line.split())}"
    return title


def title_from_text(text: str) -> str | None:
    """The first heading-like line of the text (with the lines that continue it), skipping site chrome."""
    lines = text.replace("\f", "\n").splitlines()
    for n, line in enumerate(lines):
        if n >= TITLE_SCAN_LINES:
            break
        if not is_chrome_line(line):
            return cap(_joined_title(lines, n))
    return None


def choose_title(extracted: Extracted, rel_path: str) -> tuple[str, str]:
    """(title, source) where source is "metadata", "text" or "filename"."""
    title = meaningful_title(extracted.title, rel_path, extracted.meta.get("site_name"))
    if title:
        return title, "metadata"
    title = title_from_text(extracted.text)
    if title:
        return title, "text"
    return prettify_file_name(rel_path), "filename"


# ---------------------------------------------------------------- date and type

def choose_date(extracted: Extracted, rel_path: str) -> tuple[FoundDate | None, str]:
    """(date, source): document metadata, then the text, then the file name."""
    if extracted.date:
        iso = parse_date_string(extracted.date)
        if iso:
            return FoundDate(iso), "metadata"
    found = find_date_detail(extracted.text)
    if found:
        return found, "text"
    found = filename_date_detail(rel_path)
    return (found, "filename") if found else (None, "")


def _name_type(name: str, taxonomy: Taxonomy) -> str | None:
    """The type a file or folder name says, by its words or their singular."""
    spaced = " ".join(re.split(r"[_\-.]+", name))
    found = taxonomy.match(spaced, "type")
    if found:
        return found[0]
    for word in spaced.split():
        word = fold(word)
        for candidate in dict.fromkeys((word, word[:-1] if word.endswith("s") else word)):  # each once
            resolved = taxonomy.resolve("type", candidate)
            if resolved:
                return resolved
    return None


# Folder name -> (taxonomy, its type): the documents of a folder share it (emptied when full).
_FOLDER_TYPES: dict[str, tuple[Taxonomy, str | None]] = {}


def _folder_type(name: str, taxonomy: Taxonomy) -> str | None:
    """_name_type of a folder name, worked out once per folder and taxonomy."""
    cached = _FOLDER_TYPES.get(name)
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    if len(_FOLDER_TYPES) >= 4096:
        _FOLDER_TYPES.clear()
    found = _FOLDER_TYPES[name] = (taxonomy, _name_type(name, taxonomy))
    return found[1]


def _folder_hint(rel_path: str, taxonomy: Taxonomy) -> str | None:
    """A type named by the file name or a folder (deepest first): "communiques/", "rapports/"."""
    parts = PurePosixPath(rel_path.replace("\\", "/")).parts
    if not parts:
        return None
    found = _name_type(prettify_file_name(parts[-1]), taxonomy)
    for folder in reversed(parts[:-1]):
        if found:
            break
        found = _folder_type(folder, taxonomy)
    return found


def choose_type(title: str, text: str, rel_path: str, taxonomy: Taxonomy) -> str | None:
    """The document type said in its title, else in its first lines, else by its folder."""
    for source in (title, text[:TYPE_HEAD_CHARS]):
        found = taxonomy.match(source, "type")
        if found:
            return found[0]
    return _folder_hint(rel_path, taxonomy)


# ---------------------------------------------------------------- sidecar

def _resolved(taxonomy: Taxonomy, kind: str, values: object) -> tuple[str, ...]:
    """Sidecar values mapped to taxonomy ids when they name an entry, kept as written otherwise."""
    items = (values,) if isinstance(values, str) else tuple(values)  # type: ignore[arg-type]
    out: list[str] = []
    for value in items:
        resolved = taxonomy.resolve(kind, str(value)) or str(value)
        if resolved not in out:
            out.append(resolved)
    return tuple(out)


def apply_sidecar(meta: Metadata, sidecar: Mapping[str, object], taxonomy: Taxonomy) -> Metadata:
    """Let curated values set or override any field (labels and aliases resolved to ids)."""
    changes: dict[str, object] = {}
    extra = dict(meta.extra)
    if "title" in sidecar:
        changes["title"] = cap(str(sidecar["title"]))
        extra["title_source"] = "sidecar"
    if "date" in sidecar:
        changes["date"] = parse_date_string(str(sidecar["date"]))
        extra["date_source"] = "sidecar"
        extra.pop("date_precision", None)
    if "type" in sidecar:
        changes["type"] = _resolved(taxonomy, "type", sidecar["type"])[0]
    for key, kind in _FACET_KINDS.items():
        if key in sidecar:
            changes[key] = _resolved(taxonomy, kind, sidecar[key])
    if "langs" in sidecar:
        langs = tuple(str(v) for v in sidecar["langs"])  # type: ignore[union-attr]
        changes["langs"], changes["primary_lang"] = langs, langs[0] if langs else meta.primary_lang
    if "visibility" in sidecar:
        changes["visibility"] = str(sidecar["visibility"])
    if "groups" in sidecar:
        changes["groups"] = tuple(str(v) for v in sidecar["groups"])  # type: ignore[union-attr]
    visibility_tokens(str(changes.get("visibility", meta.visibility)), tuple(changes.get("groups", meta.groups)))  # type: ignore[arg-type]
    return replace(meta, **changes, extra=MappingProxyType(extra))


# ---------------------------------------------------------------- orchestration

def derive_metadata(
    extracted: Extracted,
    rel_path: str,
    taxonomy: Taxonomy,
    sidecar: Mapping[str, object] | None = None,
    default_visibility: str = VISIBILITIES_DEFAULT,
    lang_info: LangInfo | None = None,
) -> Metadata:
    """Derive the facets and display fields of one document so search can filter, sort and show it.

    `lang_info` lets a caller that already ran detect_languages pass its result instead of redoing it.
    """
    text = extracted.text
    info = lang_info or detect_languages(text, extracted.lang_hint)
    title, title_source = choose_title(extracted, rel_path)
    found, date_source = choose_date(extracted, rel_path)
    matched = taxonomy.match_all(f"{title}\n{text}")
    extra = {k: str(v) for k, v in extracted.meta.items()}
    extra["title_source"] = title_source
    if found:
        extra["date_source"] = date_source
        if found.precision != "day":
            extra["date_precision"] = found.precision
    meta = Metadata(
        title=title,
        date=found.iso if found else None,
        type=choose_type(title, text, rel_path, taxonomy),
        programs=matched["program"],
        partners=matched["partner"],
        regions=matched["region"],
        countries=matched["country"],
        langs=info.langs,
        primary_lang=info.primary,
        visibility=default_visibility,
        extra=MappingProxyType(extra),
    )
    return apply_sidecar(meta, sidecar, taxonomy) if sidecar else meta
