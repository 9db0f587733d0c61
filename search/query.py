"""Query tree -> Whoosh query, with terms built from the analyzers' own tokens (never Whoosh's QueryParser).

Words go through `analysis.tokens(text, lang, mode="query")` once per Latin language of the text
fields, so a query matches exactly what the indexer stored. Prefixes and typo-tolerant words are
expanded over the index vocabulary (capped); field filters are resolved through the taxonomy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol

from whoosh import query as Q

from search import analysis
from search.normalize import fold_arabic, fold_latin, has_arabic, normalize_surface
from search.querylang import (
    N_,
    All,
    Any,
    Field,
    Node,
    Not,
    Phrase,
    QuerySyntaxError,
    Range,
    Word,
    is_date,
    parse,
    plain_tree,
    plain_words,
)
from search.schema import text_field

MAX_EXPANSIONS = 200  # words a prefix* or word~ may stand for
MIN_PREFIX_CHARS = 2
TAG_KINDS = ("program", "partner", "region", "country")  # what a typed name is widened to (not "type")
TAG_BOOST = 0.1  # a document matched by its tag alone scores below one that holds the words
PROXIMITY_SLOP = 5
PROXIMITY_BOOST = 2.0
FACET_FIELDS = ("program", "partner", "type", "region", "country")
LANG_NAMES: dict[str, tuple[str, ...]] = {
    "fr": ("fr", "français", "francais", "french", "الفرنسية", "فرنسية", "فرنسي"),
    "ar": ("ar", "arabe", "arabic", "العربية", "عربية", "عربي"),
    "en": ("en", "anglais", "english", "الإنجليزية", "الانجليزية", "إنجليزية", "انجليزية"),
}


class Vocabulary(Protocol):
    """The index's terms, for prefix and typo expansion."""

    def prefixed(self, fieldname: str, prefix: str, cap: int) -> list[str]:
        """Up to `cap` terms of `fieldname` starting with `prefix`."""

    def within(self, fieldname: str, text: str, maxdist: int, cap: int) -> list[str]:
        """Up to `cap` terms of `fieldname` within `maxdist` edits of `text`."""


class Resolver(Protocol):
    """The taxonomy's interface as far as queries need it."""

    def resolve(self, kind: str, value: str) -> str | None:
        """The id a typed value stands for."""

    def named(self, text: str) -> tuple[tuple[str, str], ...]:
        """(kind, id) of the entries `text` is exactly a name of (plain words widened to their tags)."""

    def entries(self, kind: str) -> tuple:
        """The entries of a kind (for error messages listing the valid ids)."""


@dataclass(frozen=True)
class Notice:
    """A message for the user: an English template (translated by the web layer) and its values."""

    template: str
    params: tuple[tuple[str, "str | Notice"], ...] = ()

    def text(self, translate=lambda s: s) -> str:
        """The sentence, through `translate` (a gettext function) when given; nested notices too."""
        values = {k: v.text(translate) if isinstance(v, Notice) else v for k, v in self.params}
        return translate(self.template).format(**values)


@dataclass(frozen=True)
class ParsedQuery:
    """The Whoosh query (None = every document), how it was read, and what to highlight."""

    query: Q.Query | None
    mode: str
    words: tuple[str, ...]
    ranking: Q.Query | None = None
    terms: frozenset[str] = frozenset()
    notices: tuple[Notice, ...] = ()
    fallback: bool = False
    if_empty: tuple[Notice, ...] = ()  # said only when nothing is found

    @property
    def rank_query(self) -> Q.Query | None:
        """What to score with: the query plus its proximity bonus."""
        return self.ranking if self.ranking is not None else self.query


def _fields(kinds: Iterable[str] = ("title", "body")) -> list[tuple[str, str]]:
    return [(text_field(kind, lang), lang) for lang in analysis.TEXT_LANGS for kind in kinds]


def _normalized_prefix(text: str) -> str:
    """A prefix as the index spells terms, without stemming (lower case, accents and Arabic folded)."""
    return fold_arabic(fold_latin(normalize_surface(text).lower()))


@dataclass
class _Compiler:
    """Turns one tree into a Whoosh query, collecting highlight terms and notices."""

    vocab: Vocabulary | None
    taxonomy: Resolver | None
    mode: str
    lang: str | None = None  # compile for the text fields of one Latin language only
    terms: set[str] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    negating: bool = False  # compiling what to leave out: no taxonomy widening
    siblings: list["_Compiler"] = field(default_factory=list, repr=False, compare=False)  # the compilers of every language, this one included

    def fields(self, kinds: Iterable[str] = ("title", "body")) -> list[tuple[str, str]]:
        """The text fields this compilation targets."""
        return [(f, lang) for f, lang in _fields(kinds) if self.lang is None or lang == self.lang]

    # -- text --------------------------------------------------------------------------------
    def text_node(self, node: Word | Phrase, kinds: tuple[str, ...] = ("title", "body")) -> Q.Query | None:
        """A word, prefix, fuzzy word or phrase over the text fields of `kinds`."""
        if isinstance(node, Word) and node.prefix:
            return self.prefix(node.text, kinds)
        if isinstance(node, Word) and node.fuzz is not None:
            return self.fuzzy(node.text, node.fuzz, kinds)
        per_field = []
        by_lang: dict[str, list[str]] = {}  # title and body of a language analyse the text alike
        for fname, lang in self.fields(kinds):
            toks = by_lang.get(lang)
            if toks is None:
                toks = by_lang[lang] = analysis.tokens(node.text, lang, mode="query")
            if not toks:
                continue
            self.terms.update(toks)
            if len(toks) == 1:
                per_field.append(Q.Term(fname, toks[0]))
            else:
                per_field.append(Q.Phrase(fname, list(toks), slop=1))  # its own list: Phrase keeps it
        if not per_field:
            self.ignored.append(node.text)
            return None
        self.words.append(node.text)
        if kinds == ("title", "body"):
            per_field += self.tags(node.text)
        return _or(per_field)

    def tags(self, text: str) -> list[Q.Query]:
        """The facet terms of what `text` names exactly in the taxonomy (a program, partner, region or
        country), so a name finds the documents tagged with it in every language: "Marhaba" the Arabic
        releases on عملية مرحبا, "المنظمة الدولية للهجرة" the French minutes on the OIM.

        Not types: their aliases are common words ("dossier", "bilan", كلمة "word") that would bring
        in every article, report or speech. Not in exclusions: "-bilan" leaves out the documents
        that say it, not a whole type. A tag alone is a weak match (TAG_BOOST), ranked below the
        documents that hold the words. The entry's labels in the other script are marked (the typed
        word marks itself; "UE" must not mark every "union")."""
        named = getattr(self.taxonomy, "named", None)
        if named is None or self.negating:
            return []
        out: list[Q.Query] = []
        arabic = has_arabic(text)
        for kind, entry_id in named(text):
            if kind not in TAG_KINDS:
                continue
            out.append(Q.Term(kind, entry_id, boost=TAG_BOOST))
            for entry in self.taxonomy.entries(kind):  # type: ignore[union-attr]
                if entry.id == entry_id:
                    for lang, label in entry.labels.items():
                        if has_arabic(label) != arabic:
                            self.terms.update(analysis.tokens(label, lang if lang in analysis.TEXT_LANGS else "fr"))
        return out

    def prefix(self, text: str, kinds: tuple[str, ...]) -> Q.Query:
        """word*: every indexed term starting with the typed letters (or with their stem)."""
        base = _normalized_prefix(text)
        if len(base) < MIN_PREFIX_CHARS:
            raise QuerySyntaxError(N_("“{word}*” is too short; type at least {n} letters before the *"), word=text, n=str(MIN_PREFIX_CHARS))
        self.words.append(text + "*")
        per_field = []
        capped = False
        for fname, lang in self.fields(kinds):
            starts = {base, *analysis.tokens(text, lang, mode="query")}
            found: list[str] = []
            for start in sorted(s for s in starts if len(s) >= MIN_PREFIX_CHARS):
                found.extend(self.vocab.prefixed(fname, start, MAX_EXPANSIONS + 1) if self.vocab else [])
            found = sorted(set(found))
            if len(found) > MAX_EXPANSIONS:
                capped, found = True, found[:MAX_EXPANSIONS]
            self.terms.update(found)
            per_field.extend(Q.Term(fname, t) for t in found)
        if capped:
            self.notices.append(Notice(N_("“{word}*” matches more than {cap} words; only the first {cap} were searched — type more letters"), (("word", text), ("cap", str(MAX_EXPANSIONS)))))
        return _or(per_field) if per_field else Q.NullQuery

    def fuzzy(self, text: str, fuzz: int, kinds: tuple[str, ...]) -> Q.Query | None:
        """word~: the word and indexed terms within 1 or 2 typos (by length when not given)."""
        per_field = []
        for fname, lang in self.fields(kinds):
            for tok in analysis.tokens(text, lang, mode="query"):
                dist = fuzz or (1 if len(tok) < 8 else 2)
                found = set(self.vocab.within(fname, tok, dist, MAX_EXPANSIONS) if self.vocab else []) | {tok}
                self.terms.update(found)
                per_field.extend(Q.Term(fname, t) for t in sorted(found))
        if not per_field:
            self.ignored.append(text)
            return None
        self.words.append(text + "~")
        return _or(per_field)

    # -- filters -----------------------------------------------------------------------------
    def field_node(self, node: Field) -> Q.Query | None:
        """title:… restricts words to titles; the other fields filter on metadata."""
        name, value = node.name, node.value
        if name == "title":
            if isinstance(value, Range):
                raise QuerySyntaxError(N_("“title:” takes words, not a range"))
            return self.text_node(value, ("title",))
        if name in ("date", "year"):
            return _date_query(name, value)
        text = value.text if not isinstance(value, Range) else ""
        if isinstance(value, Range) or (isinstance(value, Word) and (value.prefix or value.fuzz is not None)):
            raise QuerySyntaxError(N_("“{field}:” takes a name, like {field}:{example}"), field=name, example=_example(self.taxonomy, name))
        if name == "lang":
            return Q.Term("lang", _resolve_lang(text))
        return Q.Term(name, self._resolve(name, text))

    def _resolve(self, kind: str, text: str) -> str:
        """The taxonomy id a typed value names, or a readable error listing the valid ones."""
        if self.taxonomy is None or not self.taxonomy.entries(kind):
            return text
        found = self.taxonomy.resolve(kind, text)
        if found is None:
            valid = ", ".join(e.id for e in self.taxonomy.entries(kind)[:12])
            raise QuerySyntaxError(N_("no {field} is called “{value}”; known values: {valid}"), field=kind, value=text, valid=valid)
        return found

    # -- structure ---------------------------------------------------------------------------
    def node(self, node: Node, top: bool = False) -> Q.Query | None:
        """Any node; at the top level, words side by side follow the mode ('all' or 'any')."""
        if isinstance(node, (Word, Phrase)):
            return self.text_node(node)
        if isinstance(node, Field):
            return self.field_node(node)
        if isinstance(node, Not):
            inner = self.node_negative(node.node)
            return Q.AndNot(Q.Every(), inner) if inner is not None else None
        if isinstance(node, Any):
            return _or([q for q in (self.node(c) for c in node.children) if q is not None]) or None
        if isinstance(node, All):
            return self.conjunction(node.children, self.mode if top else "all")
        raise QuerySyntaxError(N_("unexpected “{text}”"), text=str(node))

    def named_runs(self, children: tuple[Node, ...], mode: str) -> "list[Node | Q.Query]":
        """`children`, where consecutive plain words that together are exactly a taxonomy name
        ("stratégie nationale d'immigration et d'asile", "Union européenne" typed without quotes)
        become one query: those words, or the documents tagged with the entry in any language."""
        out: list[Node | Q.Query] = []
        i = 0
        while i < len(children):
            end = self._named_run_end(children, i)
            if end is None:
                out.append(children[i])
                i += 1
                continue
            run = children[i:end]
            text = " ".join(w.text for w in run)  # type: ignore[union-attr]
            tags = self.tags(text)
            parts = [q for q in (self.node(w) for w in run) if q is not None]
            group = ((Q.And if mode == "all" else Q.Or)(parts) if len(parts) > 1 else parts[0]) if parts else None
            out.append(_or([q for q in (group, *tags) if q is not None]))  # type: ignore[arg-type]
            i = end
        return out

    def _named_run_end(self, children: tuple[Node, ...], start: int, longest: int = 8) -> int | None:
        """The end of the longest run of 2+ plain words from `start` that names a taxonomy entry."""
        named = getattr(self.taxonomy, "named", None)
        if named is None:
            return None
        stop = start
        while stop < len(children) and stop - start < longest and _plain_word(children[stop]):
            stop += 1
        for end in range(stop, start + 1, -1):
            if named(" ".join(w.text for w in children[start:end])):  # type: ignore[union-attr]
                return end
        return None

    def node_negative(self, node: Node) -> Q.Query | None:
        """What to leave out, read in EVERY language's fields, without collecting highlight terms.

        compile_tree ORs one reading per language: an exclusion read in this language only would be
        undone by the others ("-migration" kept the French documents through the English reading,
        whose positive part is every document). A document's text sits in one language's fields,
        so the other languages' readings of the excluded words cannot leave out anything wrongly.
        """
        parts = []
        for compiler in self.siblings or [self]:
            saved_terms, saved_words = set(compiler.terms), list(compiler.words)
            saved_ignored = None if compiler is self else list(compiler.ignored)
            saved_negating, compiler.negating = compiler.negating, True
            q = compiler.node(node)
            compiler.negating = saved_negating
            compiler.terms, compiler.words = saved_terms, saved_words
            if saved_ignored is not None:
                compiler.ignored = saved_ignored
            if q is not None:
                parts.append(q)
        return _or(list(dict.fromkeys(parts)))

    def conjunction(self, children: tuple[Node, ...], mode: str) -> Q.Query | None:
        """Required words (or any of them in 'any' mode); filters and exclusions always apply."""
        words: list[Q.Query] = []
        filters: list[Q.Query] = []
        excluded: list[Q.Query] = []
        for child in self.named_runs(children, mode):
            if isinstance(child, Q.Query):  # a run of words naming a taxonomy entry, compiled
                words.append(child)
                continue
            if isinstance(child, Not):
                q = self.node_negative(child.node)
                if q is not None:
                    excluded.append(q)
                continue
            q = self.node(child)
            if q is None:
                continue
            is_filter = isinstance(child, Field) and child.name != "title"
            (filters if is_filter else words).append(q)
        parts: list[Q.Query] = list(filters)
        if words:
            parts.append((Q.And if mode == "all" else Q.Or)(words) if len(words) > 1 else words[0])
        if not parts and not excluded:
            return None
        positive = (Q.And(parts) if len(parts) > 1 else parts[0]) if parts else Q.Every()
        return Q.AndNot(positive, _or(excluded)) if excluded else positive


def _plain_word(node: Node) -> bool:
    """A word typed as such: no prefix star, no typo tilde, no field."""
    return isinstance(node, Word) and not node.prefix and node.fuzz is None


def _or(queries: list[Q.Query]) -> Q.Query | None:
    if not queries:
        return None
    return Q.Or(queries) if len(queries) > 1 else queries[0]


def _example(taxonomy: Resolver | None, kind: str) -> str:
    if kind == "lang":
        return "ar"
    entries = taxonomy.entries(kind) if taxonomy is not None and kind in FACET_FIELDS else ()
    return entries[0].id if entries else "…"


def _resolve_lang(text: str) -> str:
    """fr / ar / en from a code or a language name in any of the three languages."""
    folded = text.strip().casefold()
    for code, names in LANG_NAMES.items():
        if folded in names:
            return code
    raise QuerySyntaxError(N_("no language is called “{value}”; write lang:fr, lang:ar or lang:en"), value=text)


def date_bound(value: str, end: bool) -> str:
    """First or last day of a year / month given as YYYY or YYYY-MM (dates pass through)."""
    if len(value) == 4:
        return value + ("-12-31" if end else "-01-01")
    if len(value) == 7:
        return value + ("-31" if end else "-01")
    return value


def _check_date(value: str, field: str) -> str:
    if not is_date(value):
        raise QuerySyntaxError(N_("“{value}” is not a date; write {field}:2016, {field}:2016-05 or date:[2016-01 TO 2018-06]"), value=value, field=field)
    return value


def _date_query(name: str, value: Word | Phrase | Range) -> Q.Query:
    """date:2016, date:2016-05, date:[2016-01 TO 2018-06] (open ends with *)."""
    if isinstance(value, Range):
        if value.low is None and value.high is None:
            raise QuerySyntaxError(N_("a date range needs at least one end, like date:[2016 TO *]"))
        low = date_bound(_check_date(value.low, name), end=False) if value.low else None
        high = date_bound(_check_date(value.high, name), end=True) if value.high else None
        if low and high and low > high:
            raise QuerySyntaxError(N_("the date range [{low} TO {high}] ends before it starts"), low=value.low, high=value.high)
        return Q.TermRange("date", low, high)
    text = _check_date(value.text.strip(), name)
    if name == "year" and len(text) != 4:
        raise QuerySyntaxError(N_("“{value}” is not a year; write year:2016"), value=text)
    return Q.Term("date", text) if len(text) == 10 else Q.Prefix("date", text)


def _proximity(compiler: _Compiler, tree: Node | None) -> Q.Query | None:
    """A bonus for documents where the top-level plain words stand close together."""
    if not isinstance(tree, All):
        return None
    plain = [c.text for c in tree.children if isinstance(c, Word) and not c.prefix and c.fuzz is None]
    if len(plain) < 2:
        return None
    spans = []
    for fname, lang in _fields():
        toks = [t for w in plain for t in analysis.tokens(w, lang, mode="query")]
        if len(toks) >= 2:
            spans.append(Q.SpanNear2([Q.Term(fname, t) for t in toks], slop=PROXIMITY_SLOP, ordered=False))
    if not spans:
        return None
    bonus = _or(spans)
    bonus.boost = PROXIMITY_BOOST  # type: ignore[union-attr]
    return bonus


def compile_tree(
    tree: Node | None, *, mode: str = "all", vocab: Vocabulary | None = None, taxonomy: Resolver | None = None
) -> ParsedQuery:
    """A parsed tree as a Whoosh query; raises QuerySyntaxError for values it cannot resolve.

    The tree is compiled once per Latin language of the text fields and the readings are ORed: a
    word that is a stop word in French ("de") is then neutral for French documents instead of being
    required from the English fields.
    """
    compilers = [_Compiler(vocab, taxonomy, mode, lang=lang) for lang in analysis.TEXT_LANGS]
    for compiler in compilers:
        compiler.siblings = compilers
    queries = [c.node(tree, top=True) for c in compilers] if tree is not None else []
    kept = [q for q in queries if q is not None]
    query = _or(list(dict.fromkeys(kept))) if kept else None
    words = tuple(dict.fromkeys(w for c in compilers for w in c.words))
    terms = frozenset(t for c in compilers for t in c.terms)
    notices = list(dict.fromkeys(n for c in compilers for n in c.notices))
    ignored = [w for w in compilers[0].ignored if all(w in c.ignored for c in compilers)] if compilers else []
    common = Notice(N_("the query has only very common words or symbols ({words}); type a more specific word"), (("words", " ".join(ignored)),))
    if ignored and query is None and tree is not None:
        notices.append(common)
    # every word a stop word in some language ("de" is one in French only, so the English reading
    # still looks for it): when that finds nothing, say why instead of a bare "no document"
    somewhere = list(dict.fromkeys(w for c in compilers for w in c.ignored))
    if_empty = ()
    if query is not None and somewhere and set(words) <= set(somewhere):
        if_empty = (Notice(common.template, (("words", " ".join(somewhere)),)),)
    bonus = _proximity(compilers[0], tree) if query is not None else None
    ranking = Q.AndMaybe(query, bonus) if bonus is not None else None
    return ParsedQuery(query, mode, words, ranking, terms, tuple(notices), if_empty=if_empty)


def build_query(
    text: str, *, mode: str = "all", vocab: Vocabulary | None = None, taxonomy: Resolver | None = None
) -> ParsedQuery:
    """Read a user query; an unreadable one is searched as its plain words, with a notice saying why."""
    try:
        return compile_tree(parse(text), mode=mode, vocab=vocab, taxonomy=taxonomy)
    except QuerySyntaxError as exc:
        plain = plain_words(text)
        try:
            fallback = compile_tree(plain_tree(text), mode=mode, vocab=None, taxonomy=None)
        except QuerySyntaxError:
            fallback = ParsedQuery(None, mode, ())
        reason = Notice(exc.template, tuple(exc.params.items()))
        if plain:
            shown = Notice(N_("{reason}; showing the results for the plain words: {plain}"), (("reason", reason), ("plain", plain)))
        else:
            shown = Notice(N_("{reason}; there are no plain words to search for"), (("reason", reason),))
        return ParsedQuery(
            fallback.query if plain else None,
            mode,
            fallback.words,
            fallback.ranking,
            fallback.terms,
            (shown,),
            fallback=True,
        )
