"""Which languages a document is written in, per document and per block.

Script first: Arabic letters against Latin letters decide Arabic without any model. Only Latin
blocks go to a statistical detector (lingua, restricted to a few languages, low-accuracy mode:
deterministic, ~11 MB; numbers and the choice are in docs/metadata.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from typing import Iterator

UNDETERMINED = "und"
ARABIC = "ar"
# Latin-script languages the detector may answer; anything else in Latin script is reported as
# the closest of these (an archive of a French/Arabic ministry has little else).
LATIN_LANGS: tuple[str, ...] = ("fr", "en", "es", "de", "it", "nl", "pt")
DEFAULT_LATIN = "fr"

# A second language is reported when its blocks hold at least this share of the letters and at
# least SECOND_LANG_MIN_LETTERS letters. Measured on the realdocs archive (benchmarks/language_detect.py):
# monolingual documents stay under 4 %, bilingual UN documents are 38-49 %.
SECOND_LANG_SHARE = 0.15
SECOND_LANG_MIN_LETTERS = 200
# Latin blocks with fewer letters take the document's Latin language instead of their own guess:
# low-accuracy lingua confuses short headings (98 % on titles, 99.7 % on documents); a change of
# language inside a document needs a real paragraph. Whole texts this short follow the hint.
MIN_LATIN_LETTERS = 200
# At most this many characters of a block are given to the detector (speed on long pages).
DETECT_CHARS = 2000
# Blocks are lines grouped up to about this many characters.
BLOCK_CHARS = 1500

_ARABIC_LETTER = re.compile(
    "[\u0621-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06ee-\u06ef\u06fa-\u06ff"
    "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Runs of the same letters ("[x][x]*", not "[x]+": a leading class lets the regex engine skip other
# characters fast): removing the runs and comparing lengths counts the letters without making one
# string per letter.
_ARABIC_RUN = re.compile(_ARABIC_LETTER.pattern + _ARABIC_LETTER.pattern + "*")
_LATIN_RUN = re.compile(_LATIN_LETTER.pattern + _LATIN_LETTER.pattern + "*")
_LINE = re.compile(r"[^\n\f]*(?:\n|\f|$)")
# Addresses are letters without a language: left out of counts and detection.
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def without_addresses(text: str) -> str:
    """`text` with URLs and e-mail addresses blanked; the regex (slow on long lines) runs only when
    one of the substrings every address holds is there."""
    if "@" in text or "://" in text or "www." in text:
        return _ADDRESS.sub(" ", text)
    return text


@dataclass(frozen=True)
class LangInfo:
    """Languages of a text: the primary one, all substantial ones, and language runs.

    `langs` starts with `primary` and is empty when nothing could be determined. `blocks` is a
    tuple of (language, start offset) runs covering the whole text: run i spans
    text[start_i:start_{i+1}]; consecutive blocks of one language are merged.
    """

    primary: str
    langs: tuple[str, ...]
    blocks: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Block:
    start: int
    text: str
    arabic: int
    latin: int

    @property
    def script(self) -> str:
        if self.arabic == 0 and self.latin == 0:
            return ""
        return ARABIC if self.arabic >= self.latin else "latin"


def script_counts(text: str) -> tuple[int, int]:
    """Count Arabic and Latin letters (outside URLs and e-mail addresses): the first, certain cue."""
    text = without_addresses(text)
    size = len(text)
    return size - len(_ARABIC_RUN.sub("", text)), size - len(_LATIN_RUN.sub("", text))


@lru_cache(maxsize=1)
def _latin_detector():  # type: ignore[no-untyped-def]
    """Build the lingua detector once per process (never at import time)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN_LANGS]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


# Function words that settle French vs English cheaply on ordinary prose; the statistical detector
# runs only where they do not (short, mixed or other-language text).
_FUNCTION_WORDS = {
    "fr": frozenset("le la les des du un une et est dans pour sur par avec qui que au aux ce cette son sa ses "
                    "ont été sont ne pas plus".split()),
    "en": frozenset("the and of to in is for on with that by this are was were be as at from an it its "
                    "has have not".split()),
}
_WORD = re.compile(r"[^\W\d_]+")
VOTE_MIN_HITS = 8
VOTE_RATIO = 4


def _words(text: str) -> list[str]:
    """The words (letter runs) of `text`, in no particular order: whitespace-separated chunks made of
    letters only are words as they are (str.split is much cheaper than the regex); only the other
    chunks go through the regex. Letter runs never cross white space, so this finds the same words."""
    chunks = text.split()
    words = list(filter(str.isalpha, chunks))  # isalpha: every character is in [^\W\d_]
    rest = list(filterfalse(str.isalpha, chunks))
    if rest:
        words += _WORD.findall(" ".join(rest))
    return words


def _function_word_counts(text: str) -> tuple[int, int]:
    """How many French and English function words `text` holds (counts of pieces of a text add up)."""
    words = _words(text.lower())
    fr, en = _FUNCTION_WORDS["fr"], _FUNCTION_WORDS["en"]
    return sum(map(fr.__contains__, words)), sum(map(en.__contains__, words))


def function_word_vote(text: str) -> str | None:
    """'fr' or 'en' when function words point clearly one way, else None (let the detector decide)."""
    return _vote(_function_word_counts(text[:DETECT_CHARS]))


def _vote(counts: tuple[int, int]) -> str | None:
    """function_word_vote's decision from (French, English) counts."""
    fr, en = counts
    if fr >= VOTE_MIN_HITS and fr >= VOTE_RATIO * max(en, 1):
        return "fr"
    if en >= VOTE_MIN_HITS and en >= VOTE_RATIO * max(fr, 1):
        return "en"
    return None


def detect_latin(text: str) -> str | None:
    """The Latin-script language of `text` among LATIN_LANGS, or None when the detector cannot tell."""
    found = _latin_detector().detect_language_of(without_addresses(text[:DETECT_CHARS]))
    return None if found is None else found.iso_code_639_1.name.lower()


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, line) for every line, separators included, so offsets stay exact."""
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            continue
        yield m.start(), m.group()


def _blocks(text: str) -> list[_Block]:
    """Group lines into blocks broken at blank lines, page breaks, script changes and BLOCK_CHARS."""
    blocks: list[_Block] = []
    start, parts, size, arabic, latin, script = 0, [], 0, 0, 0, ""

    def close() -> None:
        if parts:
            blocks.append(_Block(start, "".join(parts), arabic, latin))

    for offset, line in _lines(text):
        a, la = script_counts(line)
        line_script = "" if a == la == 0 else (ARABIC if a >= la else "latin")
        blank = line.isspace()  # lines are never empty: the same as `not line.strip()`
        if not blank:
            if parts and ((line_script and script and line_script != script) or size >= BLOCK_CHARS):
                close()
                start, parts, size, arabic, latin, script = offset, [], 0, 0, 0, ""
            arabic, latin, script = arabic + a, latin + la, script or line_script
        parts.append(line)
        size += len(line)
        if blank or line.endswith("\f"):
            close()
            start, parts, size, arabic, latin, script = offset + len(line), [], 0, 0, 0, ""
    close()
    return blocks


# Function-word counts of blocks' first DETECT_CHARS characters, by block start (unique in a text).
_Counts = dict[int, tuple[int, int]]


def _head_counts(block: _Block, memo: _Counts) -> tuple[int, int]:
    """Function-word counts of a block's head, counted once for the block's vote and the document's."""
    if block.start not in memo:
        memo[block.start] = _function_word_counts(block.text[:DETECT_CHARS])
    return memo[block.start]


def _sample_counts(sample: list[_Block], memo: _Counts) -> tuple[int, int]:
    """Function-word counts of the first DETECT_CHARS characters of the joined sample, from its blocks.

    Every block but a text's last ends with a line break, so no word spans two blocks: the counts of
    whole blocks add up, and only a block cut by the limit is counted anew.
    """
    fr = en = 0
    room = DETECT_CHARS
    for block in sample:
        part = _head_counts(block, memo) if len(block.text) <= room else _function_word_counts(block.text[:room])
        fr, en, room = fr + part[0], en + part[1], room - len(block.text)
        if room <= 0:
            break
    return fr, en


def _document_latin(blocks: list[_Block], hint: str | None, memo: _Counts) -> str:
    """The document's Latin language: the detector on its first Latin text; the hint if that is short."""
    sample: list[_Block] = []
    size = 0
    for block in blocks:
        if block.script == "latin" and size < DETECT_CHARS:
            sample.append(block)
            size += len(block.text)
    latin_letters = sum(b.latin for b in blocks if b.script == "latin")
    if hint in LATIN_LANGS and latin_letters < MIN_LATIN_LETTERS:
        return str(hint)
    found = _vote(_sample_counts(sample, memo)) or detect_latin("".join(b.text for b in sample))
    return found or (str(hint) if hint in LATIN_LANGS else DEFAULT_LATIN)


def _block_langs(blocks: list[_Block], hint: str | None) -> list[str]:
    """Language of every block ('' for blocks without letters); short Latin blocks follow the document."""
    document_latin: str | None = None
    langs: list[str] = []
    memo: _Counts = {}
    for block in blocks:
        if block.script != "latin":
            langs.append(block.script)
            continue
        document_latin = document_latin or _document_latin(blocks, hint, memo)
        own = None
        if block.latin >= MIN_LATIN_LETTERS:
            own = _vote(_head_counts(block, memo))
            own = own if own == document_latin else detect_latin(block.text)
        langs.append(own or document_latin)
    return langs


def _runs(blocks: list[_Block], langs: list[str]) -> tuple[tuple[str, int], ...]:
    """Merge blocks into language runs starting at 0; letterless blocks join the run before them."""
    runs: list[tuple[str, int]] = []
    for block, lang in zip(blocks, langs):
        if not lang:
            continue
        if not runs:
            runs.append((lang, 0))
        elif runs[-1][0] != lang:
            runs.append((lang, block.start))
    return tuple(runs)


def detect_languages(text: str, hint: str | None = None) -> LangInfo:
    """Tell the document's languages so each part is analysed by the right chain and faceted right.

    `hint` (a declared language such as an HTML lang attribute) only decides short Latin text.
    A text with fewer than 3 letters is undetermined: LangInfo("und", (), ()).
    """
    blocks = _blocks(text)
    if sum(b.arabic + b.latin for b in blocks) < 3:
        return LangInfo(UNDETERMINED, (), ())
    langs = _block_langs(blocks, hint)
    letters: dict[str, int] = {}
    for block, lang in zip(blocks, langs):
        if lang:
            letters[lang] = letters.get(lang, 0) + block.arabic + block.latin
    total = sum(letters.values())
    ranked = sorted(letters.items(), key=lambda kv: (-kv[1], kv[0]))
    primary = ranked[0][0]
    kept = tuple(
        lang
        for lang, n in ranked
        if lang == primary or (n >= SECOND_LANG_MIN_LETTERS and n / total >= SECOND_LANG_SHARE)
    )
    return LangInfo(primary, kept, _runs(blocks, langs))
