"""The query language's syntax: user text -> a small tree of nodes (pure; no index, no analyzers).

Grammar (OR binds tighter than the implicit AND between words, as in web search engines):

    query   := group*                       words side by side are ALL required
    group   := unary ((OR | OU | أو) unary)*
    unary   := (NOT | SAUF | -) unary | primary
    primary := "(" query ")" | "phrase" | field ":" value | word | prefix* | word~ | word~N
    value   := word | "phrase" | prefix* | [low TO high]

AND / ET between words is accepted and changes nothing. Unknown `name:` prefixes are plain words
(so "12:30" or a URL still search). Syntax errors raise QuerySyntaxError, which carries a message
template (translated by the web layer) and the plain-words reading of the query.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterator, Union

OR_WORDS = frozenset({"OR", "OU", "أو", "||"})
AND_WORDS = frozenset({"AND", "ET", "&&"})
NOT_WORDS = frozenset({"NOT", "SAUF"})
_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


def is_date(value: str) -> bool:
    """YYYY, YYYY-MM or a real calendar day YYYY-MM-DD (2016-02-31 is none: it would match nothing)."""
    if not _DATE.match(value):
        return False
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True
OPERATOR_WORDS = OR_WORDS | AND_WORDS | NOT_WORDS

# field name as typed (English, French, Arabic) -> canonical field
FIELD_ALIASES: dict[str, str] = {
    "title": "title", "titre": "title", "عنوان": "title",
    "program": "program", "programme": "program", "برنامج": "program",
    "partner": "partner", "partenaire": "partner", "شريك": "partner",
    "type": "type", "نوع": "type",
    "lang": "lang", "langue": "lang", "language": "lang", "لغة": "lang",
    "region": "region", "région": "region", "جهة": "region",
    "country": "country", "pays": "country", "بلد": "country",
    "year": "year", "année": "year", "annee": "year", "سنة": "year",
    "date": "date", "تاريخ": "date",
}
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(FIELD_ALIASES.values()))
_RANGE_TO = re.compile(r"\s+(?:TO|À|A|إلى)\s+")
MAX_FUZZ = 2


def N_(text: str) -> str:
    """Mark a message template for translation catalogs without translating it here."""
    return text


@dataclass(frozen=True)
class Word:
    """A word; `prefix` for word*, `fuzz` for word~ (0 = distance chosen by length)."""

    text: str
    prefix: bool = False
    fuzz: int | None = None


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together in this order."""

    text: str


@dataclass(frozen=True)
class Field:
    """`name:value`: a text field restricted to titles, or a filter on a facet or the date."""

    name: str
    value: "Word | Phrase | Range"


@dataclass(frozen=True)
class Range:
    """`[low TO high]`; None is an open end (`*`)."""

    low: str | None
    high: str | None


@dataclass(frozen=True)
class Not:
    """Documents without `node`."""

    node: "Node"


@dataclass(frozen=True)
class All:
    """Every child required (words side by side)."""

    children: tuple["Node", ...]


@dataclass(frozen=True)
class Any:
    """At least one child (OR)."""

    children: tuple["Node", ...]


Node = Union[Word, Phrase, Field, Range, Not, All, Any]


class QuerySyntaxError(ValueError):
    """A query that cannot be read as written; the engine searches its plain words instead."""

    def __init__(self, template: str, **params: str) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


# -- lexer ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN OR AND NOT NEG
    text: str
    extra: object = None


_FIELD_PREFIX = re.compile(r"^([^\W\d_][\w]*):(.*)$", re.S)


def _read_until(text: str, i: int, end: str) -> tuple[str, int, bool]:
    """Text from i up to `end` (exclusive), the index after it, and whether `end` was found."""
    j = text.find(end, i)
    if j < 0:
        return text[i:], len(text), False
    return text[i:j], j + 1, True


def _lex(text: str) -> Iterator[_Tok]:
    """Split the query into tokens; quotes and brackets group their content."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "\"«»“”":
            inner, i, closed = _read_until(text, i + 1, _closing(c))
            if not closed:
                raise QuerySyntaxError(N_("the quotation mark before “{text}” is never closed"), text=inner.strip()[:40])
            yield _Tok("PHRASE", inner)
        elif c == "(":
            i += 1
            yield _Tok("LPAREN", c)
        elif c == ")":
            i += 1
            yield _Tok("RPAREN", c)
        elif c == "-" and i + 1 < n and not text[i + 1].isspace():
            i += 1
            yield _Tok("NEG", c)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()\"«»“”":
                j += 1
            word = text[i:j]
            i = j
            m = _FIELD_PREFIX.match(word)
            if m and m.group(1).casefold() in FIELD_ALIASES:
                name = FIELD_ALIASES[m.group(1).casefold()]
                rest = m.group(2)
                if not rest and i < n and text[i] in "\"«“":
                    inner, i, closed = _read_until(text, i + 1, _closing(text[i]))
                    if not closed:
                        raise QuerySyntaxError(N_("the quotation mark after “{field}:” is never closed"), field=m.group(1))
                    yield _Tok("FIELD", name, Phrase(inner))
                    continue
                if rest.startswith("["):
                    inner = rest[1:]
                    if "]" in inner:
                        inner, after = inner.split("]", 1)
                        i -= len(after)
                    else:
                        more, i, closed = _read_until(text, i, "]")
                        if not closed:
                            raise QuerySyntaxError(N_("the range after “{field}:” has no closing ]"), field=m.group(1))
                        inner = inner + more
                    yield _Tok("FIELD", name, _range(inner, m.group(1)))
                    continue
                if not rest:
                    raise QuerySyntaxError(N_("“{field}:” needs a value after the colon"), field=m.group(1))
                yield _Tok("FIELD", name, _word(rest))
                continue
            if word in OR_WORDS:
                yield _Tok("OR", word)
            elif word in AND_WORDS:
                yield _Tok("AND", word)
            elif word in NOT_WORDS:
                yield _Tok("NOT", word)
            else:
                yield _Tok("WORD", word)


def _closing(opening: str) -> str:
    return {"«": "»", "“": "”"}.get(opening, '"' if opening != "”" else "”")


def _range(inner: str, field: str) -> Range:
    """`low TO high` inside brackets."""
    parts = _RANGE_TO.split(" " + inner.strip() + " ")
    parts = [p.strip() for p in parts]
    if len(parts) != 2:
        raise QuerySyntaxError(N_("write a range as {field}:[2016-01 TO 2018-06], not [{inner}]"), field=field, inner=inner.strip())
    low, high = (None if p in ("", "*") else p for p in parts)
    return Range(low, high)


_FUZZ = re.compile(r"^(.*?)~(\d*)$")


def _word(raw: str) -> Word:
    """A word with its * or ~ suffix read off."""
    m = _FUZZ.match(raw)
    if m and m.group(1):
        dist = m.group(2)
        fuzz = int(dist) if dist else 0
        if fuzz > MAX_FUZZ:
            raise QuerySyntaxError(N_("“{word}” asks for {n} typos; the most is {max}"), word=raw, n=str(fuzz), max=str(MAX_FUZZ))
        return Word(m.group(1), fuzz=fuzz)
    if raw.endswith("*") and len(raw) > 1:
        stem = raw.rstrip("*")
        if "*" in stem:
            raise QuerySyntaxError(N_("“{word}”: * is allowed only at the end of a word"), word=raw)
        return Word(stem, prefix=True)
    if raw.strip("*") == "":
        raise QuerySyntaxError(N_("“{word}” has no letters before the *"), word=raw)
    return Word(raw)


# -- parser --------------------------------------------------------------------------------------

class _Parser:
    """Recursive descent over the token list."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def query(self, nested: bool) -> Node | None:
        children: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None:
                if nested:
                    raise QuerySyntaxError(N_("a parenthesis “(” is never closed"))
                break
            if tok.kind == "RPAREN":
                if not nested:
                    raise QuerySyntaxError(N_("a parenthesis “)” closes nothing"))
                break
            if tok.kind == "AND":
                self.take()
                if not children or self.peek() is None or self.peek().kind in ("RPAREN", "OR", "AND"):
                    raise QuerySyntaxError(N_("“{op}” needs a word on each side"), op=tok.text)
                continue
            if tok.kind == "OR":
                raise QuerySyntaxError(N_("“{op}” needs a word on each side"), op=tok.text)
            children.append(self.group())
        if not children:
            return None
        return children[0] if len(children) == 1 else All(tuple(children))

    def group(self) -> Node:
        first = self.unary()
        options = [first]
        while self.peek() is not None and self.peek().kind == "OR":
            op = self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                raise QuerySyntaxError(N_("“{op}” needs a word on each side"), op=op.text)
            options.append(self.unary())
        return options[0] if len(options) == 1 else Any(tuple(options))

    def unary(self) -> Node:
        tok = self.take()
        if tok.kind in ("NOT", "NEG"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                raise QuerySyntaxError(N_("“{op}” must be followed by the word to leave out"), op=tok.text)
            return Not(self.unary())
        if tok.kind == "LPAREN":
            inner = self.query(nested=True)
            self.take()  # the ")"
            if inner is None:
                raise QuerySyntaxError(N_("the parentheses “()” are empty"))
            return inner
        if tok.kind == "PHRASE":
            return Phrase(tok.text)
        if tok.kind == "FIELD":
            return Field(tok.text, tok.extra)  # type: ignore[arg-type]
        if tok.kind == "WORD":
            return _word(tok.text.lstrip("+") or tok.text)
        raise QuerySyntaxError(N_("unexpected “{text}”"), text=tok.text)


def parse(text: str) -> Node | None:
    """The tree of a query, or None when it is empty; QuerySyntaxError when it cannot be read."""
    return _Parser(list(_lex(text or ""))).query(nested=False)


_PLAIN_DROP = re.compile(
    r"~\d*|[\"«»“”()\[\]*+]|(?<!\w)-|(?<!\S)(?:" + "|".join(map(re.escape, FIELD_ALIASES)) + r"):", re.I
)


def plain_words(text: str) -> str:
    """The query with its syntax stripped: what an unreadable query falls back to (all words)."""
    words = _PLAIN_DROP.sub(" ", text or "").split()
    return " ".join(w for w in words if w not in OPERATOR_WORDS and w not in ("TO",))


def plain_tree(text: str) -> Node | None:
    """The plain-words reading as a tree, built directly (it cannot fail): every word required."""
    words = tuple(Word(w) for w in plain_words(text).split())
    if not words:
        return None
    return words[0] if len(words) == 1 else All(words)


def leaves(node: Node | None) -> Iterator[Node]:
    """Every word, phrase and field node of a tree (what the term limit counts)."""
    if node is None:
        return
    if isinstance(node, (All, Any)):
        for child in node.children:
            yield from leaves(child)
    elif isinstance(node, Not):
        yield from leaves(node.node)
    else:
        yield node


def count_terms(text: str) -> int:
    """How many terms a query has (words of phrases count one each); plain words if unreadable."""
    try:
        tree = parse(text)
    except QuerySyntaxError:
        return len(plain_words(text).split())
    total = 0
    for leaf in leaves(tree):
        if isinstance(leaf, Phrase):
            total += max(1, len(leaf.text.split()))
        else:
            total += 1
    return total
