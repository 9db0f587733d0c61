"""Text clean-ups shared by all extractors: compatibility forms, line-end hyphens, whitespace."""
from __future__ import annotations

import re
import unicodedata

# Latin ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) and the two Arabic presentation-form blocks. Only these ranges are
# NFKC-folded: a whole-text NFKC would also rewrite superscripts, fractions, full-width forms, "ª"…
_COMPAT_RANGES = re.compile("[\ufb00-\ufb06\ufb50-\ufdff\ufe70-\ufefe]+")
_LINE_END_HYPHEN = re.compile(r"(\w+)[-\u00ad\u2010\x02][ \t]*\n[ \t]*(\w)")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def fold_compat_forms(text: str) -> str:
    """NFKC only the ligature and Arabic presentation-form code points, so search sees base letters."""
    return _COMPAT_RANGES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _join_hyphen(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    if right.isupper() or right.isdigit() or left[-1].isdigit():
        # "Tanger-\nTétouan", "2014-\n2020": a real hyphen between two parts; keep it, drop the break.
        return f"{left}-{right}"
    return f"{left}{right}"


def rejoin_hyphenated(text: str) -> str:
    """Rejoin words split by a hyphen at a line end ("coopé-\\nration" → "coopération")."""
    return _LINE_END_HYPHEN.sub(_join_hyphen, text)


def tidy_whitespace(text: str) -> str:
    """Unify line ends, drop control characters and trailing blanks, keep paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()
