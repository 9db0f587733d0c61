"""Search-page latency: Arshif's Engine, the fastpath page, and SQLite FTS5, same documents and queries.

A page = query + 7 facet counts (year histogram included) + top 10 with highlighted snippets.
The query set is drawn deterministically from the index: rare / medium / common words, 2-4 word
AND, 2-word phrases, prefixes, and the same with facet filters.

    python -m benchmarks.bench_search --index /work/bench-data/ix10k/index [--rounds 3]
"""
from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.fts5 import build_fts5, search_page, stored_rows  # noqa: E402
from benchmarks.table import render, summary  # noqa: E402

COLUMNS = ("kind", "engine", "queries", "median ms", "p95 ms", "p99 ms", "min ms", "max ms", "p95 / FTS5 p95")
WORD = re.compile(r"^[^\W\d_]{4,}$")


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: the text typed by a user, its FTS5 MATCH form, its filters."""

    kind: str
    text: str
    match: str
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _df(searcher, word: str) -> int:
    from search import analysis

    toks = analysis.tokens(word, "fr")
    return max((searcher.doc_frequency("body_fr", t) for t in toks), default=0) if len(toks) == 1 else 0


def make_queries(searcher, seed: int = 7, per_kind: int = 8) -> list[BenchQuery]:
    """A deterministic mixed query set drawn from the stored text of a sample of documents."""
    rng = random.Random(seed)
    reader = searcher.reader()
    ids = sorted(reader.all_doc_ids())
    sample = [reader.stored_fields(d) for d in rng.sample(ids, min(300, len(ids)))]
    n = len(ids)
    words, pairs = set(), []
    for stored in sample:
        body = (stored.get("body") or "").split()
        words.update(w for w in body if WORD.match(w))
        for a, b in zip(body, body[1:]):
            if WORD.match(a) and WORD.match(b):
                pairs.append((a, b))
    by_df = sorted((w for w in sorted(words)), key=lambda w: w)
    df = {w: _df(searcher, w) for w in by_df}
    rare = [w for w in by_df if 0 < df[w] <= max(2, n // 1000)]
    medium = [w for w in by_df if n // 200 <= df[w] <= n // 30]
    common = [w for w in by_df if df[w] >= n // 10]
    pick = lambda pool, k=per_kind: rng.sample(pool, min(k, len(pool)))  # noqa: E731
    out = [BenchQuery("rare", w, f'"{w}"') for w in pick(rare)]
    out += [BenchQuery("medium", w, f'"{w}"') for w in pick(medium)]
    out += [BenchQuery("common", w, f'"{w}"') for w in pick(common)]
    for _ in range(per_kind):
        k = rng.randint(2, 4)
        ws = pick(medium, 1) + pick(common, k - 1)
        out.append(BenchQuery("AND 2-4", " ".join(ws), " ".join(f'"{w}"' for w in ws)))
    good_pairs = [p for p in pairs if df.get(p[0], 0) and df.get(p[1], 0)]
    for a, b in pick(good_pairs):
        out.append(BenchQuery("phrase", f'"{a} {b}"', f'"{a} {b}"'))
    for w in pick(medium):
        out.append(BenchQuery("prefix", w[:4] + "*", f'"{w[:4]}"*'))
    years = sorted({s.get("year") for s in sample if s.get("year")})
    langs = ("fr", "ar")
    for w in pick(common) + pick(medium, per_kind // 2):
        filt = (("lang", (rng.choice(langs),)),) if rng.random() < 0.5 else (("year", (rng.choice(years),)),)
        out.append(BenchQuery("filtered", w, f'"{w}"', filt))
    return out


def _time(fn, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(index_dir: Path, rounds: int = 3, per_kind: int = 8, fts_path: Path | None = None,
        kinds: tuple[str, ...] = ()) -> str:
    """Time every query (of `kinds`, default all) in the three engines (interleaved per query) and return the table."""
    from whoosh import scoring

    from search.engine import Engine
    from search.fastpath import FastIndex
    from search.fastsearch import fast_search
    from search.query import build_query
    from search.request import SearchRequest
    from search.suggest import IndexVocabulary

    engine = Engine(index_dir)
    searcher = engine._ix.searcher(weighting=scoring.BM25F())
    queries = [q for q in make_queries(searcher, per_kind=per_kind) if not kinds or q.kind in kinds]
    fts_path = fts_path or index_dir.parent / "fts5.sqlite"
    if not fts_path.exists():
        build_fts5(fts_path, stored_rows(index_dir))
    db = sqlite3.connect(fts_path)
    fast = FastIndex(searcher, ("lang", "type", "program", "partner", "region", "country", "year", "visibility"))
    vocab = IndexVocabulary(searcher)

    def fast_page(q: BenchQuery) -> None:
        parsed = build_query(q.text, vocab=vocab)
        fast_search(fast, parsed.query, parsed.rank_query, parsed.terms, dict(q.filters))

    timings: dict[tuple[str, str], list[float]] = {}
    for q in queries:  # warm each path once, then interleave the measured rounds
        req = SearchRequest(q=q.text, filters=dict(q.filters))
        engine.search(req), fast_page(q), search_page(db, q.match, dict(q.filters))
        for name, fn in (
            ("Arshif Engine.search", lambda: engine.search(req)),
            ("Arshif fastpath page", lambda: fast_page(q)),
            ("SQLite FTS5", lambda: search_page(db, q.match, dict(q.filters))),
        ):
            times = _time(fn, rounds)
            timings.setdefault((q.kind, name), []).extend(times)
            timings.setdefault(("ALL", name), []).extend(times)
    rows = []
    shown = [*dict.fromkeys(q.kind for q in queries), "ALL"]
    for kind in shown:
        fts = summary(timings.get((kind, "SQLite FTS5"), []))
        for name in ("Arshif Engine.search", "Arshif fastpath page", "SQLite FTS5"):
            s = summary(timings.get((kind, name), []))
            count = len(timings.get((kind, name), [])) // rounds
            rows.append((kind, name, count, s["median"], s["p95"], s["p99"], s["min"], s["max"], s["p95"] / fts["p95"]))
    searcher.close()
    engine.close()
    db.close()
    docs = len(fast.live_ids)  # live documents (a re-run's deleted versions are not counted)
    return render(f"Search page latency, {docs:,} documents ({rounds} rounds per query)", COLUMNS, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--kinds", nargs="*", default=[], help="only these query kinds (e.g. phrase); the same queries as a full run")
    args = parser.parse_args(argv)
    print(run(args.index, args.rounds, args.per_kind, kinds=tuple(args.kinds)), flush=True)


if __name__ == "__main__":
    main()
