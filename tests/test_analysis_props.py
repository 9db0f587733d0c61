"""Property tests: analysis never raises, normalisation is idempotent, index and query agree, offsets stay in range."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import analysis
from search.normalize import fold_arabic, fold_latin, normalize_arabic, normalize_surface, strip_arabic_marks

# Letters and marks users and extractors actually produce: Latin with accents, Arabic with harakat,
# tatweel, hamza seats, presentation forms, Arabic-Indic digits, apostrophes, hyphens and spaces.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from("éèêëàâäîïôöùûüçœæÉÈÀÇ’ʼ‐-"),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
    st.sampled_from(" \n\t\u00a0\u200f\u200e"),
)
TEXT = st.text(alphabet=ALPHABET, max_size=200)
LANGS = st.sampled_from(analysis.TEXT_LANGS)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT, LANGS, st.sampled_from(["index", "query"]))
def test_analysis_never_raises_and_yields_nonempty_terms(text, lang, mode):
    for term in analysis.tokens(text, lang, mode=mode):
        assert term and not term.isspace()


@FAST
@given(TEXT)
def test_normalisation_is_idempotent(text):
    for fn in (normalize_surface, fold_arabic, fold_latin, normalize_arabic, strip_arabic_marks):
        once = fn(text)
        assert fn(once) == once, fn.__name__


@FAST
@given(TEXT, LANGS)
def test_query_terms_of_a_text_are_found_among_its_index_terms(text, lang):
    indexed = set(analysis.tokens(text, lang, mode="index"))
    assert set(analysis.tokens(text, lang, mode="query")) <= indexed


@FAST
@given(TEXT, LANGS)
def test_offsets_point_inside_the_original_text(text, lang):
    for token in analysis.analyzer(lang)(text, chars=True, positions=True, mode="index"):
        assert 0 <= token.startchar <= token.endchar <= len(text)
