"""The fast labelling code (dates, languages, taxonomy matches, types from names) gives what the plain code gives.

indexer/dates.py, indexer/language.py, search/taxonomy.py and indexer/metadata.py skip work that
cannot change a result: date patterns run only around four-digit runs; letters are counted by runs;
function words are counted once per block; unseen chunks are analysed in one batch, by their core
without edge punctuation; only the first tokens of aliases are looked at, acronyms only in texts that
hold one; folder names are resolved once. Each test compares them with a plain reference version
written here, the way the code read before those shortcuts, on: every document of corpus/ (through
our extractors), hostile strings and files, seeded random mixes of French and Arabic words, dates,
digits, punctuation and white space, dates with long white space far apart, and the real archive in
../shared/realdocs when it is there (only that input is skipped without it).
"""
from __future__ import annotations

import datetime as dt
import random
import re
import sys
import tomllib
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

from indexer import dates, language, metadata
from indexer.extract import ExtractionError, extract, is_supported
from search import analysis, taxonomy
from search.filters import TOKEN_PATTERN
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs" / "archive"
TODAY = dt.date(2025, 6, 1)
SOURCES = ("corpus", "hostile", "random", "dates", "realdocs")

# ---------------------------------------------------------------- inputs


def _extracted_texts(root: Path) -> list[str]:
    """The text of every file our extractors read under `root` (files they refuse are left out)."""
    texts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and is_supported(p)):
        try:
            extracted = extract(path, ocr=False)
        except ExtractionError:
            continue
        texts += [extracted.text, extracted.title or ""]
    return texts


HOSTILE_STRINGS = [
    "", " ", "\n", "\f", "\f\f\n\n", " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u3000\u1680",
    "\u200f\u200e\u200c\u200d\ufeff", "\u0301\u0301abc", "é\u0301\u0300", "ـــــ", "ًٌٍَُِّْ", "\u00ad-\u00ad",
    "ﷺ ﷽ ﻻ ﬁn ﬂ ＰＲＩＭ ＧＩＺ", "ſeptembre ſept. 2019", "KELVIN K 2019 İstanbul ǅ ΣΑΣ σοφός ς",
    "1" * 5000, "2019 " * 3000, "12/12/2012" * 500, "x" * 20000, "ا" * 20000, "a" * 3000 + "\n" + "ب" * 3000,
    "le 3" + " " * 5000 + "mars" + " " * 5000 + "2019", "3 mars\f2019", "mars\u00a0\u00a02019\u2003ه",
    "1er mars 20190", "01234 mars 2019", "mars 2019ه", "مارس 2019 هـ", "مارس 2019 ھذا", "2019-05-14-1",
    "14/05/2019/3", "Tel. 0537/22/2016", "https://www.example.org/2019/03/14 mail@x.ma 14 mars 2019",
    "PRIM" * 1000, "GÍZ ÓIM PRİM", "GIZ-OIM", "(UE)", "EU/UE", "A&B", "l'OIM d’UE", "\x00\x01\x02 2019 \x7f",
    "\ud800 mars 2019 \udfff", "Tanger-Tétouan-Al Hoceïma" * 200, "comité de\n\npilotage", "comité\fde pilotage",
    "\n".join(["Rapport"] * 400), "\n\n".join(["مرحبا بكم"] * 300),
]


def _hostile_texts(tmp: Path) -> list[str]:
    """Hand-made hostile strings, and the text of the hostile files of tests/hostile.py (small sizes)."""
    (tmp / "bombes").mkdir(parents=True, exist_ok=True)
    hostile.deep_html(tmp / "bombes" / "profond.html", depth=3000)
    hostile.many_pages_pdf(tmp / "bombes" / "pages.pdf", pages=30)
    hostile.zip_bomb_docx(tmp / "bombes" / "zip.docx", megabytes=1)
    huge = hostile.huge_text(tmp / "enorme.txt", megabytes=1).read_text(encoding="utf-8")
    return HOSTILE_STRINGS + [huge[:200_000]] + _extracted_texts(tmp / "bombes")


FR_WORDS = (
    "le la les des du de l'intégration d'accueil aujourd'hui qu'il rapport annuel convention partenariat "
    "programme migrants région Oriental Tanger-Tétouan-Al Hoceïma comité pilotage Marocains résidant "
    "à l'étranger été publié mis en ligne fait à Rabat daté du The and of report Geneva"
).split()
AR_WORDS = (
    "الرباط في بتاريخ يوم حرر بلاغ صحفي تقرير سنوي اتفاقية شراكة مذكرة تفاهم عملية مرحبا جهة الشرق "
    "للهجرة واللجوء المهاجرين الوزارة وعملية بجهة الموافق"
).split()
DATE_BITS = [
    "7 juillet 2023", "1er mars 2019", "22/1/2016", "2019-05-14", "14.05.2019", "May 14, 2019",
    "15 أيار/مايو 2015", "١٢ يوليوز ٢٠٢٢", "12 رمضان 1440 هـ", "Juin 2019", "30 février 2019", "3 كانون الثاني 2016",
    "2019", "1440", "12", "3", "20190", "juil.", "sept", "mai", "يوليوز", "تشرين الأول", "de", "ه", "هـ",
]
MARKS = list(",.;:!?()«»’'-–/@&|*\u0640\u064e\u0301\u00adﷺﬁ") + ["https://x.ma/a", "www.x.ma", "a@b.ma", "ᵉʳ", "1er"]
SPACES = [" "] * 12 + ["  ", "\n", "\n", "\n\n", "\f", "\t", "\u00a0", "\u2003", " " * 40, "\r\n", "\n \n"]
ACRONYMS = ["PRIM", "GIZ", "OIM", "UE", "EU", "AMUDDU", "Prim", "OIMs", "PRIMA", "A", "B", "A&B",
            "GÍZ", "O\u0301IM", "ÚE"]


@cache
def _alias_names() -> tuple[str, ...]:
    """Every label and alias of the project taxonomy, so random texts hit multi-word aliases."""
    tax = taxonomy.load_taxonomy(ROOT / "corpus" / "taxonomy.toml")
    return tuple(name for kind in tax.kinds for e in tax.entries(kind) for name in taxonomy._names_of(e))


def _random_texts(count: int = 300, seed: int = 20240501) -> list[str]:
    """Seeded mixes of French and Arabic words, aliases, dates, digits, punctuation and white space."""
    rng = random.Random(seed)
    pools = [FR_WORDS, AR_WORDS, DATE_BITS, MARKS, ACRONYMS, list(_alias_names()), [str(n) for n in range(40)]]
    texts = []
    for _ in range(count):
        atoms = []
        for _ in range(rng.randint(1, 700)):
            atoms.append(rng.choice(rng.choice(pools)))
            atoms.append(rng.choice(SPACES) if rng.random() < 0.85 else "")
        texts.append("".join(atoms))
    return texts


def _date_texts(count: int = 400, seed: int = 7) -> list[str]:
    """Dates with every optional part and long runs of white space, far apart in filler text, so that
    the date patterns' search spans are small and their limits are what is tested."""
    rng = random.Random(seed)
    months = list(dates._MONTHS)

    def space() -> str:
        return rng.choice(["", " ", "  ", "\n", " \t ", "\u2003", "\f", " " * rng.randint(3, 200)])

    def one_date() -> str:
        if rng.random() < 0.2:
            return rng.choice(["2019-05-14", "14/5/2019", "3.11.2020", "2019/1/2", "12-12-2012", "2019-5-14x",
                               "1/1/20190"])
        head = [str(rng.randint(0, 40)), rng.choice(["", "er", "ᵉʳ", "st", "th"]), space(),
                rng.choice(["", "de ", "من "])]
        month = [rng.choice(months).replace(" ", " " * rng.randint(1, 3)), rng.choice(["", "."])]
        if rng.random() < 0.4:
            month += [space(), "/", space(), rng.choice(months), rng.choice(["", "."])]
        day_after = [space() or " ", str(rng.randint(1, 31)), rng.choice(["", "st", "th"]), rng.choice(["", ","]), " "]
        parts = (head if rng.random() < 0.5 else []) + month + (day_after if rng.random() < 0.3 else [])
        year = [space(), rng.choice(["", ","]), space(), str(rng.randint(1890, 2100)), space()]
        return "".join(parts + year + [rng.choice(["", "ه", "هـ", "ھ"]), rng.choice(["", "x", "ب", " ", "1", "."])])

    filler = "texte du rapport annuel سنة 12 le publié".split()
    texts = []
    for _ in range(count):
        items = []
        for _ in range(rng.randint(1, 6)):
            items.append(" ".join(rng.choice(filler) for _ in range(rng.randint(0, 80))))
            items.append(one_date())
        texts.append(space().join(items))
    return texts


@pytest.fixture(scope="module")
def texts_of(tmp_path_factory: pytest.TempPathFactory):
    """source name -> its texts, built once per module; a missing ../shared skips only "realdocs"."""
    built: dict[str, list[str]] = {}

    def get(source: str) -> list[str]:
        if source not in built:
            if source == "corpus":
                built[source] = _extracted_texts(ROOT / "corpus")
            elif source == "hostile":
                built[source] = _hostile_texts(tmp_path_factory.mktemp("hostile"))
            elif source == "random":
                built[source] = _random_texts()
            elif source == "dates":
                built[source] = _date_texts()
            elif not REALDOCS.is_dir():
                pytest.skip(f"{REALDOCS} is absent")
            else:
                built[source] = _extracted_texts(REALDOCS)
        return built[source]

    return get


# ---------------------------------------------------------------- dates: the plain version


def plain_matches(window: str) -> list[tuple[int, tuple[int, int], dict[str, str | None]]]:
    """Every match of every date pattern over the whole window."""
    return [(i, m.span(), m.groupdict()) for i, (p, _) in enumerate(dates._PATTERNS) for m in p.finditer(window)]


def ref_candidates(window: str, where: int, today: dt.date) -> list:
    """Date candidates of a folded window, every pattern searched over the whole window."""
    found, taken = [], []
    for pattern, precision in dates._PATTERNS:
        for m in pattern.finditer(window):
            if m.groupdict().get("hijri"):
                continue
            if any(m.start() in r or m.end() - 1 in r for r in taken):
                continue
            month = dates._month_number(m.group("month"))
            day = int(m.group("day")) if precision == "day" else 1
            iso = dates.make_date(int(m.group("year")), month or 0, day, today)
            if iso is None:
                taken.append(range(m.start(), m.end()))
                continue
            cue = dates._cue(window[max(0, m.start() - 40) : m.start()])
            strong = cue in ("publication", "update")
            if precision == "month" and not (strong or dates._alone_on_line(window, m)):
                continue
            taken.append(range(m.start(), m.end()))
            score = 1.0 if precision == "day" else 0.0
            score += 3.0 if strong else (1.0 if cue == "weak" else 0.0)
            score += 1.0 if where == 0 and m.start() < 400 else 0.0
            found.append(dates._Candidate(dates.FoundDate(iso, precision), score, where, m.start(), cue))
    return found


def _windows(text: str) -> list[tuple[str, int]]:
    head = dates.fold(text[: dates.HEAD_CHARS])
    tail = ""
    if len(text) > dates.HEAD_CHARS:
        tail = dates.fold(text[max(dates.HEAD_CHARS, len(text) - dates.TAIL_CHARS) :])
    return [(head, 0), (tail, 1)]


def ref_find_date_detail(text: str, today: dt.date) -> dates.FoundDate | None:
    """Publication cues, then plain dates, then update cues or dates long before the latest one."""
    candidates = [c for window, where in _windows(text) for c in ref_candidates(window, where, today)]
    if not candidates:
        return None
    latest = max(int(c.found.iso[:4]) for c in candidates)
    old = [c for c in candidates if int(c.found.iso[:4]) <= latest - dates.HISTORICAL_YEARS]
    classes = (
        [c for c in candidates if c.cue == "publication" and c not in old],
        [c for c in candidates if c.cue == "publication" and c in old],
        [c for c in candidates if c.cue != "publication" and c.cue != "update" and c not in old],
        [c for c in candidates if c.cue == "update" and c not in old],
        [c for c in candidates if c.cue != "publication" and c in old],
    )
    best = next(group for group in classes if group)
    return min(best, key=lambda c: (-c.score, c.where, c.offset)).found


def _non_space(text: str) -> int:
    return sum(not c.isspace() for c in text)


def _check_year_bounds(window: str) -> int:
    """Check what _year_zones relies on for every match; return the most non-space characters seen before a year."""
    most = 0
    for pattern, _ in dates._PATTERNS:
        for m in pattern.finditer(window):
            start, end = m.span("year")
            assert re.fullmatch(r"\d{4}", m.group("year")), m.group()
            assert not window[start - 1 : start].isdigit() and not window[end : end + 1].isdigit(), m.group()
            most = max(most, _non_space(window[m.start() : start]))
            assert most <= dates._BEFORE_YEAR, m.group()
            assert _non_space(window[end : m.end()]) <= dates._AFTER_YEAR, m.group()
    return most


@pytest.mark.parametrize("source", SOURCES)
def test_dates_match_the_plain_search(texts_of, source: str) -> None:
    most = 0
    for text in texts_of(source):
        for window, where in _windows(text) + [(dates.fold(line), 0) for line in text.splitlines()[:10]]:
            most = max(most, _check_year_bounds(window))
            zones = dates._year_zones(window)
            zoned = [(i, m.span(), m.groupdict()) for i, (p, _) in enumerate(dates._PATTERNS)
                     for m in dates._zone_matches(p, window, zones)]
            assert zoned == plain_matches(window), window[:200]
            assert dates._candidates(window, where, TODAY) == ref_candidates(window, where, TODAY), window[:200]
        assert dates.find_date_detail(text, TODAY) == ref_find_date_detail(text, TODAY), text[:200]
    if source == "dates":  # the generated dates come close to the bound: it is not loose
        assert most >= dates._BEFORE_YEAR - 4


def test_date_zones_are_small_and_disjoint() -> None:
    window = dates.fold("mot " * 500 + "Rabat, le 7 juillet 2023" + " mot" * 500 + " 1999 " + "mot " * 300)
    zones = dates._year_zones(window)
    assert len(zones) == 2 and all(a < b for a, b in zones) and zones[0][1] < zones[1][0]
    assert sum(b - a for a, b in zones) < len(window) // 10
    assert dates._year_zones(dates.fold("Aucune année ici, 12 dossiers.")) == []


# ---------------------------------------------------------------- languages: the plain version


def ref_script_counts(text: str) -> tuple[int, int]:
    text = language.without_addresses(text)
    return len(language._ARABIC_LETTER.findall(text)), len(language._LATIN_LETTER.findall(text))


def ref_counts(text: str) -> tuple[int, int]:
    words = language._WORD.findall(text.lower())
    fr, en = language._FUNCTION_WORDS["fr"], language._FUNCTION_WORDS["en"]
    return sum(w in fr for w in words), sum(w in en for w in words)


def ref_vote(text: str) -> str | None:
    fr, en = ref_counts(text[: language.DETECT_CHARS])
    if fr >= language.VOTE_MIN_HITS and fr >= language.VOTE_RATIO * max(en, 1):
        return "fr"
    if en >= language.VOTE_MIN_HITS and en >= language.VOTE_RATIO * max(fr, 1):
        return "en"
    return None


def ref_blocks(text: str) -> list[tuple[int, str, int, int]]:
    """(start, text, arabic, latin) of every block, lines counted one by one."""
    blocks: list[tuple[int, str, int, int]] = []
    start, parts, arabic, latin, script = 0, [], 0, 0, ""
    for m in re.finditer(r"[^\n\f]*(?:\n|\f|$)", text):
        offset, line = m.start(), m.group()
        if not line:
            continue
        a, la = ref_script_counts(line)
        line_script = "" if a == la == 0 else ("ar" if a >= la else "latin")
        if line.strip():
            size = sum(len(p) for p in parts)
            if parts and ((line_script and script and line_script != script) or size >= language.BLOCK_CHARS):
                blocks.append((start, "".join(parts), arabic, latin))
                start, parts, arabic, latin, script = offset, [], 0, 0, ""
            arabic, latin, script = arabic + a, latin + la, script or line_script
        parts.append(line)
        if not line.strip() or line.endswith("\f"):
            if parts:
                blocks.append((start, "".join(parts), arabic, latin))
            start, parts, arabic, latin, script = offset + len(line), [], 0, 0, ""
    if parts:
        blocks.append((start, "".join(parts), arabic, latin))
    return blocks


def _script(block: tuple[int, str, int, int]) -> str:
    return "" if block[2] == block[3] == 0 else ("ar" if block[2] >= block[3] else "latin")


def ref_detect_languages(text: str, hint: str | None = None) -> language.LangInfo:
    blocks = ref_blocks(text)
    if sum(b[2] + b[3] for b in blocks) < 3:
        return language.LangInfo("und", (), ())
    latin_blocks = [b for b in blocks if _script(b) == "latin"]
    document_latin = None
    if latin_blocks:
        sample, size = [], 0
        for b in latin_blocks:
            if size < language.DETECT_CHARS:
                sample.append(b[1])
                size += len(b[1])
        joined = "".join(sample)
        if hint in language.LATIN_LANGS and sum(b[3] for b in latin_blocks) < language.MIN_LATIN_LETTERS:
            document_latin = str(hint)
        else:
            found = ref_vote(joined) or language.detect_latin(joined)
            document_latin = found or (str(hint) if hint in language.LATIN_LANGS else language.DEFAULT_LATIN)
    langs = []
    for b in blocks:
        own = None
        if _script(b) == "latin" and b[3] >= language.MIN_LATIN_LETTERS:
            own = ref_vote(b[1])
            own = own if own == document_latin else language.detect_latin(b[1])
        langs.append((own or document_latin) if _script(b) == "latin" else _script(b))
    letters: dict[str, int] = {}
    runs: list[tuple[str, int]] = []
    for b, lang in zip(blocks, langs):
        if lang:
            letters[lang] = letters.get(lang, 0) + b[2] + b[3]
            if not runs or runs[-1][0] != lang:
                runs.append((lang, b[0] if runs else 0))
    total = sum(letters.values())
    ranked = sorted(letters.items(), key=lambda kv: (-kv[1], kv[0]))
    primary = ranked[0][0]
    kept = tuple(lang for lang, n in ranked if lang == primary
                 or (n >= language.SECOND_LANG_MIN_LETTERS and n / total >= language.SECOND_LANG_SHARE))
    return language.LangInfo(primary, kept, tuple(runs))


def _check_sample_counts(text: str) -> None:
    """Function words of the document sample, summed from blocks, equal those of the joined sample."""
    blocks = language._blocks(text)
    sample, size = [], 0
    for block in blocks:
        if block.script == "latin" and size < language.DETECT_CHARS:
            sample.append(block)
            size += len(block.text)
    memo: dict[int, tuple[int, int]] = {}
    for block in blocks:
        assert language._head_counts(block, memo) == ref_counts(block.text[: language.DETECT_CHARS])
    joined = "".join(b.text for b in sample)[: language.DETECT_CHARS]
    assert language._sample_counts(sample, memo) == ref_counts(joined), joined[-100:]


@pytest.mark.parametrize("source", SOURCES)
def test_languages_match_the_plain_count(texts_of, source: str) -> None:
    for text in texts_of(source):
        if any("\ud800" <= c <= "\udfff" for c in text):
            continue  # lingua cannot take lone surrogates, with either version
        assert [(b.start, b.text, b.arabic, b.latin) for b in language._blocks(text)] == ref_blocks(text), text[:200]
        _check_sample_counts(text)
        assert language.script_counts(text) == ref_script_counts(text)
        for piece in (text, text[:700], text[len(text) // 2 :]):
            assert language.function_word_vote(piece) == ref_vote(piece)
        hints = (None, "en") if len(text) < 20_000 else (None,)
        for hint in hints:
            assert language.detect_languages(text, hint) == ref_detect_languages(text, hint), text[:200]


def test_sample_cut_inside_a_block_or_between_blocks() -> None:
    """The sample limit falls on every character around a block end, on function words."""
    for first in (1700, language.DETECT_CHARS - 3, language.DETECT_CHARS + 2):
        for end in range(language.DETECT_CHARS - 8, language.DETECT_CHARS + 9):
            for tail in (" le la", " the of", " et\f", " été"):
                head = ("et le " * 400)[: first - 2] + "\n\n"
                middle = ("mot " * 100)[: max(0, end - len(head) - len(tail) - 2)] + tail + "\n\n"
                text = head + middle + "and the of " * 50
                _check_sample_counts(text)
                assert language.detect_languages(text) == ref_detect_languages(text)


def test_letters_and_words_agree_with_the_regexes() -> None:
    """The shortcuts' assumptions over all of Unicode: an isalpha() character is a word letter
    ([^\\W\\d_]), and no white space is part of a word or of an analysis token."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    letters = "".join(c for c in every if c.isalpha())
    assert language._WORD.fullmatch(letters)
    spaces = "".join(c for c in every if c.isspace())
    assert not TOKEN_PATTERN.search(spaces) and not language._WORD.search(spaces)


# ---------------------------------------------------------------- taxonomy: the plain version

TRICKY_TOML = """
[[type]]
id = "pv"
fr = "Procès-verbal"
ar = "محضر"
aliases = ["procès verbal", "compte rendu", "comité de pilotage", "de la", "A&B", "A", "PV"]

[[program]]
id = "prim"
fr = "PRIM"
ar = "البرنامج الجهوي"
aliases = ["programme régional", "programme", "A&B"]

[[partner]]
id = "ue"
fr = "Union européenne"
ar = "الاتحاد الأوروبي"
aliases = ["UE", "EU", "Union", "A B"]
"""


@cache
def _taxonomies() -> tuple[tuple[taxonomy.Taxonomy, tuple[dict, dict, dict]], ...]:
    """(taxonomy, its plain indexes): the project's, a small tricky one and an empty one."""
    taxonomies = (
        taxonomy.load_taxonomy(ROOT / "corpus" / "taxonomy.toml"),
        taxonomy.parse_taxonomy(tomllib.loads(TRICKY_TOML)),
        taxonomy.build_taxonomy({}),
    )
    return tuple((tax, ref_indexes(tax)) for tax in taxonomies)


_REF_CHUNKS: dict[str, tuple[str, ...]] = {}


def ref_analysed(text: str) -> tuple[str, ...]:
    """The terms of `text`, one whitespace-separated chunk through the chain at a time."""
    out: list[str] = []
    for chunk in text.split():
        if chunk not in _REF_CHUNKS:
            _REF_CHUNKS[chunk] = tuple(analysis.tokens(chunk, "fr", mode="query"))
        out.extend(_REF_CHUNKS[chunk])
    return tuple(out)


def _ref_index(items: list[tuple[tuple[str, ...], str, str]]) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    grouped: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for item in items:
        if item[0]:
            grouped.setdefault(item[0][0], []).append(item)
    return {k: sorted(set(v), key=lambda x: (-len(x[0]), x[1], x[2])) for k, v in grouped.items()}


def ref_indexes(tax: taxonomy.Taxonomy) -> tuple[dict, dict, dict]:
    """(terms, acronyms) indexes built from the entries the plain way, and the surface words of
    each item's aliases (None when one of them has Arabic letters: no check)."""
    terms, acronyms = [], []
    surfaces: dict = {}
    for kind in tax.kinds:
        for entry in tax.entries(kind):
            for name in taxonomy._names_of(entry):
                if taxonomy.is_acronym(name):
                    acronyms.append((taxonomy.raw_words(name), kind, entry.id))
                else:
                    item = (ref_analysed(name), kind, entry.id)
                    terms.append(item)
                    words = taxonomy.surface_words(name)
                    if words is None or (item in surfaces and surfaces[item] is None):
                        surfaces[item] = None
                    else:
                        surfaces.setdefault(item, []).append(words)
    return _ref_index(terms), _ref_index(acronyms), surfaces


def _ref_scan(words: tuple[str, ...], index: dict, found: dict[str, dict[str, int]], offset: int = 0, ok=None) -> None:
    for i, word in enumerate(words):
        for seq, kind, entry_id in index.get(word, ()):
            if words[i : i + len(seq)] == seq and entry_id not in found.get(kind, {}):
                if ok is None or ok(i, (seq, kind, entry_id)):
                    found.setdefault(kind, {})[entry_id] = offset + i


def _ref_surface_ok(text: str, surfaces: dict):
    """The plain surface check: the chunks holding the matched terms must spell each content word."""
    owners = [n for n, chunk in enumerate(text.split()) for _ in ref_analysed(chunk)]
    chunks = text.split()

    def ok(i: int, item: tuple) -> bool:
        checks = surfaces.get(item)
        if checks is None:
            return True
        written = " ".join(chunks[owners[i] : owners[i + len(item[0]) - 1] + 1])
        return any(taxonomy.surface_holds(words, written) for words in checks)

    return ok


def ref_match_all(indexes: tuple[dict, dict, dict], text: str) -> dict[str, tuple[str, ...]]:
    terms, acronyms, surfaces = indexes
    found: dict[str, dict[str, int]] = {}
    _ref_scan(ref_analysed(text), terms, found, ok=_ref_surface_ok(text, surfaces))
    hits: dict[str, dict[str, int]] = {}
    _ref_scan(taxonomy.raw_words(text), acronyms, hits, 10**9)
    for kind, ids in hits.items():
        for entry_id, pos in ids.items():
            found.setdefault(kind, {}).setdefault(entry_id, pos)
    return {kind: tuple(sorted(found.get(kind, {}), key=lambda i: found[kind][i])) for kind in taxonomy.KINDS}


@pytest.mark.parametrize("source", SOURCES)
def test_taxonomy_matches_the_plain_scan(texts_of, source: str) -> None:
    for text in texts_of(source):
        assert taxonomy.analysed(text) == ref_analysed(text), text[:200]
        for tax, indexes in _taxonomies():
            for piece in (text, text[:400]):
                assert tax.match_all(piece) == ref_match_all(indexes, piece), piece[:200]


@pytest.mark.parametrize(
    "word", ["Rabat", "l'OIM", "aujourd’hui", "Tanger-Tétouan", "e\u0301te\u0301", "و\u064eالرباط", "٢٠١٩", "ﷺ", "x"]
)
def test_edge_punctuation_is_never_part_of_a_term(word: str) -> None:
    """Chunks are cached by their core: punctuation at their ends changes none of their terms."""
    assert taxonomy._EDGE_PUNCTUATION
    alone = analysis.tokens(word, "fr", mode="query")
    for mark in taxonomy._EDGE_PUNCTUATION:
        for chunk in (mark + word, word + mark, mark * 2 + word + mark, word + "'" + mark, word + "-" + mark):
            assert analysis.tokens(chunk, "fr", mode="query") == analysis.tokens(chunk.strip(mark), "fr", mode="query")
        assert analysis.tokens(mark + word + mark, "fr", mode="query") == alone


def ref_resolve(tax: taxonomy.Taxonomy, kind: str, value: str) -> str | None:
    value = value.strip()
    for entry in tax.entries(kind):
        if entry.id.casefold() == value.casefold():
            return entry.id
    names = tax._names.get(kind, {})
    hit = names.get(("raw",) + taxonomy.raw_words(value)) if taxonomy.is_acronym(value) else None
    return (hit or names.get(ref_analysed(value)) or names.get(("raw",) + taxonomy.raw_words(value))
            or names.get(("folded",) + taxonomy.folded_words(value)))


def ref_folder_hint(rel_path: str, tax: taxonomy.Taxonomy, indexes: tuple[dict, dict, dict]) -> str | None:
    parts = PurePosixPath(rel_path.replace("\\", "/")).parts
    names = [metadata.prettify_file_name(parts[-1])] + list(reversed(parts[:-1])) if parts else []
    for name in names:
        spaced = " ".join(re.split(r"[_\-.]+", name))
        found = ref_match_all(indexes, spaced)["type"]
        if found:
            return found[0]
        for word in spaced.split():
            word = dates.fold(word)
            for candidate in (word, word[:-1] if word.endswith("s") else word):
                resolved = ref_resolve(tax, "type", candidate)
                if resolved:
                    return resolved
    return None


def _paths(texts: list[str], seed: int) -> list[str]:
    """File paths made of type names, their plurals, ids, other words and separators."""
    rng = random.Random(seed)
    words = list(_alias_names()) + [e.id for e in _taxonomies()[0][0].entries("type")]
    words += [w + "s" for w in words[:60]] + [w for t in texts[:50] for w in t.split()[:20]] + ["", "2019", "x"]
    paths = []
    for _ in range(600):
        folders = [rng.choice(words).replace(" ", rng.choice(["_", "-", ".", " "])) for _ in range(rng.randint(0, 3))]
        name = rng.choice(words).replace(" ", rng.choice(["_", "-", "."])) + rng.choice([".pdf", ".txt", "", ".docx"])
        paths.append(rng.choice(["/", "\\"]).join(folders + [name]))
    return paths


@pytest.mark.parametrize("source", SOURCES)
def test_types_from_names_match_the_plain_lookup(texts_of, source: str) -> None:
    """resolve (user-typed filters, folder names) and the folder hint of derive_metadata."""
    texts = texts_of(source)
    values = [w for t in texts[:200] for w in t.split()[:30]] + list(_alias_names()) + ["", " ", "PRIM", "prim", "Prim"]
    paths = _paths(texts, seed=len(texts)) + ([str(p.relative_to(REALDOCS)) for p in REALDOCS.rglob("*.*")][:300]
                                              if source == "realdocs" else [])
    for tax, indexes in _taxonomies():
        for value in values:
            for kind in taxonomy.KINDS:
                assert tax.resolve(kind, value) == ref_resolve(tax, kind, value), (kind, value)
        for _ in range(2):  # the second time from the folder cache
            for rel in paths:
                assert metadata._folder_hint(rel, tax) == ref_folder_hint(rel, tax, indexes), rel


def test_chunk_cache_refills_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full cache is emptied and the text at hand is still analysed whole."""
    monkeypatch.setattr(taxonomy, "_CHUNK_CACHE_MAX", 8)
    for text in _random_texts(count=20, seed=3):
        assert taxonomy.analysed(text) == ref_analysed(text)
        assert len(taxonomy._CHUNK_TERMS) <= max(8, 2 * len(set(text.split())))
    taxonomy._CHUNK_TERMS.clear()
