"""Commit benchmark: the per-term commit (indexer/termwriter.py) against Whoosh's per-posting loop.

Both commits run in this process on the same records, alternating within each round, each into a
fresh index in a temporary folder; only `commit()` is timed, in CPU seconds of this process (the
analysis before it is the same on both sides). Records come from the text files of a generated
archive (`--corpus`, e.g. /work/bench-data/c20k-400) or, without one, from seeded random text.

    .venv/bin/python -m benchmarks.bench_commit --docs 2000 --rounds 5 --corpus /work/bench-data/c20k-400
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from whoosh import index as whoosh_index  # noqa: E402

from benchmarks.table import render, summary  # noqa: E402
from indexer.records import DocumentRecord  # noqa: E402
from indexer.writer import COMPOUND, WRITER_LIMIT_MB, PreAnalysingWriter, record_fields  # noqa: E402
from search import schema as schema_mod  # noqa: E402

DEFAULT_CORPUS = Path("/work/bench-data/c20k-400")
COLUMNS = ("commit", "documents", "rounds", "median s", "min s", "max s", "ms/doc", "ratio new/old", "path")
_FR = ("migration", "maroc", "programme", "comité", "pilotage", "accord", "région", "coopération", "jeunes",
       "formation", "retour", "intégration", "partenaires", "ministère", "étranger", "accueil")
_AR = ("مغاربة", "العالم", "الهجرة", "برنامج", "التعاون", "الشباب", "التكوين", "الإدماج", "الوزارة", "الاستقبال")


def _record(i: int, text: str, lang: str) -> DocumentRecord:
    """A document record as the pipeline makes one: first line as title, the rest as body."""
    title, _, body = text.partition("\n")
    return DocumentRecord(
        id=f"doc{i:06d}", path=f"d/{i}.txt", paths=(f"d/{i}.txt",), source=f"/a/d/{i}.txt", title=title.strip(),
        body=body, langs=(lang,), primary_lang=lang, date=f"{2000 + i % 20}-0{1 + i % 9}-1{i % 10}", type=None,
        format="txt", size=len(text), hash=f"{i:064d}",
    )


def corpus_records(corpus: Path, count: int) -> list[DocumentRecord]:
    """The first `count` text files of a generated archive (language from the name's -ar/-fr suffix)."""
    files = sorted(corpus.rglob("*.txt"))[:count]
    return [
        _record(i, path.read_text(encoding="utf-8"), "ar" if path.stem.endswith("-ar") else "fr")
        for i, path in enumerate(files)
    ]


def generated_records(count: int, words: int = 400, seed: int = 7) -> list[DocumentRecord]:
    """Seeded French/Arabic text over a Zipf-like vocabulary: the fallback when no archive is there."""
    rng = random.Random(seed)
    vocab = [*_FR, *_AR, *(f"terme{n}" for n in range(20000))]
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    out = []
    for i in range(count):
        text = " ".join(rng.choices(vocab, weights, k=words))
        out.append(_record(i, f"Note {i} {rng.choice(_FR)}\n{text}", "ar" if i % 2 else "fr"))
    return out


def time_commit(records: list[DocumentRecord], fast: bool, folder: Path) -> tuple[float, str]:
    """(CPU seconds of the commit, the path it took) for `records` written into a new index in `folder`."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema_mod.build_schema())
    try:
        writer = PreAnalysingWriter(ix, limitmb=WRITER_LIMIT_MB, compound=COMPOUND)
        writer.fast_commit = fast
        for record in records:
            writer.add_document(**record_fields(record))
        started = time.process_time()
        writer.commit()
        seconds = time.process_time() - started
    finally:
        ix.close()
    return seconds, writer.commit_fallback or "per term"


def run(docs: int, rounds: int, corpus: Path | None = DEFAULT_CORPUS) -> str:
    """Time both commits `rounds` times on `docs` records and render the table."""
    if corpus is not None and corpus.is_dir():
        records, source = corpus_records(corpus, docs), str(corpus)
    else:
        records, source = generated_records(docs), "generated text"
    times: dict[bool, list[float]] = {True: [], False: []}
    paths: dict[bool, set[str]] = {True: set(), False: set()}
    with tempfile.TemporaryDirectory(prefix="bench-commit-") as tmp:
        for n in range(rounds):
            for fast in ((True, False) if n % 2 else (False, True)):
                seconds, path = time_commit(records, fast, Path(tmp) / f"{n}-{fast}")
                times[fast].append(seconds)
                paths[fast].add(path)
    baseline = summary(times[False])["median"]
    rows = []
    for fast, label in ((False, "Whoosh per-posting loop"), (True, "per-term (termwriter)")):
        s = summary(times[fast])
        rows.append((label, len(records), rounds, s["median"], s["min"], s["max"],
                     1000 * s["median"] / max(1, len(records)), s["median"] / baseline if baseline else float("nan"),
                     "; ".join(sorted(paths[fast]))))
    return render(f"Commit CPU time ({source}, {len(records)} documents)", COLUMNS, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="generated archive (falls back to random text)")
    args = parser.parse_args()
    print(run(args.docs, args.rounds, args.corpus))


if __name__ == "__main__":
    main()
