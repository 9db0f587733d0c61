"""The archive's controlled vocabulary (types, programs, partners, regions, countries) and its matching.

Aliases are matched as whole-token sequences after the search analysis (`analysis.tokens`, French
chain, query mode), so accents, hamza, clitics, case and plurals do not matter. Query mode on both
sides, because index mode adds joined forms of hyphenated words between the parts, which would
break token adjacency. Aliases written in capitals (PRIM, GIZ, OIM) are acronyms: they match only
the same capitals as a whole word in the raw text (accents folded), so "PRIM" is not "prime".
"""
from __future__ import annotations

import re
from functools import lru_cache
import tomllib
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import chain, compress, count
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from search import analysis
from search.normalize import fold_arabic, has_arabic, strip_arabic_marks
from search.filters import TOKEN_PATTERN

KINDS: tuple[str, ...] = ("type", "program", "partner", "region", "country")
LABEL_LANGS: tuple[str, ...] = ("fr", "ar", "en")
REQUIRED_LABELS: tuple[str, ...] = ("fr", "ar")
ENTRY_KEYS: tuple[str, ...] = ("id", "fr", "ar", "en", "aliases")
_ANALYSIS_LANG = "fr"
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]+$")
_RAW_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    """One vocabulary entry: a stable id, labels per language and the aliases that name it."""

    id: str
    labels: Mapping[str, str]
    aliases: tuple[str, ...] = ()


_COMBINING = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_raw(text: str) -> str:
    """Strip accents but keep case, the form acronyms are compared in."""
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


def is_acronym(alias: str) -> bool:
    """True for aliases such as PRIM, GIZ or OIM, which must match in capitals only."""
    return bool(_ACRONYM.match(fold_raw(alias)))


# Terms of every whitespace-separated chunk seen by this process (emptied when full).
_CHUNK_TERMS: dict[str, tuple[str, ...]] = {}
_CHUNK_CACHE_MAX = 1 << 18


def _never_in_token(char: str) -> bool:
    """True when the tokenizer cannot put `char` in a token: not a letter or digit, nor a mark,
    apostrophe or hyphen that continues or joins a word."""
    return not (
        TOKEN_PATTERN.search(char) or TOKEN_PATTERN.fullmatch(f"a{char}") or TOKEN_PATTERN.fullmatch(f"a{char}a")
    )


# Punctuation stuck to words ("Rabat," "(OIM)" "«Marhaba»"): a chunk has the terms of its core, the
# chunk without these at its ends, so "Rabat," is not analysed again after "Rabat" (real texts have
# a quarter fewer distinct cores than chunks).
_EDGE_PUNCTUATION = "".join(filter(_never_in_token, ".,;:!?()[]{}<>«»\"“”„‘…/\\|*•·–—%"))


def _analyse_chunks(chunks: list[str]) -> list[tuple[str, ...]]:
    """The query-mode terms of each chunk, from one run of the chain over the chunks joined by spaces.

    One run instead of one per chunk saves the chain's set-up; it gives each chunk the terms it has
    alone because no token crosses white space (the chain never looks across it) and every term keeps
    the start offset of a character of its own chunk.
    """
    starts: list[int] = []
    offset = 0
    for chunk in chunks:
        starts.append(offset)
        offset += len(chunk) + 1
    terms: list[list[str]] = [[] for _ in chunks]
    for token in analysis.analyzer(_ANALYSIS_LANG)(" ".join(chunks), mode="query", chars=True):
        terms[bisect_right(starts, token.startchar) - 1].append(token.text)
    return [tuple(t) for t in terms]


def _cached(key: str, *sources: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The terms of `key` in the first source holding them, else None (no terms at all is ())."""
    for source in sources:
        found = source.get(key)
        if found is not None:
            return found
    return None


def _chunk_terms(chunks: list[str]) -> dict[str, tuple[str, ...]]:
    """The terms of every distinct chunk: from the cache, else from its core's terms, else analysed
    now (only the cores not seen yet, in one run); what is new goes into the cache. The result does
    not depend on the cache staying filled meanwhile (another thread may empty it)."""
    unique = dict.fromkeys(chunks)
    terms = {chunk: found for chunk in unique if (found := _CHUNK_TERMS.get(chunk)) is not None}
    missing = [chunk for chunk in unique if chunk not in terms]
    cores = [chunk.strip(_EDGE_PUNCTUATION) for chunk in missing]
    distinct_cores = dict.fromkeys(cores)
    core_terms = {
        core: found for core in distinct_cores if (found := _cached(core, terms, _CHUNK_TERMS)) is not None
    }
    unseen = [core for core in distinct_cores if core not in core_terms]
    core_terms.update(zip(unseen, _analyse_chunks(unseen)))
    new = {chunk: core_terms[core] for chunk, core in zip(missing, cores)}
    if len(_CHUNK_TERMS) + len(new) + len(core_terms) > _CHUNK_CACHE_MAX:
        _CHUNK_TERMS.clear()
    _CHUNK_TERMS.update(core_terms)
    _CHUNK_TERMS.update(new)
    return terms | new


def analysed(text: str) -> tuple[str, ...]:
    """The search terms of `text`, the form aliases and documents are compared in.

    Analysed one whitespace-separated chunk at a time through a cache: archive texts repeat their
    words, and the chain never looks across whitespace, so this equals analysing the whole text.
    """
    chunks = text.split()
    try:
        return tuple(chain.from_iterable(map(_CHUNK_TERMS.__getitem__, chunks)))
    except KeyError:  # a chunk this process has not seen yet (or the cache was just emptied)
        terms = _chunk_terms(chunks)
        return tuple(chain.from_iterable(map(terms.__getitem__, chunks)))


def raw_words(text: str) -> tuple[str, ...]:
    """Accent-folded words with their case, where acronyms are looked for."""
    return tuple(_RAW_WORD.findall(fold_raw(text)))


def folded_words(text: str) -> tuple[str, ...]:
    """Accent-folded lower-case words: the last resort of `resolve` (unstemmed names like folders)."""
    return tuple(w.lower() for w in raw_words(text))


_Item = tuple[tuple[str, ...], str, str]  # (token sequence, kind, id)


@dataclass(frozen=True)
class _Index:
    """Alias sequences grouped by first token (longest sequences first), so a text is scanned once."""

    by_first: Mapping[str, tuple[_Item, ...]] = field(default_factory=dict)
    firsts: frozenset[str] = frozenset()  # the keys of by_first, for a cheap test of every word
    # Any first token as a substring: a text without one holds none of them as a word.
    firsts_re: re.Pattern[str] | None = None


def _build_index(items: Iterable[_Item]) -> _Index:
    """Group alias sequences by their first token so a text is scanned once."""
    grouped: dict[str, list[_Item]] = {}
    for item in items:
        if item[0]:
            grouped.setdefault(item[0][0], []).append(item)
    by_first = {k: tuple(sorted(set(v), key=lambda x: (-len(x[0]), x[1], x[2]))) for k, v in grouped.items()}
    firsts_re = re.compile("|".join(re.escape(k) for k in sorted(by_first))) if by_first else None
    return _Index(MappingProxyType(by_first), frozenset(by_first), firsts_re)


def _scan(
    words: tuple[str, ...], index: _Index, found: dict[str, dict[str, int]], verify: "Callable[[int, _Item], bool] | None" = None
) -> None:
    """Record, per kind, the first position of every id whose sequence occurs in `words` (and, with
    `verify`, whose occurrence there passes it: later occurrences are tried when one fails)."""
    by_first = index.by_first
    for i in compress(count(), map(index.firsts.__contains__, words)):  # the positions of first tokens
        for item in by_first[words[i]]:
            seq, kind, entry_id = item
            if words[i : i + len(seq)] == seq:
                ids = found.setdefault(kind, {})
                if entry_id not in ids and (verify is None or verify(i, item)):
                    ids[entry_id] = i


# ---------------------------------------------------------------- surface check of aliases
# Stems conflate words an alias must not match: Snowball gives "commun" for communiqué, commune and
# communication, "franc" for France, français and francs, "not" for note and noté; the light Arabic
# stemmer gives "اسبان" for إسبانيا and الإسبانية (Spanish), "سور" for سوريا and سورة. An alias therefore
# also needs each of its content words written in the matched words themselves. Latin: the same
# letters up to accents (scanned and capitalised texts drop them), a plural -s/-x/-es/-aux allowed,
# and a final é of the text never standing for an alias's unaccented final e (noté is not note).
# Arabic (as the taxonomy's header says): the same letters up to hamza/alef/teh-marbuta variants and
# marks, after a proclitic only (و ف, then ب ك ل, then the article; لل for ل + ال), no suffix.
_SURFACE_WORD = re.compile(r"[^\W\d_]+|\d+")
_Surface = tuple[str, ...]  # an alias's content words: Latin in lower case with accents, Arabic folded


def _written(text: str) -> str:
    """Text as surface words are compared in: NFKC, Arabic marks and tatweel removed, lower case."""
    return strip_arabic_marks(unicodedata.normalize("NFKC", text)).lower()


def surface_words(alias: str) -> _Surface | None:
    """The content words of an alias that must appear as written where it matches (see above)."""
    words = _SURFACE_WORD.findall(_written(alias))
    return tuple(fold_arabic(w) if has_arabic(w) else w for w in words if analysed(w))


def _singulars(written: str) -> tuple[str, ...]:
    """`written` and what it is the plural of, if it ends like one (-s, -x, -es, -aux for -al/-ail)."""
    out = [written]
    if written.endswith(("s", "x")):
        out.append(written[:-1])
    if written.endswith("es"):
        out.append(written[:-2])
    if written.endswith("aux"):
        out += [written[:-3] + "al", written[:-3] + "ail"]
    return tuple(out)


@lru_cache(maxsize=4096)
def _arabic_form(alias_word: str) -> re.Pattern[str]:
    """The written forms of an Arabic alias word: its letters after a proclitic (و ف, then ب ك ل,
    then the article; لل where ل meets the article of a word that has it)."""
    if alias_word.startswith("ال") and len(alias_word) > 3:
        core = re.escape(alias_word[2:])
        return re.compile(f"[وف]?(?:[بك]?ال|ل?ل){core}")
    return re.compile(f"[وف]?[بكل]?(?:ال)?{re.escape(alias_word)}")


def _same_word(written: str, alias_word: str) -> bool:
    """`written` (see _written) is `alias_word`, up to accents and a plural ending (Latin) or up
    to letter variants after a proclitic (Arabic)."""
    if has_arabic(alias_word):
        return _arabic_form(alias_word).fullmatch(fold_arabic(written)) is not None
    target = fold_raw(alias_word)
    return any(
        fold_raw(stem) == target and not (stem.endswith("é") and alias_word.endswith("e")) for stem in _singulars(written)
    )


def surface_holds(words: _Surface, written: str) -> bool:
    """Every content word of an alias is one of the words of `written` (the matched chunks)."""
    found = _SURFACE_WORD.findall(_written(written))
    return all(any(_same_word(w, a) for w in found) for a in words)


@lru_cache(maxsize=1 << 16)
def _any_holds(checks: tuple[_Surface, ...], written: str) -> bool:
    """Whether one alias's words are all in `written`; cached: the same few words match in document
    after document ("عملية مرحبا", "Union européenne")."""
    return any(surface_holds(words, written) for words in checks)


def _acronym_words(text: str, acronyms: _Index) -> tuple[str, ...]:
    """raw_words(text), or () when no acronym's first word occurs in the text even as a substring
    (most texts): those words could not match anything."""
    if acronyms.firsts_re is None:
        return ()
    folded = fold_raw(text)
    return tuple(_RAW_WORD.findall(folded)) if acronyms.firsts_re.search(folded) else ()


@dataclass(frozen=True)
class Taxonomy:
    """Entries per kind, with indexes built once for fast matching of long texts."""

    by_kind: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    _terms: _Index = field(default_factory=_Index, repr=False, compare=False)
    _acronyms: _Index = field(default_factory=_Index, repr=False, compare=False)
    _names: Mapping[str, Mapping[tuple[str, ...], str]] = field(default_factory=dict, repr=False, compare=False)
    # (sequence, kind, id) -> the surface words of each Latin alias analysed to that sequence; an item
    # absent here (Arabic aliases among them) needs no surface check
    _surfaces: Mapping[_Item, tuple[_Surface, ...]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of entry a taxonomy can hold, in display order."""
        return KINDS

    def entries(self, kind: str) -> tuple[Entry, ...]:
        """The entries of one kind, in file order."""
        _check_kind(kind)
        return tuple(self.by_kind.get(kind, ()))

    def label(self, kind: str, entry_id: str, ui_lang: str) -> str:
        """What to show for an id in the interface language: its label, else the French one, else the id."""
        for entry in self.by_kind.get(kind, ()):
            if entry.id == entry_id:
                return entry.labels.get(ui_lang) or entry.labels.get("fr") or entry_id
        return entry_id

    def match_all(self, text: str) -> dict[str, tuple[str, ...]]:
        """Ids per kind named in `text` (analysing it once), each in order of first mention."""
        found: dict[str, dict[str, int]] = {}
        _scan(analysed(text), self._terms, found, self._verifier(text) if self._surfaces else None)
        words = _acronym_words(text, self._acronyms)
        if words:
            offset = 10**9  # acronym hits rank after analysed hits of the same kind
            acronym_hits: dict[str, dict[str, int]] = {}
            _scan(words, self._acronyms, acronym_hits)
            for kind, ids in acronym_hits.items():
                for entry_id, pos in ids.items():
                    found.setdefault(kind, {}).setdefault(entry_id, offset + pos)
        return {
            kind: tuple(sorted(found.get(kind, {}), key=lambda i: found[kind][i])) for kind in KINDS
        }

    def _verifier(self, text: str) -> "Callable[[int, _Item], bool]":
        """verify(i, item) for _scan over analysed(text): the surface check of the item's aliases on
        the chunks holding its terms i .. i + len - 1 (chunk owners worked out on first use)."""
        chunks: list[str] = []
        counts: list[int] = []  # terms per chunk
        walk = [0, 0]  # (chunk, terms before it): _scan asks in increasing positions, so it moves on

        def count_of(n: int) -> int:
            while len(counts) <= n:  # counted as far as asked only (a type is said near the start)
                chunk = chunks[len(counts)]
                terms = _CHUNK_TERMS.get(chunk)
                counts.append(len(terms if terms is not None else _chunk_terms([chunk])[chunk]))
            return counts[n]

        def chunk_of(i: int) -> int:
            if i < walk[1]:
                walk[0] = walk[1] = 0
            n, before = walk
            while before + count_of(n) <= i:
                before += counts[n]
                n += 1
            walk[0], walk[1] = n, before
            return n

        def verify(i: int, item: _Item) -> bool:
            checks = self._surfaces.get(item)
            if checks is None:
                return True
            if not chunks:
                chunks.extend(text.split())
            first = chunk_of(i)
            last = chunk_of(i + len(item[0]) - 1)
            written = " ".join(chunks[first : last + 1])
            return _any_holds(checks, written)

        return verify

    def match(self, text: str, kind: str) -> tuple[str, ...]:
        """Ids of `kind` whose alias or label occurs in `text` as a whole-token sequence."""
        _check_kind(kind)
        return self.match_all(text)[kind]

    def named(self, text: str) -> tuple[tuple[str, str], ...]:
        """(kind, id) of every entry that `text` names exactly: one of its labels, aliases or its id,
        up to case, accents and a plural for Latin names, up to the search analysis for Arabic ones.

        Stricter than resolve (which reads stems: "prime" resolves to PRIM): a query word is widened
        to the documents tagged with what it names only when it IS the name.
        """
        key = _name_key(text)
        if not key:
            return ()
        table = self._exact_names()
        if key[0] == "arabic":  # analysed terms conflate (الإسبانية / إسبانيا): the words must be the name's
            found = [(k, i) for k, i, name in table.get(key, ()) if surface_holds(surface_words(name) or (), text)]
        else:
            found = [(k, i) for k, i, _ in table.get(key, ())]
            for singular in _singulars(key[1])[1:]:
                found += [(k, i) for k, i, _ in table.get(("latin", singular), ())]
        return tuple(dict.fromkeys(found))

    def _exact_names(self) -> Mapping[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
        """_name_key of every name -> the (kind, id, name) it names, built on first use."""
        table = self.__dict__.get("_exact")
        if table is None:
            grouped: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
            for kind, entries in self.by_kind.items():
                for entry in entries:
                    for name in (entry.id, *_names_of(entry)):
                        key = _name_key(name)
                        if key:
                            grouped.setdefault(key, []).append((kind, entry.id, name))
            table = {k: tuple(v) for k, v in grouped.items()}
            object.__setattr__(self, "_exact", table)  # frozen: a cache, not state
        return table

    def resolve(self, kind: str, value: str) -> str | None:
        """The id a user-typed id, label or alias stands for (first in file order), or None."""
        _check_kind(kind)
        value = value.strip()
        key = value.casefold()
        for entry in self.by_kind.get(kind, ()):
            if entry.id.casefold() == key:
                return entry.id
        names = self._names.get(kind, {})
        folded = fold_raw(value)  # once, for is_acronym, raw_words and folded_words
        words = tuple(_RAW_WORD.findall(folded))
        hit = names.get(("raw",) + words) if _ACRONYM.match(folded) else None
        return (
            hit
            or names.get(analysed(value))
            or names.get(("raw",) + words)
            or names.get(("folded",) + tuple(w.lower() for w in words))
        )


def _name_key(text: str) -> tuple[str, ...]:
    """How a name is compared in Taxonomy.named: Arabic by its analysed terms; Latin by its words
    folded (accents off, lower case), joined by single spaces."""
    text = text.strip()
    if has_arabic(text):
        terms = analysed(text)
        return ("arabic", *terms) if terms else ()
    words = [w.lower() for w in raw_words(text)]
    return ("latin", " ".join(words)) if words else ()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown taxonomy kind {kind!r}; valid kinds: {', '.join(KINDS)}.")


def _names_of(entry: Entry) -> list[str]:
    """Every string that names an entry: labels and aliases."""
    return list(entry.labels.values()) + list(entry.aliases)


def build_taxonomy(by_kind: Mapping[str, Iterable[Entry]]) -> Taxonomy:
    """Assemble a taxonomy and its match indexes from entries (validated)."""
    kinds = {kind: tuple(entries) for kind, entries in by_kind.items()}
    terms, acronyms = [], []
    names: dict[str, dict[tuple[str, ...], str]] = {}
    surfaces: dict[_Item, list[_Surface] | None] = {}
    for kind, entries in kinds.items():
        _check_kind(kind)
        seen: set[str] = set()
        kind_names = names.setdefault(kind, {})
        for entry in entries:
            if entry.id in seen:
                raise ValueError(f"Duplicate {kind} id {entry.id!r} in the taxonomy.")
            seen.add(entry.id)
            for name in _names_of(entry):
                if is_acronym(name):
                    acronyms.append((raw_words(name), kind, entry.id))
                    kind_names.setdefault(("raw",) + raw_words(name), entry.id)
                    kind_names.setdefault(analysed(name), entry.id)  # typed in lower case
                else:
                    item = (analysed(name), kind, entry.id)
                    terms.append(item)
                    kind_names.setdefault(analysed(name), entry.id)
                    words = surface_words(name)
                    if words is None or surfaces.get(item, []) is None:
                        surfaces[item] = None  # an Arabic alias of the same terms: no check
                    else:
                        surfaces.setdefault(item, []).append(words)
                kind_names.setdefault(("folded",) + folded_words(name), entry.id)
            kind_names.setdefault(("raw",) + raw_words(entry.id), entry.id)
    names_view = MappingProxyType({k: MappingProxyType(v) for k, v in names.items()})
    checks = MappingProxyType({item: tuple(w) for item, w in surfaces.items() if w is not None})
    return Taxonomy(
        MappingProxyType(kinds), _build_index(terms), _build_index(acronyms), names_view, checks
    )


def _entry(kind: str, raw: object, position: int) -> Entry:
    """One entry from its TOML table, or a ValueError naming it."""
    where = f"{kind} entry #{position}"
    if not isinstance(raw, dict):
        raise ValueError(f"The {where} must be a table ([[{kind}]]), not {type(raw).__name__}.")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise ValueError(f"The {where} has no id (a non-empty string).")
    where = f"{kind} {entry_id!r}"
    unknown = sorted(set(raw) - set(ENTRY_KEYS))
    if unknown:
        raise ValueError(f"The {where} has unknown keys {unknown}; valid keys: {', '.join(ENTRY_KEYS)}.")
    missing = [lang for lang in REQUIRED_LABELS if not isinstance(raw.get(lang), str) or not raw[lang].strip()]
    if missing:
        raise ValueError(f"The {where} is missing its {' and '.join(missing)} label.")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ValueError(f"The {where} has aliases that are not a list of non-empty strings.")
    labels = {lang: raw[lang].strip() for lang in LABEL_LANGS if isinstance(raw.get(lang), str) and raw[lang].strip()}
    return Entry(entry_id.strip(), MappingProxyType(labels), tuple(a.strip() for a in aliases))


def parse_taxonomy(data: Mapping[str, object]) -> Taxonomy:
    """Build a taxonomy from parsed TOML data, rejecting unknown sections and bad entries."""
    unknown = sorted(set(data) - set(KINDS) - {"version"})
    if unknown:
        raise ValueError(f"Unknown taxonomy sections {unknown}; valid sections: version, {', '.join(KINDS)}.")
    if data.get("version", 1) != 1:
        raise ValueError(f"Unsupported taxonomy version {data['version']!r}; this code reads version 1.")
    by_kind: dict[str, list[Entry]] = {}
    for kind in KINDS:
        raw_entries = data.get(kind, [])
        if not isinstance(raw_entries, list):
            raise ValueError(f"The taxonomy section {kind!r} must be an array of tables ([[{kind}]]).")
        by_kind[kind] = [_entry(kind, raw, i + 1) for i, raw in enumerate(raw_entries)]
    return build_taxonomy(by_kind)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read the taxonomy TOML file; a missing or empty file gives an empty taxonomy."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return build_taxonomy({})
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Cannot read the taxonomy file {path}: {exc}.") from exc
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"The taxonomy file {path} is not valid TOML: {exc}.") from exc
    try:
        return parse_taxonomy(data)
    except ValueError as exc:
        raise ValueError(f"The taxonomy file {path}: {exc}") from exc
