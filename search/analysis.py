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


def positioned_tokens(text: str, lang: str = "fr", mode: str = "query") -> list[tuple[str, int]]:
    """(term, position) pairs, for phrase queries that must respect the chain's positions."""
    return [(t.text, t.pos) for t in analyzer(lang)(text, positions=True, mode=mode)]
