"""Snippets: the first match found window by window equals a plain scan; marks land on the matched words."""
from __future__ import annotations

import random
import re

import pytest

from search import analysis, highlight

WORDS = (
    "le comité de pilotage du programme Marhaba a examiné les demandes des Marocains résidant à "
    "l'étranger information départements معمل ; مرحبا مغاربة العالم الهجرة التعاون مع بلجيكا لجنة القيادة المجلس الرجل"
).split()


def _plain_first_match(text: str, terms: frozenset[str], lang: str) -> int:
    """Reference: analyse every whitespace-free run in order, no windows, no cache."""
    for run in re.finditer(r"\S+", text):
        if {t.text for t in analysis.analyzer(lang)(run.group(), mode="query", removestops=False)} & terms:
            return run.start()
    return -1


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_first_match_equals_a_plain_scan_across_windows(lang: str) -> None:
    rng = random.Random(8)
    for _ in range(150):
        filler = " ".join(rng.choice(WORDS[:14]) for _ in range(rng.choice((5, 300, 1500))))
        needle = rng.choice(WORDS[14:] + ["Tanger-Tétouan", "AMUDDU", "Maroc", "formation", "عمل"])
        cut = rng.randrange(len(filler) + 1)
        cut = filler.rfind(" ", 0, cut) + 1
        text = filler[:cut] + needle + " " + filler[cut:] if rng.random() < 0.8 else filler
        terms = frozenset(analysis.tokens(needle, lang))
        assert highlight.first_match(text, terms, lang) == _plain_first_match(text, terms, lang)


def test_a_match_past_the_first_window_is_found() -> None:
    text = "accueil " * (highlight.FIRST_WINDOW_CHARS // 4) + "Marhaba et la suite"
    found = highlight.first_match(text, frozenset(analysis.tokens("Marhaba", "fr")), "fr")
    assert found == text.index("Marhaba") > highlight.FIRST_WINDOW_CHARS


def test_snippet_marks_french_and_arabic_words_in_the_original_text() -> None:
    text = "Le Comité de pilotage s'est réuni. " + "accueil " * 50 + "اجتمع المجلس في الرباط"
    fr = highlight.snippet(text, frozenset(analysis.tokens("comités", "fr")), "fr")
    assert "<mark>Comité</mark>" in fr
    ar = highlight.snippet(text, frozenset(analysis.tokens("مجلس", "fr")), "fr")
    assert "<mark>المجلس</mark>" in ar and "Comité" not in ar


def test_the_chunk_cache_empties_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(highlight, "CHUNKS_CACHED", 3)
    monkeypatch.setattr(highlight, "_STATE", {"fr": ({str(i): (frozenset(), ()) for i in range(10)}, {})})
    terms = frozenset(analysis.tokens("pilotage", "fr"))
    text = "un deux trois quatre cinq six pilotage"
    for _ in range(2):
        assert highlight.first_match(text, terms, "fr") == text.index("pilotage")
    assert len(highlight._STATE["fr"][0]) <= 3 + len(text.split())
    assert "0" not in highlight._STATE["fr"][0]  # the full cache was replaced


def _plain_marks(text: str, start: int, end: int, terms: frozenset[str], lang: str) -> list[tuple[int, int]]:
    """Reference: every whitespace-free run of the window, analysed in order."""
    import re

    out = []
    for m in re.finditer(r"\S+", text[:end]):
        if m.end() <= start:
            continue
        s0 = max(m.start(), start)
        for t in analysis.analyzer(lang)(text[s0 : m.end()], chars=True, mode="query", removestops=False):
            if t.text in terms:
                out.append((s0 + t.startchar, s0 + t.endchar))
    return out


def test_marks_equal_a_scan_of_the_window_runs() -> None:
    rng = random.Random(4)
    vocab = WORDS + ["Tanger-Tétouan-Al", "Hoceïma", "l'OIM", "AMUDDU,", "(Marhaba)", "comité\u00a0de"]
    for _ in range(300):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 120)))
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(1, 900))
        terms = frozenset(analysis.tokens(" ".join(rng.sample(vocab, 3)), "fr"))
        assert sorted(highlight._marks(text, start, end, terms, "fr")) == sorted(_plain_marks(text, start, end, terms, "fr"))


def test_matching_pages_names_the_pages_holding_a_term() -> None:
    pages = ["Sommaire du rapport", "Le comité de pilotage s'est réuni.", "Annexes", "اجتماع لجنة القيادة والمجلس", "Comités régionaux"]
    terms = frozenset(analysis.tokens("comité", "fr")) | frozenset(analysis.tokens("المجلس", "fr"))
    assert highlight.matching_pages(pages, terms, "fr") == (2, 4, 5)
    assert highlight.matching_pages(pages[:1], terms, "fr") == ()  # one page: nothing to point at


def test_a_text_without_the_words_gets_its_start_as_snippet() -> None:
    text = "Le Comité de pilotage   s'est réuni à Rabat <le 3 mai>. " + "accueil " * 100
    for terms in (frozenset(), frozenset(analysis.tokens("Marhaba", "fr"))):
        out = highlight.snippet(text, terms, "fr", chars=60)
        assert out.startswith("Le Comité de pilotage s&#x27;est réuni à Rabat &lt;le 3 mai&gt;.")
        assert out.endswith("…") and "<mark>" not in out


@pytest.mark.parametrize(("needle", "inside", "lang"), [("Maroc", "Marocains", "fr"), ("formation", "information", "fr"), ("عمل", "معمل", "ar")])
def test_a_word_inside_a_longer_word_is_neither_the_match_nor_marked(needle: str, inside: str, lang: str) -> None:
    terms = frozenset(analysis.tokens(needle, lang))
    assert not terms & set(analysis.tokens(inside, lang))  # the longer word is another term
    for gap in (3, 300, 3000):  # the real match in the first window, past the mark window, far away
        text = f"Les {inside} du monde. " + "mot " * gap + f"Enfin {needle} ici."
        out = highlight.snippet(text, terms, lang)
        assert f"<mark>{needle}</mark>" in out, (gap, out)
        assert f"<mark>{needle}</mark>" not in out.replace(f"<mark>{needle}</mark> ici", "")
        assert highlight.first_match(text, terms, lang) == text.index(f"Enfin {needle}") + len("Enfin ")


def test_a_mark_window_cut_inside_a_word_marks_nothing_there() -> None:
    terms = frozenset(analysis.tokens("Maroc", "fr"))
    filler = "mots " + "mot " * ((highlight.WINDOW_CHARS - 16) // 4)
    text = "Maroc " + filler + "Marocains et la suite"
    assert text.index("Marocains") + len("Maroc") == highlight.WINDOW_CHARS  # the window ends after "Maroc"
    out = highlight.snippet(text, terms, "fr")
    assert out.count("<mark>") == 1 and out.startswith("<mark>Maroc</mark>")


def test_two_fragments_never_repeat_a_passage() -> None:
    terms = frozenset(analysis.tokens("Marhaba", "fr"))
    for gap in range(0, 400, 7):
        words = [f"w{i}" for i in range(120)]
        text = " ".join(words[:10] + ["Marhaba"] + words[10 : 10 + gap // 4] + ["Marhaba"] + words[10 + gap // 4 :])
        out = highlight.snippet(text, terms, "fr")
        shown = re.sub(r"</?mark>", "", out).replace(" … ", " ").split()
        others = [w for w in shown if w != "Marhaba"]
        assert len(others) == len(set(others)) and shown.count("Marhaba") <= 2, (gap, out)


# ---------------------------------------------------------------- anchors against the plain scan


def _anchor_texts() -> list[tuple[str, str]]:
    """(text, lang): corpus/ and, when ../shared is present, real documents (their first 40,000
    characters), plus generated texts full of what the anchors must see through: marks, tatweel,
    soft hyphens, ligatures, capitals, œ/ß, joined apostrophes, Arabic-Indic digits, look-alikes."""
    from tests.conftest import REALDOCS
    from tests.test_labelling_equivalence import ROOT, _extracted_texts

    texts = [(t, "fr") for t in _extracted_texts(ROOT / "corpus")]
    rng = random.Random(11)
    if REALDOCS.is_dir():
        real = _extracted_texts(REALDOCS)
        texts += [(t[:15_000], ("fr", "en")[i % 2]) for i, t in enumerate(rng.sample(real, min(40, len(real))))]
    atoms = WORDS + [
        "مُرَحَّبًا", "المـهاجرين", "Œuvre", "cœur", "STRASSE", "Straße", "d'Ivoire", "D’IVOIRE", "l’intégration", "in\u00adtégration",
        "٢٠١٩", "۲۰۲۰", "ﬁnancement", "ﻣﺮﺣﺒﺎ", "كوفيد-19", "أبناء", "مسؤول", "مسئول", "ÉTRANGER", "Été", "e\u0301te\u0301", "İzmir",
        "ک", "ی", "Tanger-Tétouan-Al\u00a0Hoceïma", "(Marhaba)", "«AMUDDU»", "x"*300,
    ]
    for n in range(120):
        lang = ("fr", "en", "ar")[n % 3]
        words = [rng.choice(atoms) for _ in range(rng.choice((3, 40, 400)))]
        texts.append(("".join(w + rng.choice([" ", " ", "\n", "\u00a0", "  ", "\u2003"]) for w in words), lang))
    return texts


@pytest.fixture(scope="module")
def anchor_texts() -> list[tuple[str, str]]:
    return _anchor_texts()


def _chunk_terms(text: str, lang: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, terms) of every whitespace-free run, analysed alone (the reference)."""
    return [
        (m.start(), m.end(), frozenset(t.text for t in analysis.analyzer(lang)(m.group(), mode="query", removestops=False)))
        for m in re.finditer(r"\S+", text)
    ]


def test_anchors_find_every_first_match_the_plain_scan_finds(anchor_texts) -> None:
    rng = random.Random(5)
    probes = 0
    for text, lang in anchor_texts:
        chunks = _chunk_terms(text, lang)
        first: dict[str, int] = {}
        for start, _, terms in chunks:
            for term in terms:
                first.setdefault(term, start)
        picked = rng.sample(sorted(first), min(len(first), 60))
        for term in picked:
            assert highlight.first_match(text, frozenset([term]), lang) == first[term], (term, text[:80])
        for a, b in zip(picked[::2], picked[1::2]):
            assert highlight.first_match(text, frozenset([a, b]), lang) == min(first[a], first[b])
        absent = frozenset(["zzqxj", "ثثثخخ"])
        assert highlight.first_match(text, absent, lang) == -1
        probes += len(picked)
    assert probes > 2000


def test_anchored_marks_and_pages_equal_the_plain_scan(anchor_texts) -> None:
    rng = random.Random(6)
    for text, lang in anchor_texts:
        chunks = _chunk_terms(text, lang)
        vocabulary = sorted({t for _, _, terms in chunks for t in terms})
        if not vocabulary:
            continue
        terms = frozenset(rng.sample(vocabulary, min(3, len(vocabulary))))
        cut = [c[0] for c in chunks]
        start = rng.choice(cut)
        end = highlight._boundary(text, start + rng.choice((50, 800, 5000)), forward=True)
        assert highlight._marks(text, start, end, terms, lang) == highlight._marks_scan(text, start, end, terms, lang)
        pages = text.split("\n")
        plain = tuple(n for n, page in enumerate(pages, start=1) if any(terms & t for _, _, t in _chunk_terms(page, lang)))
        assert highlight.matching_pages(pages, terms, lang) == (plain if len(pages) > 1 else ())
