"""Accuracy, speed and memory of language detectors on real archive text (realdocs).

Run: .venv/bin/python benchmarks/language_detect.py [--limit N]
Prints one table per data set with a ratio column against langdetect (the client's named choice),
then the memory each candidate adds to a fresh process. Deterministic: langdetect is seeded and
samples are taken in file order.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"

from indexer.language import SECOND_LANG_SHARE, detect_languages, script_counts  # noqa: E402

LINGUA_FEW = ("fr", "ar", "en")
LINGUA_MANY = ("fr", "ar", "en", "es", "de", "it", "nl", "pt")


@dataclass(frozen=True)
class Sample:
    """One text with the set of languages a reader would say it is written in."""

    text: str
    expected: tuple[str, ...]  # primary first


# ---------------------------------------------------------------- data sets

def strip_html(raw: str) -> str:
    """Visible text of an HTML page, one line per block element, good enough for a benchmark."""
    raw = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?i)<(br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", raw)
    return unescape(re.sub(r"<[^>]+>", " ", raw))


def archive_rows() -> list[dict[str, str]]:
    """MANIFEST rows of the evaluation archive."""
    with open(REALDOCS / "archive" / "MANIFEST.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def archive_documents(limit: int) -> list[Sample]:
    """Whole TXT/HTML documents of the archive, labelled fr, ar or fr+ar by the MANIFEST."""
    per_lang: dict[str, list[Sample]] = {}
    for row in archive_rows():
        if row["format"] not in ("txt", "html") or not row["lang"]:
            continue
        raw = (REALDOCS / "archive" / row["path"]).read_text(encoding="utf-8", errors="replace")
        text = strip_html(raw) if row["format"] == "html" else raw
        expected = tuple(row["lang"].split("+"))
        bucket = per_lang.setdefault(row["lang"], [])
        if len(bucket) < limit:
            bucket.append(Sample(text, expected))
    return [s for bucket in per_lang.values() for s in bucket]


def archive_titles(limit: int) -> list[Sample]:
    """MANIFEST titles (headlines, 3-15 words): the short-snippet case."""
    out: dict[str, list[Sample]] = {}
    for row in archive_rows():
        if row["lang"] in ("fr", "ar") and len(row["title"]) >= 12:
            bucket = out.setdefault(row["lang"], [])
            if len(bucket) < limit:
                bucket.append(Sample(row["title"], (row["lang"],)))
    return [s for bucket in out.values() for s in bucket]


def unpc_sentences(limit: int) -> list[Sample]:
    """Aligned UN sentences: one French and one Arabic sample per line pair."""
    base = REALDOCS / "parallel-ar-fr-unpc"
    fr = (base / "UNv1.0.devset.fr").read_text(encoding="utf-8").splitlines()[:limit]
    ar = (base / "UNv1.0.devset.ar").read_text(encoding="utf-8").splitlines()[:limit]
    return [Sample(t, ("fr",)) for t in fr if t.strip()] + [Sample(t, ("ar",)) for t in ar if t.strip()]


def news_fr_headlines(limit: int) -> list[Sample]:
    """BBC Afrique headlines (MasakhaNEWS), the shortest real French snippets we have."""
    csv.field_size_limit(10**9)
    with open(REALDOCS / "news-fr-masakhanews" / "fra-test.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))[:limit]
    return [Sample(r["headline"], ("fr",)) for r in rows if r["headline"].strip()]


def english_paragraphs(limit: int) -> list[Sample]:
    """English prose paragraphs of the upstream README, DISCLAIMER and LICENSE texts (small set)."""
    files = [
        REALDOCS / "parallel-ar-fr-unpc" / "README.unpc",
        REALDOCS / "parallel-ar-fr-unpc" / "DISCLAIMER",
        REALDOCS / "stemmer-vocab" / "arabic-golden-corpus" / "LICENSE",
    ]
    out: list[Sample] = []
    for path in files:
        if not path.exists():
            continue
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            para = " ".join(para.split())
            if script_counts(para)[1] >= 60 and len(out) < limit:
                out.append(Sample(para, ("en",)))
    return out


def bilingual_pairs(limit: int) -> list[Sample]:
    """A French paragraph then its Arabic translation (Driouch site): fr+ar, the longer one primary."""
    base = REALDOCS / "morocco-driouch-migrants-cell-site"
    fr = json.loads((base / "global.fr.json").read_text(encoding="utf-8"))
    ar = json.loads((base / "global.ar.json").read_text(encoding="utf-8"))
    out: list[Sample] = []
    for key, fr_text, ar_text in _aligned_strings(fr, ar):
        if len(out) >= limit:
            break
        if len(fr_text) >= 300 and len(ar_text) >= 300:
            bigger_fr = script_counts(fr_text)[1] >= script_counts(ar_text)[0]
            out.append(Sample(f"{fr_text}\n\n{ar_text}", ("fr", "ar") if bigger_fr else ("ar", "fr")))
    return out


def french_with_arabic_quote(limit: int) -> list[Sample]:
    """A French document quoting a short Arabic title: expected fr only."""
    docs = [s for s in archive_documents(limit) if s.expected == ("fr",)][:limit]
    titles = [s.text for s in archive_titles(limit) if s.expected == ("ar",)]
    return [
        Sample(f"{d.text[:3000]}\n\n« {titles[i % len(titles)]} »\n", ("fr",))
        for i, d in enumerate(docs)
    ] if titles else []


def _aligned_strings(fr: object, ar: object, key: str = "") -> Iterable[tuple[str, str, str]]:
    """Walk two JSON trees of the same shape, yielding their string leaves side by side."""
    if isinstance(fr, dict) and isinstance(ar, dict):
        for k in fr:
            if k in ar:
                yield from _aligned_strings(fr[k], ar[k], f"{key}/{k}")
    elif isinstance(fr, list) and isinstance(ar, list):
        for i, (a, b) in enumerate(zip(fr, ar)):
            yield from _aligned_strings(a, b, f"{key}/{i}")
    elif isinstance(fr, str) and isinstance(ar, str):
        yield key, fr, ar


# ---------------------------------------------------------------- candidates

def make_langdetect() -> Callable[[str], tuple[str, ...]]:
    """langdetect with its 55 profiles, seeded; a second language when its probability >= the share."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0

    def run(text: str) -> tuple[str, ...]:
        try:
            found = detect_langs(text)
        except LangDetectException:
            return ("und",)
        return tuple(x.lang for x in found if x.prob >= SECOND_LANG_SHARE) or ("und",)

    return run


def make_lingua(codes: tuple[str, ...], low: bool) -> Callable[[str], tuple[str, ...]]:
    """lingua restricted to `codes`; high or low accuracy mode; single label."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_iso_codes_639_1(
        *[getattr(IsoCode639_1, c.upper()) for c in codes]
    )
    detector = (builder.with_low_accuracy_mode() if low else builder).build()

    def run(text: str) -> tuple[str, ...]:
        found = detector.detect_language_of(text)
        return (found.iso_code_639_1.name.lower(),) if found else ("und",)

    return run


def arshif(text: str) -> tuple[str, ...]:
    """Our detect_languages: script first, then lingua low-accuracy on Latin blocks."""
    return detect_languages(text).langs or ("und",)


CANDIDATES: dict[str, Callable[[], Callable[[str], tuple[str, ...]]]] = {
    "langdetect (seeded)": make_langdetect,
    "lingua fr/ar/en": lambda: make_lingua(LINGUA_FEW, low=False),
    "lingua fr/ar/en low": lambda: make_lingua(LINGUA_FEW, low=True),
    "lingua 8 langs low": lambda: make_lingua(LINGUA_MANY, low=True),
    "arshif detect_languages": lambda: arshif,
}
MEMORY_SNIPPETS = {
    "langdetect (seeded)": "import benchmarks.language_detect as b; f=b.make_langdetect()",
    "lingua fr/ar/en": "import benchmarks.language_detect as b; f=b.make_lingua(b.LINGUA_FEW, False)",
    "lingua fr/ar/en low": "import benchmarks.language_detect as b; f=b.make_lingua(b.LINGUA_FEW, True)",
    "lingua 8 langs low": "import benchmarks.language_detect as b; f=b.make_lingua(b.LINGUA_MANY, True)",
    "arshif detect_languages": "import benchmarks.language_detect as b; f=b.arshif",
}


# ---------------------------------------------------------------- measuring

def score(run: Callable[[str], tuple[str, ...]], samples: list[Sample]) -> tuple[float, float, float]:
    """(primary accuracy, exact language-set accuracy, median microseconds per sample)."""
    primary = exact = 0
    times: list[float] = []
    for s in samples:
        t0 = time.perf_counter()
        got = run(s.text)
        times.append((time.perf_counter() - t0) * 1e6)
        primary += got[0] == s.expected[0]
        exact += set(got) == set(s.expected)
    n = max(len(samples), 1)
    return primary / n, exact / n, statistics.median(times) if times else 0.0


def memory_mb(name: str) -> float:
    """Peak RSS (VmHWM) a fresh interpreter adds by building `name` and detecting one text, in MB."""
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "def hwm():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'): return int(line.split()[1])\n"
        "h0 = hwm()\n"
        "%s\n"
        "f('Le ministère chargé des Marocains résidant à l étranger. وزارة الخارجية')\n"
        "print((hwm() - h0) / 1024)\n"
    ) % (str(ROOT), MEMORY_SNIPPETS[name])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def print_table(title: str, samples: list[Sample], runners: dict[str, Callable[[str], tuple[str, ...]]]) -> None:
    """One table: accuracy, exact set, median time, ratios against langdetect."""
    print(f"\n## {title} (n={len(samples)})\n")
    print("| detector | primary acc | exact langs | median µs | acc ratio | speed ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    base = score(runners["langdetect (seeded)"], samples)
    for name, run in runners.items():
        acc, exact, us = base if name.startswith("langdetect") else score(run, samples)
        acc_ratio = acc / base[0] if base[0] else float("nan")
        speed = base[2] / us if us else float("nan")
        print(f"| {name} | {acc:.3f} | {exact:.3f} | {us:,.0f} | {acc_ratio:.3f} | ×{speed:.1f} |")


def minority_shares(samples: list[Sample]) -> list[float]:
    """Share of letters in the second language as detect_languages sees it, per document."""
    out = []
    for s in samples:
        info = detect_languages(s.text)
        sizes: dict[str, int] = {}
        ends = [start for _, start in info.blocks[1:]] + [len(s.text)]
        for (lang, start), end in zip(info.blocks, ends):
            a, la = script_counts(s.text[start:end])
            sizes[lang] = sizes.get(lang, 0) + a + la
        total = sum(sizes.values()) or 1
        out.append(sorted(sizes.values())[-2] / total if len(sizes) > 1 else 0.0)
    return out


def main() -> None:
    """Run every data set through every candidate and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="samples per language and data set")
    args = parser.parse_args()
    if not REALDOCS.exists():
        sys.exit(f"{REALDOCS} is missing: the benchmark needs the realdocs folder.")
    runners = {name: make() for name, make in CANDIDATES.items()}
    for run in runners.values():
        run("warm up the models")
    sets = {
        "archive titles fr/ar (short)": archive_titles(args.limit),
        "BBC Afrique headlines fr (short)": news_fr_headlines(args.limit),
        "UN sentences fr/ar": unpc_sentences(args.limit),
        "English paragraphs (licence/readme prose)": english_paragraphs(args.limit),
        "archive documents fr / ar / fr+ar": archive_documents(args.limit),
        "French doc + short Arabic quote": french_with_arabic_quote(min(args.limit, 60)),
        "bilingual FR then AR paragraph pairs": bilingual_pairs(args.limit),
    }
    for title, samples in sets.items():
        print_table(title, samples, runners)
    docs = sets["archive documents fr / ar / fr+ar"]
    mono = minority_shares([s for s in docs if len(s.expected) == 1])
    bi = minority_shares([s for s in docs if len(s.expected) == 2])
    print("\n## second-language share seen by detect_languages\n")
    print(f"monolingual docs: max {max(mono, default=0):.3f}, "
          f"99th pct {sorted(mono)[int(0.99 * (len(mono) - 1))] if mono else 0:.3f}")
    print(f"bilingual docs:   min {min(bi, default=0):.3f}, median {statistics.median(bi) if bi else 0:.3f}")
    print("\n## memory added to a fresh process (peak RSS, MB)\n")
    print("| detector | MB |")
    print("|---|---:|")
    for name in CANDIDATES:
        print(f"| {name} | {memory_mb(name):.0f} |")


if __name__ == "__main__":
    main()
