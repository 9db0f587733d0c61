"""The index vocabulary: prefix / typo expansion, and "did you mean" built from real words of the archive.

The analysed fields hold stems ("migrat"), which are not words to show a user. A correction is
found among the stems (edit distance, most frequent first) and then mapped back to a surface form
by re-reading the stored original text of one document that contains it, so the suggestion is a
word that really occurs in the archive ("migrations"), never a stem.

Everything here can be limited to the documents a visitor may see (VisibleVocabulary): a term only
hidden documents contain is never expanded to, offered as a correction, or spelled from their text.
"""
from __future__ import annotations

import re
from itertools import islice

from whoosh.searching import Searcher
from whoosh.support.levenshtein import distance

from search import analysis
from search.normalize import strip_arabic_marks
from search.querylang import All, QuerySyntaxError, Word, parse, plain_tree
from search.schema import text_field
from search.visibility import VisibleStats

SURFACE_SCAN_CHARS = 200_000
SURFACE_DOCS = 3


class IndexVocabulary:
    """Terms of the analysed fields of one searcher (implements query.Vocabulary)."""

    def __init__(self, searcher: Searcher) -> None:
        self.reader = searcher.reader()

    def prefixed(self, fieldname: str, prefix: str, cap: int) -> list[str]:
        """Up to `cap` terms of `fieldname` starting with `prefix`."""
        if fieldname not in self.reader.schema:
            return []
        field = self.reader.schema[fieldname]
        return [field.from_bytes(b) for b in islice(self.reader.expand_prefix(fieldname, prefix), cap)]

    def within(self, fieldname: str, text: str, maxdist: int, cap: int) -> list[str]:
        """Up to `cap` terms within `maxdist` edits of `text` sharing its first letter, closest first."""
        if fieldname not in self.reader.schema or not text:
            return []
        found = list(islice(self.reader.terms_within(fieldname, text, maxdist, prefix=1), cap * 4))
        found.sort(key=lambda t: (distance(t, text, limit=maxdist), -self.reader.doc_frequency(fieldname, t), t))
        return found[:cap]

    def frequency(self, fieldname: str, term: str) -> int:
        """How many documents contain `term` in `fieldname`."""
        try:
            return self.reader.doc_frequency(fieldname, term)
        except (KeyError, ValueError):
            return 0

    def docs(self, fieldname: str, term: str, count: int) -> list[int]:
        """The first `count` documents containing the term (to read how the archive spells it)."""
        try:
            return list(islice(self.reader.postings(fieldname, term).all_ids(), count))
        except (KeyError, ValueError):
            return []


class VisibleVocabulary(IndexVocabulary):
    """The vocabulary of the visible documents only: terms, frequencies and orders as if alone."""

    def __init__(self, searcher: Searcher, stats: VisibleStats) -> None:
        super().__init__(searcher)
        self.stats = stats

    def prefixed(self, fieldname: str, prefix: str, cap: int) -> list[str]:
        """Up to `cap` terms of `fieldname` starting with `prefix` that some visible document has."""
        if fieldname not in self.reader.schema:
            return []
        field = self.reader.schema[fieldname]
        terms = (field.from_bytes(b) for b in self.reader.expand_prefix(fieldname, prefix))
        return list(islice((t for t in terms if self.stats.has(fieldname, t)), cap))

    def within(self, fieldname: str, text: str, maxdist: int, cap: int) -> list[str]:
        """Up to `cap` visible terms within `maxdist` edits of `text`, closest then most frequent first."""
        if fieldname not in self.reader.schema or not text:
            return []
        found = [t for t in self.reader.terms_within(fieldname, text, maxdist, prefix=1) if self.stats.has(fieldname, t)]
        found.sort(key=lambda t: (distance(t, text, limit=maxdist), -self.stats.doc_frequency(fieldname, t), t))
        return found[:cap]

    def frequency(self, fieldname: str, term: str) -> int:
        """How many visible documents contain `term` in `fieldname`."""
        return self.stats.doc_frequency(fieldname, term)

    def docs(self, fieldname: str, term: str, count: int) -> list[int]:
        """The first `count` visible documents containing the term."""
        return self.stats.first_docs(fieldname, term, count)


def _fields() -> list[tuple[str, str]]:
    return [(text_field(kind, lang), lang) for lang in analysis.TEXT_LANGS for kind in ("title", "body")]


def surface_form(searcher: Searcher, fieldname: str, term: str, lang: str, vocab: IndexVocabulary | None = None) -> str | None:
    """A word of the stored original text that analyses to `term` (how the archive spells it)."""
    analyzer = analysis.analyzer(lang)
    for docnum in (vocab or IndexVocabulary(searcher)).docs(fieldname, term, SURFACE_DOCS):
        stored = searcher.stored_fields(docnum)
        for text in (stored.get("title") or "", (stored.get("body") or "")[:SURFACE_SCAN_CHARS]):
            for tok in analyzer(text, chars=True, mode="query"):
                if tok.text == term:
                    word = strip_arabic_marks(text[tok.startchar : tok.endchar])
                    return word if word.isupper() and len(word) > 1 else word.lower()
    return None


def _known(vocab: IndexVocabulary, word: str) -> bool | None:
    """True when the word is in the index, None when it has no terms (a stop word)."""
    seen_any = False
    for fname, lang in _fields():
        toks = analysis.tokens(word, lang, mode="query")
        seen_any = seen_any or bool(toks)
        if toks and all(vocab.frequency(fname, t) for t in toks):
            return True
    return None if not seen_any else False


def _correction(searcher: Searcher, vocab: IndexVocabulary, word: str) -> str | None:
    """The most frequent real word within 1 (short words) or 2 edits of `word`'s term."""
    best: tuple[int, int, str, str, str] | None = None
    for fname, lang in _fields():
        toks = analysis.tokens(word, lang, mode="query")
        if len(toks) != 1 or len(toks[0]) < 3:
            continue
        maxdist = 1 if len(toks[0]) <= 5 else 2
        for term in vocab.within(fname, toks[0], maxdist, 10):
            key = (distance(term, toks[0], limit=maxdist), -vocab.frequency(fname, term), term, fname, lang)
            if best is None or key < best:
                best = key
    if best is None:
        return None
    return surface_form(searcher, best[3], best[2], best[4], vocab)


def suggest(searcher: Searcher, text: str, vocab: IndexVocabulary | None = None) -> str | None:
    """The query with its unknown words replaced by the closest real words, or None if nothing changes."""
    try:
        tree = parse(text)
    except QuerySyntaxError:
        tree = plain_tree(text)
    children = tree.children if isinstance(tree, All) else (tree,) if tree is not None else ()
    vocab = vocab or IndexVocabulary(searcher)
    out, changed = text, False
    for node in children:
        if not isinstance(node, Word) or node.prefix or node.fuzz is not None:
            continue
        if _known(vocab, node.text) is not False:
            continue
        fix = _correction(searcher, vocab, node.text)
        if fix and fix.casefold() != node.text.casefold():
            out = re.sub(r"(?<!\w)" + re.escape(node.text) + r"(?!\w)", fix, out, count=1)
            changed = True
    return out if changed else None
