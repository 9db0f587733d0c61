"""Arshif's analysis chains: one script-aware analyzer per Latin language, Arabic handled in both.

Chain (same parts, same order, at index and query time):

    ScriptTokenizer          Arabic / Latin runs; NFKC, harakat+tatweel removed, ' and - unified;
                             offsets into the original text
    | ArabicNormalizeFilter  Arabic tokens: أإآٱ→ا ى→ي ة→ه ؤ→و ئ→ي, Persian forms, ٠-٩/۰-۹→0-9
    | LatinLowercaseFilter   Latin tokens: lower case
    | ElisionFilter(lang)    l' d' qu' jusqu'… (fr) / possessive 's (en); other apostrophes joined
    | CompoundFilter         tanger-tetouan → tanger, tetouan (+ tangertetouan at index time only)
    | StopFilter(lang)       our French or English list on Latin tokens, our Arabic list on Arabic ones
    | AccentFoldFilter       Latin tokens: é→e ç→c œ→oe, BEFORE stemming (measured: stemming first
                             gives première/premiere different stems; see test_analysis_fr.py)
    | LatinStemFilter(lang)  Snowball French / English (Porter2) via PyStemmer
    | ArabicStemFilter       light stemmer: Lucene's affixes + repeated article + accusative alef

The only index/query difference is explicit: in mode "index" a hyphenated word also yields its
joined form. Changing any part of a chain must bump ANALYSIS_VERSION (the index stores it).
"""
from __future__ import annotations

from whoosh.analysis import Analyzer

from search.filters import (
    AccentFoldFilter,
    ArabicNormalizeFilter,
    ArabicStemFilter,
    CompoundFilter,
    ElisionFilter,
    LatinLowercaseFilter,
    LatinStemFilter,
    ScriptTokenizer,
    StopFilter,
)

ANALYSIS_VERSION = "1.1"
TEXT_LANGS: tuple[str, ...] = ("fr", "en")

#: Fold accents before stemming (True) or after (False); measured in tests and README-quality.md.
FOLD_BEFORE_STEM = True

_CACHE: dict[str, Analyzer] = {}


def build_analyzer(
    lang: str = "fr",
    *,
    fold_before_stem: bool = FOLD_BEFORE_STEM,
    arabic_normalize: ArabicNormalizeFilter | None = None,
    arabic_stem: ArabicStemFilter | None = None,
) -> Analyzer:
    """Assemble the chain from named parts (variants exist for the measurements in benchmarks/)."""
    lang = lang if lang in TEXT_LANGS else "fr"
    chain = (
        ScriptTokenizer()
        | (arabic_normalize or ArabicNormalizeFilter())
        | LatinLowercaseFilter()
        | ElisionFilter(lang)
        | CompoundFilter()
        | StopFilter(lang)
    )
    if fold_before_stem:
        chain = chain | AccentFoldFilter() | LatinStemFilter(lang)
    else:
        chain = chain | LatinStemFilter(lang) | AccentFoldFilter()
    return chain | (arabic_stem or ArabicStemFilter())


def analyzer(lang: str = "fr") -> Analyzer:
    """Analyzer of a text field whose Latin tokens follow `lang`; Arabic tokens go to the Arabic chain."""
    lang = lang if lang in TEXT_LANGS else "fr"
    a = _CACHE.get(lang)
    if a is None:
        a = _CACHE[lang] = build_analyzer(lang)
    return a


def tokens(text: str, lang: str = "fr", mode: str = "query") -> list[str]:
    """The terms `text` becomes in a field of language `lang` (query mode by default)."""
    return [t.text for t in analyzer(lang)(text, mode=mode)]


# --- index-time postings, analysed one whitespace chunk at a time -----------------------------------
#
# The chain never looks across whitespace (every token is one TOKEN_PATTERN match, and no match holds a
# space), and the only state carried from one chunk to the next is the StopFilter's output slot counter.
# So a chunk's terms and slots are computed once (framed by a sentinel word on each side, which makes
# the chunk see the same StopFilter state as inside a text: a slot already open before it) and replayed
# with an offset. The result equals Whoosh's Positions.word_values over the full chain
# (tests/test_pipeline_analysis.py checks it on generated and hostile texts).

_SENTINEL = "qxzjw"
#: Word characters that the ElisionFilter can turn into an empty token (a lone ʼ): when such a token
#: opens a text, the StopFilter's first slot is not 0, so texts holding one take the full chain.
#: tests/test_pipeline_analysis.py checks that no other word character normalises to apostrophes.
ELIDED_WORD_CHARS = "\u02bc"
_CHUNK_CACHE_MAX = 200_000
_CHUNKS: dict[str, dict[str, tuple[tuple[tuple[str, int], ...], int]]] = {}


def _chunk_postings(chunk: str, lang: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """(term, position relative to the chunk's first slot) pairs of one chunk and the slots it uses."""
    out = [(t.text, t.pos) for t in analyzer(lang)(f"{_SENTINEL} {chunk} {_SENTINEL}", positions=True, mode="index")
           if not t.stopped]
    # the first and last tokens are the sentinels (never stop words, never dropped, alone in their slots)
    return tuple((text, pos - 1) for text, pos in out[1:-1]), out[-1][1] - 1


def _chain_positions(text: str, lang: str) -> dict[str, list[int]]:
    """term -> positions through the full chain (the reference index_positions must equal)."""
    poses: dict[str, list[int]] = {}
    for t in analyzer(lang)(text, positions=True, mode="index"):
        if not t.stopped:
            poses.setdefault(t.text, []).append(t.pos)
    return poses


#: The last few (text, lang, result): the body field and the word-pair column of one document analyse
#: the same text object one after the other (search/pairs.py).
_RECENT: list[tuple[str, str, dict[str, list[int]]]] = []


def index_positions(text: str, lang: str = "fr") -> dict[str, list[int]]:
    """term -> positions of `text` in an index-mode field of `lang`, as the full chain gives them, but
    each distinct whitespace chunk analysed once per process (archive texts repeat their words).
    The result may be shared with the next caller for the same text: read it, never change it."""
    lang = lang if lang in TEXT_LANGS else "fr"
    for seen, seen_lang, result in _RECENT:
        if seen is text and seen_lang == lang:
            return result
    result = _index_positions(text, lang)
    _RECENT.insert(0, (text, lang, result))
    del _RECENT[4:]
    return result


def _index_positions(text: str, lang: str) -> dict[str, list[int]]:
    if any(c in text for c in ELIDED_WORD_CHARS):
        return _chain_positions(text, lang)
    cache = _CHUNKS.setdefault(lang, {})
    poses: dict[str, list[int]] = {}
    base = 0
    for chunk in text.split():
        entry = cache.get(chunk)
        if entry is None:
            if len(cache) >= _CHUNK_CACHE_MAX:
                cache.clear()
            entry = cache[chunk] = _chunk_postings(chunk, lang)
        terms, slots = entry
        for term, rel in terms:
            pos = base + rel
            if pos < 0:  # the StopFilter clamps an alternative after stopped words to slot 0
                pos = 0
            lst = poses.get(term)
            if lst is None:
                poses[term] = [pos]
            else:
                lst.append(pos)
        base += slots
    return poses


def positioned_tokens(text: str, lang: str = "fr", mode: str = "query") -> list[tuple[str, int]]:
    """(term, position) pairs, for phrase queries that must respect the chain's positions."""
    return [(t.text, t.pos) for t in analyzer(lang)(text, positions=True, mode=mode)]
