"""Arshif's light Arabic stemmer: Lucene/Light10-style affix stripping plus measured extra rules.

Input is an already folded word (harakat removed, أإآ→ا, ى→ي, ة→ه; see search.normalize).
Base behaviour (as Lucene's ArabicStemmer): remove at most one proclitic from
ال وال بال كال فال لل و (و only when 3 letters remain, the others when 2 remain), then try each
suffix of ها ان ات ون ين يه ية ه ة ي once, in that order, keeping at least 2 letters.

Extra rules (each switchable, each measured in benchmarks/README-quality.md):
* repeat_article: after a proclitic, strip a second ال — a word that itself starts with ال
  (ألمانيا folded to المانيا, the form-VIII nouns التزام/التقاء, إلكتروني) then gets the same
  stem with and without the article: الألمانية, المانيا and ألمانيا all meet.
* protect_waw: do not take و for "and" at the start of a few frequent administrative words
  (وزير, وزارة, وطن, وكالة, ولاية, وثيقة…), see PROTECTED_WAW.
* accusative_alef: strip a final ا (the alef of tanween fath, اجتماعاً → اجتماعا → اجتماع) when
  3 letters remain; tried right after ها so that زوجها still loses ها.
"""
from __future__ import annotations

from functools import lru_cache

ARTICLE = "\u0627\u0644"  # ال
WAW = "\u0648"
ALEF = "\u0627"
PREFIXES: tuple[str, ...] = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
SUFFIXES: tuple[str, ...] = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
EXTRA_SUFFIXES: tuple[str, ...] = ("هما", "هم", "هن", "كم", "نا", "وا", "تين", "تان")
EXTRA_PREFIXES: tuple[str, ...] = ("ب", "ل", "ف", "ك")
#: Beginnings of frequent administrative words whose first و is a root letter, not "and":
#: وزير/وزارة/وزراء, وطن, وكالة, ولاية, وثيقة/وثائق, ورشة, وظيفة/وظائف, وفد, وسيلة/وسائل.
#: Without this, وزير loses its و (→ زير) while الوزير keeps it (→ وزير), and وزارة meets زار.
PROTECTED_WAW: tuple[str, ...] = (
    "وزار", "وزير", "وزرا", "وطن", "وكال", "ولاي", "وثيق", "وثاي", "ورش", "وظيف", "وظاي", "وفد",
    "وسيل", "وساي",
)


def _prefix_ok(word: str, prefix: str, waw_min: int = 4) -> bool:
    if not word.startswith(prefix):
        return False
    if len(prefix) == 1:
        return len(word) >= waw_min  # a lone و must leave 3 letters (Lucene) or more
    return len(word) >= len(prefix) + 2


def _suffix_ok(word: str, suffix: str) -> bool:
    return word.endswith(suffix) and len(word) >= len(suffix) + 2


@lru_cache(maxsize=200_000)
def stem(
    word: str,
    repeat_article: bool = True,
    accusative_alef: bool = True,
    extra_suffixes: bool = False,
    extra_prefixes: bool = False,
    waw_min: int = 4,
    protect_waw: bool = True,
) -> str:
    """Light stem of a folded Arabic word (proclitics and common suffixes removed, >= 2 letters kept)."""
    w = word
    for p in PREFIXES:
        if p == WAW and protect_waw and w.startswith(PROTECTED_WAW):
            break
        if _prefix_ok(w, p, waw_min):
            w = w[len(p):]
            if repeat_article and _prefix_ok(w, ARTICLE):
                w = w[2:]
            break
    else:
        if extra_prefixes:
            for p in EXTRA_PREFIXES:
                if len(w) >= 5 and w.startswith(p):
                    w = w[1:]
                    break
    if extra_suffixes:
        for s in EXTRA_SUFFIXES:
            if _suffix_ok(w, s) and len(w) >= len(s) + 3:
                w = w[: -len(s)]
                break
    for i, s in enumerate(SUFFIXES):
        if _suffix_ok(w, s):
            w = w[: -len(s)]
        if i == 0 and accusative_alef and len(w) >= 4 and w.endswith(ALEF):
            w = w[:-1]
    return w
