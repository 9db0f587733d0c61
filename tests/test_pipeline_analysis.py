"""The indexer's chunk-cached analysis equals the full chain, and its index equals Whoosh's own writer's."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.records import DocumentRecord
from indexer.writer import IndexWriter, record_fields
from search import analysis
from search import schema as schema_mod
from search.normalize import normalize_surface
from tests.conftest import FILES, make_record

# Pieces that stress the chain: elisions, compounds, stop words, stray accents, ligatures, Arabic with
# harakat and Arabic-Indic digits, odd whitespace, apostrophe letters (ʼ), possessives.
PIECES = (
    "l'", "d'", "qu'", "jusqu'", "aujourd'hui", "Tanger-Tétouan", "de-la", "l'--", "-", "--", "ʼ", "’s", "'s",
    "A's", "e\u0301", "\u0301", "\u00ad", "ﷺ", "ﬁ", "Ⅻ", "１２", "ـ", "ال", "و", "٠١", "\u064e", "مرحبا",
    "بالمهاجرين", "le", "la", "les", "de", "the", "of", "covid-19", "COVID", "x", " ", "  ", "\n", "\f", "\t",
    "\x1c", "\u2028", "\xa0", "\u200b", ".", ",", "«", "»", "é", "œuvre", "Ça", "PRIM", "OIM",
)


def _random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def _texts() -> list[str]:
    return list(FILES.values()) + _random_texts(20261125, 3000)


@pytest.mark.parametrize("lang", analysis.TEXT_LANGS)
def test_index_positions_equal_the_full_chain(lang: str) -> None:
    for text in _texts():
        assert analysis.index_positions(text, lang) == analysis._chain_positions(text, lang), repr(text)


def test_only_the_listed_word_characters_elide_to_nothing() -> None:
    """A word character that normalises to apostrophes only (ʼ) would open a text with a dropped token
    (characters normalised to nothing make no token at all)."""
    apostrophes = set("'\u2019\u02bc")
    found = set()
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if re.match(r"\w", char):
            normal = normalize_surface(char)
            if normal and set(normal) <= apostrophes:
                found.add(char)
    assert found == set(analysis.ELIDED_WORD_CHARS)


def _record(i: int, title: str, body: str) -> DocumentRecord:
    lang = "fr" if i % 3 else "en"
    return make_record(i, body, title=title, langs=(lang,), primary_lang=lang)


def _dump(ix_dir: Path, blocks: bool) -> tuple[list, list]:
    """Every (field, term, doc, weight, positions) posting and every field length of an index, with
    the length bounds of each posting's block when `blocks` (same segmentation on both sides)."""
    ix = whoosh_index.open_dir(str(ix_dir))
    with ix.reader() as reader:
        ids = {d: reader.stored_fields(d)["id"] for d in reader.all_doc_ids()}
        postings = []
        for field in schema_mod.text_fields():
            if field not in reader.schema:
                continue
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    bounds = (matcher.block_min_length(), matcher.block_max_length()) if blocks else ()
                    postings.append(
                        (field, term, ids[matcher.id()], matcher.weight(), matcher.value_as("positions"), bounds)
                    )
                    matcher.next()
        lengths = [(f, ids[d], reader.doc_field_length(d, f)) for f in schema_mod.text_fields() for d in ids]
    return sorted(postings), sorted(lengths)


@pytest.mark.parametrize("procs", [1, 2])
def test_pre_analysing_writer_writes_what_whoosh_writes(tmp_path: Path, procs: int) -> None:
    texts = _texts()[:400]
    records = [_record(i, texts[i][:60], text) for i, text in enumerate(texts)]
    ours = tmp_path / "ours"
    ours.mkdir()
    ix = whoosh_index.create_in(str(ours), schema_mod.build_schema())
    with IndexWriter(ix, procs=procs) as writer:
        for record in records:
            writer.add(record)
    plain = tmp_path / "plain"
    plain.mkdir()
    ix = whoosh_index.create_in(str(plain), schema_mod.build_schema())
    writer = ix.writer()
    for record in records:
        writer.add_document(**record_fields(record))
    writer.commit()
    assert _dump(ours, procs == 1) == _dump(plain, procs == 1)
