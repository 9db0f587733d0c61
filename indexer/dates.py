"""Find a document's date in its text, metadata strings and file name (French, Arabic, English).

Every public function returns an ISO date "YYYY-MM-DD" or None. Dates outside 1950-01-01 ..
today + 1 year and impossible days (30 February) are rejected. Sources that give only a month or
a year say so through `FoundDate.precision`; their ISO form uses day 01 (and month 01).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Iterator

HEAD_CHARS = 3000  # the beginning of a document, where its date usually is
TAIL_CHARS = 1500  # the end, for signature lines ("Fait à Rabat, le …")
FIRST_YEAR = 1950

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_ASCII_DIGIT = re.compile("[٠-٩۰-۹]")

# Month names after folding (lower case, no accents, no hamza, no tatweel, ى→ي, ة→ه).
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("janvier", "janv", "jan", "january", "يناير", "كانون الثاني", "جانفي"),
    2: ("fevrier", "fevr", "fev", "february", "feb", "فبراير", "شباط", "فيفري"),
    3: ("mars", "march", "mar", "مارس", "اذار"),
    4: ("avril", "avr", "april", "apr", "ابريل", "نيسان", "افريل"),
    5: ("mai", "may", "مايو", "ماي", "ايار"),
    6: ("juin", "june", "jun", "يونيو", "يونيه", "حزيران", "جوان"),
    7: ("juillet", "juil", "july", "jul", "يوليو", "يوليوز", "يوليه", "تموز", "جويليه"),
    8: ("aout", "august", "aug", "اغسطس", "غشت", "اب", "اوت"),
    9: ("septembre", "sept", "sep", "september", "سبتمبر", "شتنبر", "ايلول"),
    10: ("octobre", "oct", "october", "اكتوبر", "تشرين الاول"),
    11: ("novembre", "nov", "november", "نوفمبر", "نونبر", "تشرين الثاني"),
    12: ("decembre", "dec", "december", "ديسمبر", "دجنبر", "كانون الاول"),
}
_MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_MONTH_RE = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s+") for m in _MONTHS), key=len, reverse=True))
_M = rf"(?P<month>{_MONTH_RE})\.?(?:\s*/\s*(?:{_MONTH_RE})\.?)?"
# Every month name starts with one of these letters: a look-ahead on them lets the regex engine skip
# most positions before trying the ~90 alternatives (same matches, measured ~3x faster).
_MONTH_FIRST = "[" + "".join(sorted({m[0] for m in _MONTHS} | {m[0].upper() for m in _MONTHS})) + "]"
_YEAR = r"(?P<year>\d{4})(?!\d)(?P<hijri>\s*(?:ه|هـ|ھ)(?![^\W\d_]))?"
# A day starts a word, or follows one of the Arabic prefixes و ب ل ف glued to it ("يومي 25 و26 يونيو").
_DAY = r"(?:(?<![\w/.-])|(?<=(?<!\w)[وبلف]))(?P<day>\d{1,2})(?:er|ᵉʳ|st|nd|rd|th)?"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), precision)
    for p, precision in (
        # 7 juillet 2023, 1er mars 2019, 7 juil. 2023, 14 May 2019, 3 مارس 2017, 15 أيار/مايو 2015
        (rf"{_DAY}\s*(?:de\s+|من\s+)?{_M}\s*,?\s*{_YEAR}", "day"),
        # May 14, 2019
        (rf"(?={_MONTH_FIRST})(?<!\w){_M}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}", "day"),
        # 2019-05-14, 2019/05/14
        (r"(?<![\d/.-])(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?![\d/.-]?\d)", "day"),
        # 22/1/2016, 14.05.2019, 14-05-2019 (day first, the Moroccan convention)
        (r"(?<![\d/.-])(?P<day>\d{1,2})([-/.])(?P<month>\d{1,2})\2(?P<year>\d{4})(?![\d/.-]?\d)", "day"),
        # juillet 2023, يوليوز 2022 (month precision)
        (rf"(?={_MONTH_FIRST})(?<!\w){_M}\s*,?\s*{_YEAR}", "month"),
    )
)

# Every match of _PATTERNS holds its year as a run of exactly four digits (a day, a month name, "/"
# or spaces come before it; a non-digit after it) and only a few non-space characters around it:
# before it at most a day with its suffix, "de", two month names with their dots, "/" and ","
# (_BEFORE_YEAR), after it at most "-05-14" (_AFTER_YEAR); the look-arounds read two characters
# before a match (a glued Arabic prefix and what precedes it, _LOOK_BEHIND) and two after it (or a
# hijri mark and the letter after it). Only runs of white space can make a match longer. So the
# patterns need only be run around four-digit runs (_year_zones), and most windows have none.
# tests/test_labelling_equivalence.py checks the bounds.
_MONTH_CHARS = max(len("".join(name.split())) for name in _MONTHS)
_BEFORE_YEAR = 2 * _MONTH_CHARS + 10
_AFTER_YEAR = 6
_LOOK_BEHIND = 2  # characters the look-behinds read before a match
_MARGIN = 8  # non-space characters added on each side of a year, beyond the look-arounds
_DIGIT_RUN = re.compile(r"\d\d*")  # not \d+: a leading class lets the regex engine skip non-digits fast
_SPACE = re.compile(r"\s")

# Words right before a date (in folded text) that make it the document's own date.
_CUES = re.compile(r"(?<!\w)(le|du|en|on|dated|في|يوم|بتاريخ)\W*$")
_STRONG_CUES = re.compile(
    r"(?<!\w)(publie\w*(?: le)?|mis en ligne(?: le)?|fait a [\w' -]+,? le|"
    r"datee? du|en date du|published(?: on)?|posted(?: on)?|بتاريخ|حرر \w+(?: في)?|"
    r"الرباط،? في|الرباط،? يوم|\w+،? في)\W*$"
)
# Words that date a revision, not the document: checked before _STRONG_CUES, whose "\w+ في" also
# takes "تحديث في".
_UPDATE_CUES = re.compile(
    r"(?<!\w)(mise? a jour|actualise\w*|modifie\w*|derniere modification|(?:last )?updated|"
    r"last modified|revised|(?:اخر )?تحديث|تم التحديث)(?: le| on| في| يوم| بتاريخ)?\W*$"
)
HISTORICAL_YEARS = 20  # a date this many years before the latest one found is history, not the document's


def _cue(before: str) -> str:
    """What the words before a date say of it: "publication", "update", "weak" or ""."""
    if _UPDATE_CUES.search(before):
        return "update"
    if _STRONG_CUES.search(before):
        return "publication"
    return "weak" if _CUES.search(before) else ""


@dataclass(frozen=True)
class FoundDate:
    """A date and how precise its source was ("day", "month" or "year")."""

    iso: str
    precision: str = "day"


_COMBINING = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Fold digits, case, accents, hamza and tatweel so month names and numbers match one table."""
    if _NON_ASCII_DIGIT.search(text):  # translate() with a dict walks every character: only when needed
        text = text.translate(_DIGITS)
    text = unicodedata.normalize("NFD", text.replace("\u0640", ""))
    text = _COMBINING.sub("", text)
    return unicodedata.normalize("NFC", text).replace("ى", "ي").replace("ة", "ه").lower()


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def make_date(year: int, month: int, day: int, today: dt.date | None = None) -> str | None:
    """The ISO form of a date, or None when it does not exist or falls outside 1950 .. today + 1 year."""
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    latest = _today(today) + dt.timedelta(days=366)
    return value.isoformat() if dt.date(FIRST_YEAR, 1, 1) <= value <= latest else None


def _month_number(raw: str) -> int | None:
    """Month number of a name or a number in folded text."""
    if raw.isdigit():
        return int(raw)
    return _MONTHS.get(re.sub(r"\s+", " ", raw.rstrip(".")))


@dataclass(frozen=True)
class _Candidate:
    found: FoundDate
    score: float
    where: int  # 0 for the head, 1 for the tail
    offset: int
    cue: str = ""  # what _cue says of the words before it


def _candidates(window: str, where: int, today: dt.date | None) -> list[_Candidate]:
    """Every plausible date in a folded window, scored by cue words, position and precision."""
    found: list[_Candidate] = []
    taken: list[range] = []
    zones = _year_zones(window)
    for pattern, precision in _PATTERNS:
        for m in _zone_matches(pattern, window, zones):
            if m.groupdict().get("hijri"):
                continue
            if any(m.start() in r or m.end() - 1 in r for r in taken):
                continue
            month = _month_number(m.group("month"))
            day = int(m.group("day")) if precision == "day" else 1
            iso = make_date(int(m.group("year")), month or 0, day, today)
            if iso is None:
                taken.append(range(m.start(), m.end()))  # "30 février 2019" is not "février 2019"
                continue
            cue = _cue(window[max(0, m.start() - 40) : m.start()])
            if precision == "month" and cue not in ("publication", "update") and not _alone_on_line(window, m):
                continue  # "en décembre 2014, le gouvernement…" is an event, not the document's date
            taken.append(range(m.start(), m.end()))
            score = 1.0 if precision == "day" else 0.0
            score += 3.0 if cue in ("publication", "update") else (1.0 if cue == "weak" else 0.0)
            score += 1.0 if where == 0 and m.start() < 400 else 0.0
            found.append(_Candidate(FoundDate(iso, precision), score, where, m.start(), cue))
    return found


def _rank(candidate: _Candidate, latest_year: int) -> tuple[int, bool, float, int, int]:
    """Sort key of a candidate, best first.

    Classes first: a date after a publication cue ("publié le", "نشر في", "Fait à Rabat, le"), then
    plain dates, then dates after an update cue ("mis à jour le", "آخر تحديث"): a revision dates the
    document only when nothing else does. Within a class a historical date -- HISTORICAL_YEARS or
    more before the latest date of the document, like "les frontières du 4 juin 1967" in a 2019
    article -- comes after the others, and a historical date without a publication cue comes after
    the update dates too: documents cite old events, they are rarely dated long before a date they
    mention. Then the score (precision, cue, head), then the head before the tail, then the first.
    """
    historical = int(candidate.found.iso[:4]) <= latest_year - HISTORICAL_YEARS
    if candidate.cue == "publication":
        tier = 0
    elif candidate.cue == "update" or historical:
        tier = 2
    else:
        tier = 1
    return tier, historical, -candidate.score, candidate.where, candidate.offset


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """The candidate most likely to be the document's own date (see _rank)."""
    if not candidates:
        return None
    latest = max(int(c.found.iso[:4]) for c in candidates)
    return min(candidates, key=lambda c: _rank(c, latest))


def _non_space(text: str) -> int:
    """How many characters of `text` are not white space (what `\\s` does not match)."""
    return len("".join(text.split()))


def _reach_back(text: str, pos: int, need: int) -> int:
    """A position before `pos` with at least `need` non-space characters up to `pos` (else 0)."""
    width = 2 * need
    while True:
        start = max(0, pos - width)
        if start == 0 or _non_space(text[start:pos]) >= need:
            return start
        width *= 4


def _reach_forward(text: str, pos: int, need: int) -> int:
    """A position after `pos` with at least `need` non-space characters from `pos`, moved on to the
    next white space so that no digit run is cut (else the end of `text`)."""
    width = 2 * need
    end = min(len(text), pos + width)
    while end < len(text) and _non_space(text[pos:end]) < need:
        width *= 4
        end = min(len(text), pos + width)
    space = _SPACE.search(text, end)
    return space.start() if space else len(text)


def _year_zones(window: str) -> list[tuple[int, int]]:
    """Disjoint spans of `window` that hold every match of _PATTERNS, found from its four-digit runs.

    A search limited to a span sees the same characters as one over the whole window wherever a
    match can be decided: a span reaches more non-space characters before and after each year in
    it than a match and its look-arounds can hold, and ends at white space (no digit run is cut).
    """
    spans = []
    for m in _DIGIT_RUN.finditer(window):
        if m.end() - m.start() == 4:
            start = _reach_back(window, m.start(), _BEFORE_YEAR + _LOOK_BEHIND + _MARGIN)
            spans.append((start, _reach_forward(window, m.end(), _AFTER_YEAR + 2 + _MARGIN)))
    zones: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if zones and start <= zones[-1][1]:
            zones[-1] = (zones[-1][0], max(end, zones[-1][1]))
        else:
            zones.append((start, end))
    if 2 * sum(end - start for start, end in zones) > len(window):
        return [(0, len(window))]  # a table of years: one search is cheaper than many
    return zones


def _zone_matches(pattern: re.Pattern[str], window: str, zones: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(window)`, searched only inside `zones` (the same matches, see _year_zones)."""
    for start, end in zones:
        yield from pattern.finditer(window, start, end)


def _alone_on_line(window: str, m: re.Match[str]) -> bool:
    """True when the match is most of its line, like a cover page's "Juin 2019"."""
    start = window.rfind("\n", 0, m.start()) + 1
    end = window.find("\n", m.end())
    line = window[start : end if end >= 0 else len(window)]
    rest = line[: m.start() - start] + line[m.end() - start :]
    return len(re.findall(r"[^\W\d_]", rest)) < 25


def find_date_detail(text: str, today: dt.date | None = None) -> FoundDate | None:
    """The document's own date from its beginning or its signature lines, with its precision."""
    head = fold(text[:HEAD_CHARS])
    tail = fold(text[max(HEAD_CHARS, len(text) - TAIL_CHARS) :]) if len(text) > HEAD_CHARS else ""
    best = _best(_candidates(head, 0, today) + _candidates(tail, 1, today))
    return best.found if best else None


def find_date(text: str, today: dt.date | None = None) -> str | None:
    """The document's own date (ISO) found in its text, so documents without metadata still sort by date."""
    found = find_date_detail(text, today)
    return found.iso if found else None


_PDF_DATE = re.compile(r"^[dD]:(?P<year>\d{4})(?P<month>\d{2})?(?P<day>\d{2})?")
_ISO_PREFIX = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:$|[T ]\d)")
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:$|T?\d{4,6})")


def parse_date_string(s: str, today: dt.date | None = None) -> str | None:
    """Read a metadata date (ISO, ISO datetime, PDF "D:2019…", RFC 2822, or a written date) as ISO."""
    raw, s = s.strip(), fold(s.strip())
    for pattern in (_ISO_PREFIX, _PDF_DATE, _COMPACT):
        m = pattern.match(s)
        if m and m.group("month") and m.group("day"):
            return make_date(int(m.group("year")), int(m.group("month")), int(m.group("day")), today)
        if m:
            return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None:
        return make_date(value.year, value.month, value.day, today)
    found = [c for c in _candidates(s, 0, today) if c.found.precision == "day"]
    return found[0].found.iso if found else None


_NAME_FULL = (
    re.compile(r"(?<!\d)(?P<year>\d{4})[-_.]?(?P<month>\d{2})[-_.]?(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{2})[-_.](?P<month>\d{2})[-_.](?P<year>\d{4})(?!\d)"),
)
_NAME_MONTH = re.compile(r"(?<!\d)(?P<year>\d{4})[-_.](?P<month>\d{2})(?![-_.]?\d)")
_NAME_YEAR = re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?!\d)")


def filename_date_detail(name: str, today: dt.date | None = None) -> FoundDate | None:
    """A date written in a file name, with precision "day", "month" or "year"."""
    stem = fold(name.rsplit("/", 1)[-1])
    for pattern in _NAME_FULL:
        for m in pattern.finditer(stem):
            iso = make_date(int(m.group("year")), int(m.group("month")), int(m.group("day")), today)
            if iso:
                return FoundDate(iso, "day")
    for m in _NAME_MONTH.finditer(stem):
        iso = make_date(int(m.group("year")), int(m.group("month")), 1, today)
        if iso:
            return FoundDate(iso, "month")
    for m in _NAME_YEAR.finditer(stem):
        iso = make_date(int(m.group("year")), 1, 1, today)
        if iso:
            return FoundDate(iso, "year")
    return None


def date_from_filename(name: str, today: dt.date | None = None) -> str | None:
    """The date in a file name (ISO); a bare year gives YYYY-01-01, a year and month YYYY-MM-01."""
    found = filename_date_detail(name, today)
    return found.iso if found else None
