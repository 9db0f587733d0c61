"""Labelling CPU time per document: derive_metadata and its three costly parts, old code against new.

The old code is the labelling modules (indexer/dates.py, indexer/language.py, search/taxonomy.py,
indexer/metadata.py) as they are at a git revision, copied to a temporary package and imported next
to the working tree's, so both run in one process on the same documents, in alternating rounds.
Documents: every file of corpus/ (through our extractors) and /work/bench-data/c20k-400/0000/*.txt
when present. "cold" rounds first forget the caches a new worker process does not have.

    python -m benchmarks.bench_labelling [--rounds 5] [--baseline REV] [--bench-data DIR] [--also DIR]

`--also ../shared/realdocs/archive` adds real documents (punctuation, tables, long reports).

Numbers are CPU milliseconds per document (time.process_time), medians over the rounds.
"""
from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.table import render, summary  # noqa: E402
from indexer.extract import ExtractionError, Extracted, Page, extract, is_supported  # noqa: E402
from search import filters  # noqa: E402

# The last revision with the plain labelling code (before the date zones, counted runs and batched chunks).
BASELINE = "4ac8d1d21bd042d0dacc8b4b1fdedbbcda210547"
BENCH_DATA = Path("/work/bench-data/c20k-400/0000")
MODULES = {"dates": "indexer/dates.py", "language": "indexer/language.py",
           "taxonomy": "search/taxonomy.py", "metadata": "indexer/metadata.py"}
_INTERNAL_IMPORT = re.compile(r"^from (indexer\.dates|indexer\.language|search\.taxonomy) import", re.MULTILINE)
COLUMNS = ("part", "docs", "old ms/doc", "new ms/doc", "new / old")


@dataclass(frozen=True)
class Labeller:
    """One implementation of the labelling modules, and the taxonomy it loaded."""

    name: str
    dates: ModuleType
    language: ModuleType
    taxonomy: ModuleType
    metadata: ModuleType
    vocabulary: object


def _load(name: str, modules: dict[str, ModuleType]) -> Labeller:
    tax = modules["taxonomy"].load_taxonomy(REPO / "corpus" / "taxonomy.toml")
    return Labeller(name, modules["dates"], modules["language"], modules["taxonomy"], modules["metadata"], tax)


def baseline_labeller(revision: str, folder: Path) -> Labeller:
    """The labelling modules of `revision`, imported from a copy as package `labelling_baseline`."""
    package = folder / "labelling_baseline"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    names = {"indexer.dates": "dates", "indexer.language": "language", "search.taxonomy": "taxonomy"}
    for name, rel in MODULES.items():
        try:
            source = subprocess.run(["git", "show", f"{revision}:{rel}"], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"Cannot read {rel} at revision {revision!r}: {exc.stderr.strip()}") from exc
        source = _INTERNAL_IMPORT.sub(lambda m: f"from labelling_baseline.{names[m.group(1)]} import", source)
        (package / f"{name}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return _load("old", {name: importlib.import_module(f"labelling_baseline.{name}") for name in MODULES})


def current_labeller() -> Labeller:
    """The labelling modules of the working tree."""
    dotted = {name: rel[:-3].replace("/", ".") for name, rel in MODULES.items()}
    return _load("new", {name: importlib.import_module(path) for name, path in dotted.items()})


def _extracted(root: Path) -> list[tuple[str, Extracted]]:
    """(relative path, extracted document) for every file under `root` our extractors read."""
    docs = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and is_supported(p)):
        try:
            docs.append((str(path.relative_to(root)), extract(path, ocr=False)))
        except ExtractionError:
            continue
    return docs


def documents(bench_data: Path, also: Path | None = None) -> list[tuple[str, Extracted]]:
    """(relative path, extracted document) for corpus/, the benchmark folder and `also`, in a fixed order."""
    docs = _extracted(REPO / "corpus") + (_extracted(also) if also else [])
    if bench_data.is_dir():
        for path in sorted(bench_data.glob("*.txt")):
            docs.append((path.name, Extracted(pages=(Page(1, path.read_text(encoding="utf-8")),))))
    return docs


def forget_caches(labeller: Labeller) -> None:
    """Empty the caches a freshly started worker process would not have (both versions' and the stemmer's)."""
    chunk_terms = getattr(labeller.taxonomy, "_chunk_terms", None)
    if chunk_terms is not None and hasattr(chunk_terms, "cache_clear"):
        chunk_terms.cache_clear()
    getattr(labeller.taxonomy, "_CHUNK_TERMS", {}).clear()
    filters._STEM_CACHE.clear()


def parts(labeller: Labeller) -> dict[str, Callable[[str, Extracted], object]]:
    """The timed calls, as derive_metadata makes them."""
    tax = labeller.vocabulary
    return {
        "derive_metadata": lambda rel, doc: labeller.metadata.derive_metadata(doc, rel, tax),
        "find_date_detail": lambda rel, doc: labeller.dates.find_date_detail(doc.text),
        "detect_languages": lambda rel, doc: labeller.language.detect_languages(doc.text, doc.lang_hint),
        "match_all": lambda rel, doc: tax.match_all(f"{doc.title or ''}\n{doc.text}"),
    }


def cpu_ms_per_doc(call: Callable[[str, Extracted], object], docs: list[tuple[str, Extracted]]) -> float:
    """CPU milliseconds per document of one pass."""
    start = time.process_time()
    for rel, doc in docs:
        call(rel, doc)
    return (time.process_time() - start) * 1000 / len(docs)


def same_outputs(old: Labeller, new: Labeller, docs: list[tuple[str, Extracted]]) -> int:
    """How many documents get a different label from the two versions (expected: 0)."""
    old_parts, new_parts = parts(old), parts(new)
    differ = 0
    for rel, doc in docs:
        differ += any(repr(old_parts[p](rel, doc)) != repr(new_parts[p](rel, doc)) for p in old_parts)
    return differ


def run(rounds: int, docs: list[tuple[str, Extracted]], old: Labeller, new: Labeller) -> list[list[object]]:
    """Table rows: per part, old and new medians over `rounds` alternating rounds, and their ratio."""
    timings: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for labeller in (old, new):
            calls = parts(labeller)
            for cold_part in ("derive_metadata", "match_all"):
                forget_caches(labeller)
                timings.setdefault((f"{cold_part} (cold caches)", labeller.name), []).append(
                    cpu_ms_per_doc(calls[cold_part], docs))
            for name, call in calls.items():
                timings.setdefault((name, labeller.name), []).append(cpu_ms_per_doc(call, docs))
    rows = []
    for part in dict.fromkeys(key[0] for key in timings):
        before = summary(timings[(part, "old")])["median"]
        after = summary(timings[(part, "new")])["median"]
        rows.append([part, len(docs), before, after, f"{after / before:.2f}"])
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old labelling code")
    parser.add_argument("--bench-data", type=Path, default=BENCH_DATA, help="folder of extra *.txt documents")
    parser.add_argument("--also", type=Path, help="a folder of documents of any supported type to add")
    args = parser.parse_args(argv)
    if args.also and not args.also.is_dir():
        raise SystemExit(f"--also {args.also}: no such folder")
    docs = documents(args.bench_data, args.also)
    with tempfile.TemporaryDirectory() as folder:
        old, new = baseline_labeller(args.baseline, Path(folder)), current_labeller()
        differ = same_outputs(old, new, docs)
        rows = run(args.rounds, docs, old, new)
    title = f"Labelling CPU per document, median of {args.rounds} rounds (old = {args.baseline[:10]})"
    print(render(title, COLUMNS, rows))
    print(f"Documents whose labels differ between old and new: {differ} of {len(docs)}")


if __name__ == "__main__":
    main()
