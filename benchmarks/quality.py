"""Retrieval quality of Arshif vs Whoosh defaults and SQLite FTS5 on real question -> passage sets.

Each passage of PIAF (fr), ARCD (ar) and XQuAD (ar) is a document; each question is an any-word
(OR) query whose one relevant document is its own passage. Reports MRR@10 and Recall@10, also with
~10,000 same-language news passages added as distractors. Not a test: prints a table.

    .venv/bin/python benchmarks/quality.py            # full run (all questions, 10k distractors)
    .venv/bin/python benchmarks/quality.py --quick    # smoke run: 300 questions/set, 1k distractors
    .venv/bin/python benchmarks/quality.py --rules    # Arabic rule ablation (ARCD, XQuAD, ar+10k)
    .venv/bin/python benchmarks/quality.py --bm25     # BM25F B/K1 grid for Arshif

Arshif goes through the real query path: search.schema.build_schema() for the index (body_fr =
body = passage) and search.query.build_query(question, mode="any") for the query.
"""
from __future__ import annotations

import argparse
import ast
import csv
import json
import multiprocessing as mp
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from whoosh import index as windex  # noqa: E402
from whoosh import query as Q  # noqa: E402
from whoosh.analysis import Analyzer, Filter, LanguageAnalyzer, StandardAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.scoring import BM25F  # noqa: E402

from search import analysis  # noqa: E402

SHARED = ROOT.parent / "shared" / "realdocs"
SEED = 20240601
DISTRACTORS = 10_000
K = 10


@dataclass
class DataSet:
    """Passages (doc id -> text), queries (question, relevant doc id) and the language."""

    name: str
    lang: str
    docs: list[tuple[str, str]]
    queries: list[tuple[str, str]]


# --- data ----------------------------------------------------------------------------------------


def load_squad(path: Path, name: str, lang: str) -> DataSet:
    """SQuAD JSON -> one document per paragraph, one query per question."""
    data = json.loads(path.read_text(encoding="utf-8"))
    docs, queries = [], []
    for a, art in enumerate(data["data"]):
        for p, par in enumerate(art["paragraphs"]):
            did = f"{name}-{a}-{p}"
            docs.append((did, par["context"]))
            queries.extend((qa["question"], did) for qa in par["qas"])
    return DataSet(name, lang, docs, queries)


def _news_fr() -> list[str]:
    csv.field_size_limit(10**9)
    out = []
    for f in ("fra-dev.tsv", "fra-test.tsv"):
        with open(SHARED / "news-fr-masakhanews" / f, encoding="utf-8", newline="") as fh:
            out += [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    return out


def _news_ar() -> list[str]:
    out = []
    with open(SHARED / "news-ar-saudinewsnet" / "saudinewsnet-subset.jsonl", encoding="utf-8") as fh:
        out += [json.loads(line)["content"] for line in fh if line.strip()]
    with open(SHARED / "news-ar-morocco" / "febrayer-feb.txt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("content: "):
                try:
                    paras = ast.literal_eval(line[len("content: "):])
                except (ValueError, SyntaxError):
                    continue
                if paras:
                    out.append("\n".join(paras))
    raw = (SHARED / "news-ar-morocco" / "yabiladi-yab.json").read_text(encoding="utf-8")
    dec, i = json.JSONDecoder(), 0
    while i < len(raw):
        while i < len(raw) and raw[i].isspace():
            i += 1
        if i >= len(raw):
            break
        try:
            obj, i = dec.raw_decode(raw, i)
        except ValueError:
            break
        for art in obj if isinstance(obj, list) else [obj]:
            content = art.get("content") if isinstance(art, dict) else None
            if content:
                out.append("\n".join(content) if isinstance(content, list) else str(content))
    return out


_SENT = re.compile(r"(?<=[.!?؟])\s+|\n+")


def split_passages(articles: Sequence[str], target: int) -> list[str]:
    """Cut articles into sentence-aligned passages so that about `target` passages result."""
    words = sum(len(a.split()) for a in articles)
    size = max(20, int(words / (target * 1.25)))  # small tails are dropped: aim above the target
    out: list[str] = []
    for art in articles:
        buf: list[str] = []
        n = 0
        for sent in _SENT.split(art):
            if not sent.strip():
                continue
            buf.append(sent.strip())
            n += len(sent.split())
            if n >= size:
                out.append(" ".join(buf))
                buf, n = [], 0
        if buf and n >= size // 3:
            out.append(" ".join(buf))
    return out


def word_chunks(articles: Sequence[str], size: int) -> list[str]:
    """Cut articles into consecutive `size`-word pieces (a last piece under a third of that is dropped)."""
    out = []
    for art in articles:
        words = art.split()
        for i in range(0, len(words), size):
            if len(words[i : i + size]) >= size // 3:
                out.append(" ".join(words[i : i + size]))
    return out


#: How news articles become distractor documents (--distractors). "passages" (default): sentence-
#: aligned ~50-word passages, ~10k per language; "chunks80": 80-word pieces, the size at which FTS5
#: and Whoosh LanguageAnalyzer land within 0.004 of the issue's French +10k reference numbers
#: (README-quality.md); "articles": whole articles.
DISTRACTOR_KINDS = ("passages", "chunks80", "articles")
_DISTRACTOR_KIND = "passages"


def distractor_docs(articles: Sequence[str], kind: str) -> list[str]:
    """Distractor texts of one language, built the way `kind` says."""
    if kind == "articles":
        return list(articles)
    if kind.startswith("chunks"):
        return word_chunks(articles, int(kind[len("chunks"):]))
    return split_passages(articles, DISTRACTORS)


def datasets(quick: bool, only: set[str] | None = None) -> list[DataSet]:
    """The five evaluation sets (the +10k ones share the base passages and questions)."""
    rng = random.Random(SEED)
    qa = SHARED / "qa-ir"
    piaf = load_squad(qa / "piaf-fr" / "piaf-v1.1.json", "piaf", "fr")
    arcd = load_squad(qa / "arcd-ar" / "arcd.json", "arcd", "ar")
    xquad = load_squad(qa / "xquad-ar" / "xquad.ar.json", "xquad", "ar")
    n_distr = 1000 if quick else DISTRACTORS
    sets = [piaf, arcd, xquad]
    want = only or {"piaf", "arcd", "xquad", "piaf+10k", "arcd+10k"}
    if "piaf+10k" in want:
        fr = distractor_docs(_news_fr(), _DISTRACTOR_KIND)
        rng.shuffle(fr)
        sets.append(DataSet("piaf+10k", "fr", piaf.docs + [(f"nf{i}", t) for i, t in enumerate(fr[:n_distr])], piaf.queries))
    if "arcd+10k" in want:
        ar = distractor_docs(_news_ar(), _DISTRACTOR_KIND)
        rng.shuffle(ar)
        sets.append(DataSet("arcd+10k", "ar", arcd.docs + [(f"na{i}", t) for i, t in enumerate(ar[:n_distr])], arcd.queries))
    out = [s for s in sets if s.name in want]
    if quick:
        for s in out:
            s.queries = random.Random(SEED).sample(s.queries, min(300, len(s.queries)))
    return out


# --- systems -------------------------------------------------------------------------------------


def _score(ranked: list[list[str]], queries: list[tuple[str, str]]) -> tuple[float, float]:
    mrr = rec = 0.0
    for ids, (_, rel) in zip(ranked, queries):
        if rel in ids[:K]:
            mrr += 1.0 / (ids.index(rel) + 1)
            rec += 1
    n = max(1, len(queries))
    return mrr / n, rec / n


def _whoosh_run(
    ds: DataSet,
    schema: Schema,
    add: Callable[[object, str, str], None],
    make_query: Callable[[str], Q.Query | None],
    weighting: BM25F | Sequence[BM25F],
) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        ix = windex.create_in(tmp, schema)
        w = ix.writer(limitmb=256)
        for did, text in ds.docs:
            add(w, did, text)
        w.commit()
        qs = [make_query(q) for q, _ in ds.queries]
        scores = []
        for wt in weighting if isinstance(weighting, (list, tuple)) else [weighting]:
            ranked = []
            with ix.searcher(weighting=wt) as s:
                for q in qs:
                    if q is None:
                        ranked.append([])
                        continue
                    ranked.append([hit["id"] for hit in s.search(q, limit=K)])
            scores.append(_score(ranked, ds.queries))
        ix.close()
        return scores


def _plain_whoosh(ds: DataSet, ana: Analyzer, weighting: BM25F | Sequence[BM25F]) -> list[tuple[float, float]]:
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=ana))

    def add(w: object, did: str, text: str) -> None:
        w.add_document(id=did, body=text)  # type: ignore[attr-defined]

    def make(q: str) -> Q.Query | None:
        terms = list(dict.fromkeys(t.text for t in ana(q, mode="query")))
        return Q.Or([Q.Term("body", t) for t in terms]) if terms else None

    return _whoosh_run(ds, schema, add, make, weighting)


def run_whoosh_default(ds: DataSet) -> tuple[float, float]:
    """Whoosh TEXT() (StandardAnalyzer), OR of its query tokens, default BM25F."""
    return _plain_whoosh(ds, StandardAnalyzer(), BM25F())[0]


def run_whoosh_lang(ds: DataSet) -> tuple[float, float]:
    """Whoosh TEXT(analyzer=LanguageAnalyzer(lang)) (fr: Snowball+stop list; ar: ISRI root stemmer)."""
    return _plain_whoosh(ds, LanguageAnalyzer(ds.lang), BM25F())[0]


_FTS_TOKEN = re.compile(r"\w+")


def run_fts5(ds: DataSet) -> tuple[float, float]:
    """SQLite FTS5, unicode61 remove_diacritics 2, bm25 ranking, OR of the question's words."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
    ids = [did for did, _ in ds.docs]
    con.executemany("INSERT INTO d(rowid, body) VALUES (?, ?)", [(i, t) for i, (_, t) in enumerate(ds.docs)])
    ranked = []
    for q, _ in ds.queries:
        toks = list(dict.fromkeys(_FTS_TOKEN.findall(q)))
        if not toks:
            ranked.append([])
            continue
        expr = " OR ".join('"' + t.replace('"', '""') + '"' for t in toks)
        rows = con.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (expr, K)).fetchall()
        ranked.append([ids[r[0]] for r in rows])
    con.close()
    return _score(ranked, ds.queries)


def _arshif_query_builder() -> tuple[Callable[[str], Q.Query | None], str]:
    try:
        from search.query import build_query
    except ImportError:  # fall back to the equivalent: OR of per-word analyzer terms over text fields
        from search.schema import text_fields

        def build(q: str) -> Q.Query | None:
            clauses = []
            for f in text_fields():
                lang = f.rsplit("_", 1)[1]
                clauses += [Q.Term(f, t) for t in dict.fromkeys(analysis.tokens(q, lang))]
            return Q.Or(clauses) if clauses else None

        return build, "fallback Or-of-terms"

    def build_real(q: str) -> Q.Query | None:
        return build_query(q, mode="any").query

    return build_real, "search.query.build_query(mode='any')"


def run_arshif(ds: DataSet, weighting: BM25F | Sequence[BM25F] | None = None) -> list[tuple[float, float]]:
    """Arshif: the real schema and the real query builder."""
    from search.schema import build_schema

    build, _ = _arshif_query_builder()

    def add(w: object, did: str, text: str) -> None:
        w.add_document(id=did, body=text, body_fr=text)  # type: ignore[attr-defined]

    return _whoosh_run(ds, build_schema(), add, build, weighting or BM25F())


#: BM25F tried for Arshif besides Whoosh's default (B=0.75, K1=1.2); see --bm25 and the README.
TUNED: tuple[tuple[float, float], ...] = ((0.75, 0.9),)  # (0.6, 0.7) and others: see --bm25


def run_arshif_rows(ds: DataSet) -> list[tuple[float, float]]:
    """Arshif with Whoosh's default BM25F and with the tuned ones, on one index."""
    return run_arshif(ds, [BM25F()] + [BM25F(B=b, K1=k) for b, k in TUNED])


SYSTEMS: dict[str, Callable[[DataSet], list[tuple[float, float]]]] = {
    "Whoosh TEXT()": lambda ds: [run_whoosh_default(ds)],
    "Whoosh TEXT(LanguageAnalyzer)": lambda ds: [run_whoosh_lang(ds)],
    "SQLite FTS5 unicode61": lambda ds: [run_fts5(ds)],
    "Arshif": run_arshif_rows,
}
ROWS: dict[str, list[str]] = {
    "Whoosh TEXT()": ["Whoosh TEXT()"],
    "Whoosh TEXT(LanguageAnalyzer)": ["Whoosh TEXT(LanguageAnalyzer)"],
    "SQLite FTS5 unicode61": ["SQLite FTS5 unicode61 (bm25)"],
    "Arshif": ["Arshif (BM25F default B=0.75 K1=1.2)"] + [f"Arshif (BM25F B={b} K1={k})" for b, k in TUNED],
}


# --- runners ---------------------------------------------------------------------------------------

_DATA: list[DataSet] = []
SHARD_QUERIES = 2000  # big query sets are cut in shards so both cores stay busy to the end


def _job(args: tuple[str, int, int, int]) -> list[tuple[str, str, float, float, int, float]]:
    system, i, shard, nshards = args
    t0 = time.time()
    base = _DATA[i]
    ds = DataSet(base.name, base.lang, base.docs, base.queries[shard::nshards])
    n = len(ds.queries)
    rows = SYSTEMS[system](ds)
    dt = time.time() - t0
    return [(row, base.name, m * n, r * n, n, dt) for row, (m, r) in zip(ROWS[system], rows)]


def _parallel(jobs: list, fn: Callable, procs: int) -> list:
    if procs <= 1:
        return [fn(j) for j in jobs]
    with mp.get_context("fork").Pool(procs) as pool:
        return pool.map(fn, jobs, chunksize=1)


def main_table(quick: bool, procs: int) -> None:
    """Every system on every set, printed as a Markdown table of MRR@10 / Recall@10."""
    global _DATA
    t0 = time.time()
    _DATA = datasets(quick)
    print(f"data: {', '.join(f'{d.name} {len(d.docs)} docs/{len(d.queries)} q' for d in _DATA)}"
          f" ({time.time() - t0:.1f}s)")
    print(f"Arshif query path: {_arshif_query_builder()[1]}; ANALYSIS_VERSION {analysis.ANALYSIS_VERSION}")
    jobs = []
    for i, d in enumerate(_DATA):
        n = max(1, -(-len(d.queries) // SHARD_QUERIES)) if procs > 1 else 1
        jobs += [(s, i, k, n) for s in SYSTEMS for k in range(n)]
    jobs.sort(key=lambda j: -len(_DATA[j[1]].docs) * len(_DATA[j[1]].queries) / j[3])  # longest first
    acc: dict[tuple[str, str], list[float]] = {}
    for s, d, mrr, rec, n, t in (row for rows in _parallel(jobs, _job, procs) for row in rows):
        a = acc.setdefault((s, d), [0.0, 0.0, 0, 0.0])
        a[0] += mrr
        a[1] += rec
        a[2] += n
        a[3] += t
    res = {k: (a[0] / max(1, a[2]), a[1] / max(1, a[2]), a[3]) for k, a in acc.items()}
    names = [d.name for d in _DATA]
    print("\nMRR@10 / Recall@10" + (" (QUICK: 300 questions/set, 1k distractors)" if quick else "")
          + f"; distractors: {_DISTRACTOR_KIND}")
    print("| system | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for s in (row for rows in ROWS.values() for row in rows):
        cells = [f"{res[(s, n)][0]:.3f} / {res[(s, n)][1]:.3f}" for n in names]
        print(f"| {s} | " + " | ".join(cells) + " |")
    print(f"\nwall time {time.time() - t0:.0f}s; per job: "
          + ", ".join(f"{s}@{d} {t:.0f}s" for (s, d), (_, _, t) in sorted(res.items())))


def _variant_job(args: tuple[str, int]) -> tuple[str, str, float, float]:
    from search.filters import ArabicNormalizeFilter, ArabicStemFilter

    name, i = args
    ds = _DATA[i]
    cfg = (RULE_VARIANTS if ds.lang == "ar" else FRENCH_VARIANTS)[name]
    ana = analysis.build_analyzer(
        "fr",
        fold_before_stem=cfg.get("fold_before_stem", analysis.FOLD_BEFORE_STEM),
        arabic_normalize=ArabicNormalizeFilter(**cfg.get("norm", {})),
        arabic_stem=ArabicStemFilter(**cfg.get("stem", {})),
    )
    if cfg.get("snowball"):
        ana = _snowball_arabic_analyzer()
    mrr, rec = _plain_whoosh(ds, ana, BM25F())[0]
    return name, ds.name, mrr, rec


class SnowballArabicFilter(Filter):
    """Measurement only: Snowball Arabic (PyStemmer) in place of Arshif's light stemmer."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        import Stemmer

        st = Stemmer.Stemmer("arabic")
        for t in tokens:
            if t.ar:
                t.text = st.stemWord(t.text)
            yield t


def _snowball_arabic_analyzer() -> Analyzer:
    return analysis.build_analyzer("fr", arabic_stem=SnowballArabicFilter())  # type: ignore[arg-type]


_OFF = {"repeat_article": False, "accusative_alef": False, "protect_waw": False}
RULE_VARIANTS: dict[str, dict] = {
    "Lucene-like (no extra rule)": {"stem": _OFF, "norm": {"hamza_seats": False, "persian": False}},
    "+ hamza seats ؤ→و ئ→ي": {"stem": _OFF, "norm": {"persian": False}},
    "+ Persian letters": {"stem": _OFF},
    "+ repeated article": {"stem": {"accusative_alef": False, "protect_waw": False}},
    "+ accusative alef": {"stem": {"protect_waw": False}},
    "+ protected و-words (= Arshif)": {},
    "Arshif + extra suffixes": {"stem": {"extra_suffixes": True}},
    "Arshif + extra prefixes ب ل ف ك": {"stem": {"extra_prefixes": True}},
    "Arshif, lone و stripped only if 4+ letters remain": {"stem": {"waw_min": 5}},
    "Arshif, lone و never stripped": {"stem": {"waw_min": 99}},
    "Snowball Arabic stemmer instead": {"snowball": True},
}


FRENCH_VARIANTS: dict[str, dict] = {
    "fold accents, then stem (= Arshif)": {},
    "stem, then fold accents": {"fold_before_stem": False},
}


def main_rules(quick: bool, procs: int) -> None:
    """Ablations on a plain single-field index (OR query): Arabic rules, French fold/stem order."""
    global _DATA
    _DATA = datasets(quick)
    jobs = [(v, i) for i, d in enumerate(_DATA) for v in (RULE_VARIANTS if d.lang == "ar" else FRENCH_VARIANTS)]
    jobs.sort(key=lambda j: -len(_DATA[j[1]].docs) * len(_DATA[j[1]].queries))
    res = {(v, d): (m, r) for v, d, m, r in _parallel(jobs, _variant_job, procs)}
    for lang, variants in (("ar", RULE_VARIANTS), ("fr", FRENCH_VARIANTS)):
        names = [d.name for d in _DATA if d.lang == lang]
        print("\n| chain variant (MRR@10) | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for v in variants:
            print(f"| {v} | " + " | ".join(f"{res[(v, n)][0]:.3f}" for n in names) + " |")


BM25_GRID = [(0.75, 1.2), (0.75, 0.9), (0.6, 0.9), (0.6, 0.7), (0.5, 0.7), (0.4, 0.8)]


def _bm25_job(i: int) -> tuple[str, list[tuple[float, float]]]:
    return _DATA[i].name, run_arshif(_DATA[i], [BM25F(B=b, K1=k) for b, k in BM25_GRID])


def main_bm25(quick: bool, procs: int) -> None:
    """MRR@10 of Arshif for a grid of BM25F (B, K1) on every set."""
    global _DATA
    _DATA = datasets(quick)
    res = dict(_parallel(list(range(len(_DATA))), _bm25_job, procs))
    names = [d.name for d in _DATA]
    print("| B, K1 | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for g, (b, k) in enumerate(BM25_GRID):
        print(f"| {b}, {k} | " + " | ".join(f"{res[n][g][0]:.3f}" for n in names) + " |")


def main() -> None:
    """Parse flags and run the chosen report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 questions/set and 2k distractors")
    ap.add_argument("--procs", type=int, default=2, help="parallel jobs (default 2)")
    ap.add_argument("--rules", action="store_true", help="Arabic rule ablation instead of the main table")
    ap.add_argument("--bm25", action="store_true", help="BM25F B/K1 grid for Arshif")
    ap.add_argument("--distractors", choices=DISTRACTOR_KINDS, default="passages",
                    help="how news articles become +10k distractors (default: ~50-word passages)")
    args = ap.parse_args()
    global _DISTRACTOR_KIND
    _DISTRACTOR_KIND = args.distractors
    if not SHARED.is_dir():
        sys.exit(f"no data at {SHARED}")
    if args.rules:
        main_rules(args.quick, args.procs)
    elif args.bm25:
        main_bm25(args.quick, args.procs)
    else:
        main_table(args.quick, args.procs)


if __name__ == "__main__":
    main()
