"""Generate a synthetic archive of N French/Arabic text documents for scale benchmarks (deterministic).

Vocabulary comes from real text read at run time (../shared/realdocs news and QA passages, and the
sample corpus), never stored in the repo. Facet values (programs, partners, regions, types) follow a
Zipf distribution and are written into the text as taxonomy aliases, so the real metadata step finds
them; dates spread over 20 years; lengths follow a log-normal law clipped to 100–5,000 words.

    python benchmarks/gen_corpus.py OUT_DIR --docs 10000 [--seed 7] [--words 400]
"""
from __future__ import annotations

import argparse
import csv
import functools
import itertools
import json
import math
import random
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDOCS = REPO.parent / "shared" / "realdocs"
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
ARABIC = re.compile(r"[\u0600-\u06ff]")
FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
TAXONOMY_NAME = "_taxonomy.toml"  # underscore: discovery skips it
AR_MONTHS = "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر".split()


def _texts_fr() -> list[str]:
    out = []
    tsv = REALDOCS / "news-fr-masakhanews"
    csv.field_size_limit(10**9)
    for name in ("fra-dev.tsv", "fra-test.tsv"):
        path = tsv / name
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                out += [" ".join(r.values()) for r in csv.DictReader(fh, delimiter="\t")]
    piaf = REALDOCS / "qa-ir" / "piaf-fr"
    for path in sorted(piaf.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [p["context"] for art in data["data"] for p in art["paragraphs"]]
    return out


def _texts_ar() -> list[str]:
    out = []
    jsonl = REALDOCS / "news-ar-saudinewsnet" / "saudinewsnet-subset.jsonl"
    if jsonl.exists():
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            out.append(str(row.get("content") or row.get("text") or ""))
    for sub in ("arcd-ar", "xquad-ar"):
        for path in sorted((REALDOCS / "qa-ir" / sub).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            out += [p["context"] for art in data["data"] for p in art["paragraphs"]]
    return out


def _corpus_texts(lang: str) -> list[str]:
    out = []
    for path in sorted((REPO / "corpus").rglob("*")):
        if path.suffix in (".txt", ".html") and not any(p.startswith("_") for p in path.parts):
            text = path.read_text(encoding="utf-8", errors="ignore")
            if (len(ARABIC.findall(text)) > len(text) / 4) == (lang == "ar"):
                out.append(text)
    return out


def vocabulary(lang: str, size: int = 30000) -> tuple[list[str], list[float]]:
    """Words and cumulative Zipf-like weights (their real frequencies) for one language."""
    texts = (_texts_ar() if lang == "ar" else _texts_fr()) + _corpus_texts(lang)
    counts: Counter[str] = Counter()
    for text in texts:
        for w in WORD.findall(text):
            if (lang == "ar") == bool(ARABIC.search(w)):
                counts[w if lang == "ar" else w.lower()] += 1
    if not counts:
        sys.exit(f"no {lang} text found under {REALDOCS}; the generator needs ../shared/realdocs")
    common = counts.most_common(size)
    return [w for w, _ in common], list(itertools.accumulate(float(c) for _, c in common))


def taxonomy_text() -> str:
    """The sample taxonomy (corpus/taxonomy.toml), else the tests' tiny one."""
    path = REPO / "corpus" / "taxonomy.toml"
    if path.exists():
        return path.read_text(encoding="utf-8")
    sys.path.insert(0, str(REPO))
    from tests.conftest import TAXONOMY

    return TAXONOMY


def taxonomy_aliases(text: str) -> dict[str, list[tuple[list[str], list[str]]]]:
    """kind -> [(fr aliases, ar aliases)] from a taxonomy file's text."""
    data = tomllib.loads(text)
    out: dict[str, list[tuple[list[str], list[str]]]] = {}
    for kind in ("program", "partner", "region", "type"):
        entries = []
        for e in data.get(kind, []):
            ar = [a for a in e.get("aliases", []) if ARABIC.search(a)] or [e.get("ar", e["id"])]
            fr = [a for a in e.get("aliases", []) if not ARABIC.search(a)] or [e.get("fr", e["id"])]
            entries.append((fr, ar))
        out[kind] = entries
    return out


@functools.lru_cache(maxsize=None)
def _zipf_cum(n: int, s: float) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1 / (k + 1) ** s for k in range(n)))


def zipf_pick(rng: random.Random, n: int, s: float = 1.1) -> int:
    """Index in [0, n) with Zipf(s) probabilities (rank 0 most frequent)."""
    return rng.choices(range(n), cum_weights=_zipf_cum(n, s))[0]


def make_doc(rng: random.Random, lang: str, vocab: tuple[list[str], list[float]], tax, words: int) -> str:
    """One synthetic document: a dated title line, then paragraphs with taxonomy aliases woven in."""
    length = int(min(5000, max(100, rng.lognormvariate(math.log(words), 0.6))))
    body = rng.choices(vocab[0], cum_weights=vocab[1], k=length)
    side = 1 if lang == "ar" else 0
    for kind in ("program", "partner", "region"):
        if tax.get(kind) and rng.random() < 0.8:
            alias = rng.choice(tax[kind][zipf_pick(rng, len(tax[kind]))][side])
            body.insert(rng.randrange(len(body)), alias)
    year = 2005 + zipf_pick(rng, 20, 0.3)
    month, day = rng.randrange(12), rng.randint(1, 28)
    type_alias = rng.choice(tax["type"][zipf_pick(rng, len(tax["type"]))][side]) if tax.get("type") else ""
    if lang == "ar":
        date = f"الرباط في {day} {AR_MONTHS[month]} {year}"
    else:
        date = f"Rabat, le {day} {FR_MONTHS[month]} {year}"
    title = " ".join([type_alias] + rng.choices(vocab[0][:3000], k=6))
    paras = [" ".join(body[i : i + 80]) for i in range(0, len(body), 80)]
    return f"{title}\n\n{date}\n\n" + "\n\n".join(paras) + "\n"


def generate(out: Path, docs: int, seed: int = 7, words: int = 400, ar_share: float = 0.45) -> None:
    """Write `docs` files under `out` in folders of 1,000, and the taxonomy as `out/_taxonomy.toml`."""
    rng = random.Random(seed)
    vocabs = {"fr": vocabulary("fr"), "ar": vocabulary("ar")}
    text = taxonomy_text()
    out.mkdir(parents=True, exist_ok=True)
    (out / TAXONOMY_NAME).write_text(text, encoding="utf-8")
    tax = taxonomy_aliases(text)
    for i in range(docs):
        lang = "ar" if rng.random() < ar_share else "fr"
        folder = out / f"{i // 1000:04d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc-{i:06d}-{lang}.txt").write_text(make_doc(rng, lang, vocabs[lang], tax, words), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--words", type=int, default=400, help="median length in words")
    args = parser.parse_args()
    generate(args.out, args.docs, args.seed, args.words)
    print(f"wrote {args.docs} documents to {args.out}")


if __name__ == "__main__":
    main()
