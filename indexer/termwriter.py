"""Write a segment's postings a term at a time, whole blocks at once, as Whoosh's per-posting loop does.

Whoosh's FieldWriter.add_postings walks the pool posting by posting (start_term / add / finish_term,
one field-length look-up per posting). Our TermPool already holds each term's postings in arrays, so
each block's ids, weights, values and length bounds take a few C-level calls; what is left per block
is what the format itself costs (two pickles and a zlib call). Measured with benchmarks/bench_commit.py
(5,000 documents of 400 words): commit CPU 0.65 -> 0.46 ms per document.

The bytes are the ones Whoosh 2.7.5's W3 codec writes (W3PostingsWriter blocks, W3TermInfo rows): this
module writes into the W3 field writer's own postings file and terms table and reads its codec's
parameters (private attributes, guarded by the exact types and Whoosh version in fallback_reason). tests/test_termwriter.py compares whole segments
byte for byte with Whoosh's loop, and single terms with W3PostingsWriter itself. Whatever
`fallback_reason` names goes through Whoosh's own loop; a single odd term (a NaN weight, lengths
Whoosh would fail on) goes through Whoosh's own per-posting calls inside the per-term commit.
"""
from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from itertools import chain
from operator import sub
from typing import Callable, Mapping, NamedTuple, Protocol, Sequence

import whoosh
from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter
from whoosh.fields import BOOLEAN, NUMERIC, FieldType, Schema, SpellField
from whoosh.util.numeric import length_to_byte

#: The Whoosh release whose W3 writer these bytes reproduce (its private block layout may change).
WHOOSH_VERSION = (2, 7, 5)
#: Formats whose postings carry nothing beyond what the block layout below handles.
FORMATS = (formats.Existence, formats.Frequency, formats.Positions)
#: index() methods known to give bytes values (the writer asserts it per posting; this module does not).
_INDEXERS = (FieldType.index, NUMERIC.index, BOOLEAN.index)

_PICKLE_PROTOCOL = 2  # what W3PostingsWriter pickles blocks with
_BLOCK_LENGTH = struct.Struct("!i")  # signed: the last block of a term is written negative
_FIELD_ID = struct.Struct("!H")  # prefix of a term's key in the terms table
#: W3TermInfo of a term not inlined: flags, weight, doc frequency, min and max length bytes, max weight,
#: first and last id ("!BfIBBfII"), then its postings' offset ("!q") and length ("!i").
_TERM_INFO = struct.Struct("!BfIBBfIIqi")
_REMEMBERED_SIZE = 64  # pickled blocks up to this size have their compressed form remembered …
_REMEMBERED_BLOCKS = 50_000  # … up to this many per commit (~12 MB at most)
_MAX_DOCNUM = 0xFFFFFFFF  # W3PostingsWriter keeps ids in array("I")

DocLength = Callable[[int, str], "int | None"]


class TermPostings(Protocol):
    """One term's postings as indexer.postingpool keeps them."""

    docs: array
    weights: array
    values: list
    ordered: bool


class EncodedTerm(NamedTuple):
    """A term's bytes for the postings file and the statistics its term-info row stores."""

    data: bytes
    weight: float
    doc_frequency: int
    min_length: int | None
    max_length: int
    max_weight: float
    min_id: int
    max_id: int


#: A block's bytes, its summed float32 weights, max weight, min (None: no length) and max length.
Block = tuple[bytes, float, float, "int | None", int]


def fallback_reason(
    codec: object, fieldwriter: object, schema: Schema, fields: Mapping[str, Mapping[bytes, TermPostings]] | None
) -> str | None:
    """Why this commit must go through Whoosh's per-posting loop, or None when write_fields can write
    it: checked before anything is written, so the two paths never mix within a field."""
    if whoosh.__version__ != WHOOSH_VERSION:
        return f"Whoosh {whoosh.versionstring()} is not {'.'.join(map(str, WHOOSH_VERSION))}"
    if fields is None:
        return "the posting pool spilled runs to disk or holds sorted tuples"
    if type(codec) is not W3Codec or type(fieldwriter) is not W3FieldWriter:
        return f"codec {type(codec).__name__} / {type(fieldwriter).__name__} is not Whoosh's W3 codec"
    params = (codec._blocklimit, codec._compression, codec._inlinelimit)  # type: ignore[attr-defined]
    if not all(type(p) is int for p in params) or params[0] < 1 or params[2] > 1:
        return f"codec parameters (blocklimit, compression, inlinelimit) = {params} (inlined postings?)"
    names = set(schema.names())
    for fieldname, terms in fields.items():
        if fieldname not in names:
            return f"field {fieldname!r} is not a plain schema field (a dynamic field?)"
        field = schema[fieldname]
        if isinstance(field, SpellField) or field.separate_spelling():
            return f"field {fieldname!r} is or has a spelling field (its postings all claim document 0)"
        fmt = field.format
        if type(fmt) not in FORMATS:
            return f"field {fieldname!r} has format {type(fmt).__name__}, not one of {[f.__name__ for f in FORMATS]}"
        if type(field).index not in _INDEXERS:  # values are pickled as given: only Whoosh's own bytes
            return f"field {fieldname!r} is a {type(field).__name__} with its own index()"
        for entry in terms.values():
            docs = entry.docs
            if not entry.ordered or not docs or len(entry.weights) != len(docs) or len(entry.values) != len(docs):
                return f"a term of field {fieldname!r} has postings out of docnum order"
            if docs[0] < 0 or docs[-1] > _MAX_DOCNUM:
                return f"a term of field {fieldname!r} has a docnum outside 0..{_MAX_DOCNUM}"
    return None


def field_lengths(doc_length: DocLength, fieldname: str, doccount: int) -> tuple[bool, array | None]:
    """(usable, lengths by docnum) of one field, as the commit's length reader answers them per posting:
    asked once per document instead of once per posting. (True, None) when every length is 0 (no
    length column); (False, None) when an answer is not a plain count, and Whoosh's calls must decide."""
    try:
        lengths = array("L", [doc_length(docnum, fieldname) or 0 for docnum in range(doccount)])
    except (LookupError, TypeError, ValueError, OverflowError):
        return False, None
    return True, (lengths if any(lengths) else None)


def compress(data: bytes, level: int, compressed: dict[bytes, bytes]) -> bytes:
    """zlib.compress(data, level), remembered for small blocks: each call sets up a fresh deflate state
    (~10 µs, most of a small block's cost), and the block of a term found once in a document without
    positions, ((docnum,), None, None), comes again in each such field (id, path, hash, size tiers)."""
    found = compressed.get(data)
    if found is None:
        found = zlib.compress(data, level)
        if len(data) <= _REMEMBERED_SIZE:
            if len(compressed) >= _REMEMBERED_BLOCKS:
                compressed.clear()
            compressed[data] = found
    return found


def encode_block(
    ids: Sequence[int],
    weights: Sequence[float],
    values: Sequence[bytes | None],
    doclens: array | None,
    fixed_size: int | None,
    compression: int,
    last: bool,
    compressed: dict[bytes, bytes],
) -> Block | None:
    """One block as W3PostingsWriter._write_block writes it (length, info pickle, data pickle), or None
    for a NaN weight, where Whoosh's running maximum is not max()."""
    count = len(ids)
    rounded = array("f", weights)  # the writer buffers weights as float32
    weight = sum(rounded)
    if weight != weight:
        return None
    top = max(weights)
    max_weight = top if top > 0 else 0  # the writer's running maximum starts at the int 0
    if rounded.count(1.0) == count:
        mini_weights: object = None
    else:
        first = rounded[0]
        mini_weights = first if count == 1 or rounded.count(first) == count else tuple(rounded)
    if fixed_size is None or fixed_size < 0:  # the writer keeps only non-empty values (the same objects:
        mini_values: object = tuple(filter(None, values))  # the same pickle memo references)
    elif fixed_size == 0:
        mini_values = None
    else:
        mini_values = b"".join(filter(None, values))
    if doclens is None:
        min_length, max_length = None, 0
    elif count == 1:
        max_length = doclens[ids[0]]
        min_length = max_length or None
    else:
        lens = list(map(doclens.__getitem__, ids))
        max_length = max(lens)
        min_length = min(filter(None, lens)) if max_length else None
    deltas = (ids[0],) if count == 1 else tuple(map(sub, ids, chain((0,), ids)))
    data = pickle.dumps((deltas, mini_weights, mini_values), _PICKLE_PROTOCOL)
    if compression:
        data = compress(data, compression, compressed)
    info = pickle.dumps(
        (count, ids[-1], max_weight, compression, length_to_byte(min_length), length_to_byte(max_length)),
        _PICKLE_PROTOCOL,
    )
    size = len(info) + len(data)
    return _BLOCK_LENGTH.pack(-size if last else size) + info + data, weight, max_weight, min_length, max_length


def encode_term(
    postings: TermPostings,
    doclens: array | None,
    fixed_size: int | None,
    blocklimit: int,
    compression: int,
    compressed: dict[bytes, bytes],
) -> EncodedTerm | None:
    """A whole term as W3PostingsWriter writes it (header, then blocks of `blocklimit` postings, the last
    one flagged), with the statistics W3TermInfo accumulates; None leaves the term to Whoosh's calls."""
    docs, weights, values = postings.docs, postings.weights, postings.values
    count = len(docs)
    if count <= blocklimit:  # most terms: one block, statistics as they are
        block = encode_block(docs, weights, values, doclens, fixed_size, compression, True, compressed)
        if block is None:
            return None
        data, weight, max_weight, min_length, max_length = block
        return EncodedTerm(
            WHOOSH3_HEADER_MAGIC + data, weight, count, min_length, max_length, max_weight, docs[0], docs[-1]
        )
    parts = [WHOOSH3_HEADER_MAGIC]
    total, min_length, max_length, max_weight = 0, None, 0, 0
    for start in range(0, count, blocklimit):
        end = start + blocklimit
        block = encode_block(
            docs[start:end], weights[start:end], values[start:end], doclens, fixed_size, compression,
            end >= count, compressed,
        )
        if block is None:
            return None
        data, block_weight, block_max_weight, block_min_length, block_max_length = block
        total += block_weight
        if min_length is None:
            min_length = block_min_length
        elif block_min_length is None:  # W3TermInfo.add_block would fail on min(int, None): let it
            return None
        else:
            min_length = min(min_length, block_min_length)
        max_length = max(max_length, block_max_length)
        max_weight = max(max_weight, block_max_weight)
        parts.append(data)
    return EncodedTerm(b"".join(parts), total, count, min_length, max_length, max_weight, docs[0], docs[-1])


def term_info_bytes(term: EncodedTerm, offset: int) -> bytes:
    """The terms-table value of a term written at `offset` of the postings file (W3TermInfo.to_bytes of
    a term that is not inlined: flags, statistics, then the extent of its postings)."""
    return _TERM_INFO.pack(
        False, term.weight, term.doc_frequency, length_to_byte(term.min_length), length_to_byte(term.max_length),
        term.max_weight, term.min_id, term.max_id, offset, len(term.data),
    )


def _write_term_by_posting(
    fieldwriter: W3FieldWriter, doc_length: DocLength, fieldname: str, tbytes: bytes, postings: TermPostings
) -> None:
    """One term through Whoosh's own per-posting calls (exactly what its loop does for it)."""
    fieldwriter.start_term(tbytes)
    for docnum, weight, value in zip(postings.docs, postings.weights, postings.values):
        fieldwriter.add(docnum, weight, b"" if value is None else value, doc_length(docnum, fieldname))
    fieldwriter.finish_term()


def write_fields(
    fieldwriter: W3FieldWriter,
    schema: Schema,
    lengths: object | None,
    fields: Mapping[str, Mapping[bytes, TermPostings]],
) -> None:
    """Write every field's terms in (field, term) order into the segment's postings file and terms
    table; the caller checked fallback_reason() first and closes the field writer afterwards."""
    codec = fieldwriter._codec
    blocklimit, compression = codec._blocklimit, codec._compression
    doc_length: DocLength = lengths.doc_field_length if lengths else (lambda docnum, fieldname: 0)  # type: ignore[attr-defined]
    terms_table, postfile = fieldwriter._tindex, fieldwriter._postfile
    compressed: dict[bytes, bytes] = {}
    for fieldname in sorted(fields):
        terms = fields[fieldname]
        if not terms:  # a field indexed with no tokens leaves an empty dict; Whoosh never starts it
            continue
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        prefix = _FIELD_ID.pack(fieldwriter._fieldid)
        doccount = max(entry.docs[-1] for entry in terms.values()) + 1
        usable, doclens = field_lengths(doc_length, fieldname, doccount)
        fixed_size = fieldobj.format.fixed_value_size()
        offset = postfile.tell()
        for tbytes in sorted(terms):
            entry = terms[tbytes]
            encoded = encode_term(entry, doclens, fixed_size, blocklimit, compression, compressed) if usable else None
            if encoded is None:
                _write_term_by_posting(fieldwriter, doc_length, fieldname, tbytes, entry)
                offset = postfile.tell()
                continue
            postfile.write(encoded.data)
            terms_table.add(prefix + tbytes, term_info_bytes(encoded, offset))
            offset += len(encoded.data)
        fieldwriter.finish_field()
