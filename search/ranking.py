"""Ranking parameters, measured with benchmarks/quality.py (README-quality.md): BM25F B and K1."""
from __future__ import annotations

#: K1=0.9 was better or equal to Whoosh's 1.2 on PIAF, ARCD, XQuAD and both +10k sets.
BM25_B = 0.75
BM25_K1 = 0.9
