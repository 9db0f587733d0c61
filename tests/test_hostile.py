"""Hostile files end as indexed or as reported failures within the limits; the rest is indexed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from search.engine import Engine
from search.request import SearchRequest
from tests import hostile
from tests.conftest import make_settings

GOOD = "Communiqué\n\nLe ministère ouvre un guichet pour les familles de retour.\n"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "archive"
    corpus.mkdir()
    outside = root / "outside.txt"
    outside.write_text("secret hors archive\n", encoding="utf-8")
    (corpus / "liens").mkdir()
    os.symlink(outside, corpus / "liens" / "dehors.txt")
    (corpus / "bombes").mkdir()
    hostile.stream_bomb_pdf(corpus / "bombes" / "flux.pdf", megabytes=1024)
    hostile.zip_bomb_docx(corpus / "bombes" / "zip.docx", megabytes=1024)
    hostile.many_pages_pdf(corpus / "bombes" / "dix-mille-pages.pdf", pages=10_000)
    hostile.deep_html(corpus / "bombes" / "profond.html")
    hostile.huge_text(corpus / "bombes" / "enorme.txt", megabytes=500)
    (corpus / "noms").mkdir()
    (corpus / "noms" / "بلاغ صحفي 2020.txt").write_text("بلاغ\n\nتعلن الوزارة عن فتح شباك جديد للأسر.\n", encoding="utf-8")
    (corpus / "noms" / "note de service.txt").write_text(GOOD, encoding="utf-8")
    settings = make_settings(corpus, root / "var" / "index", file_timeout_s=30.0, file_memory_mb=768, max_file_mb=200)
    return settings, run_index(settings)


def test_every_hostile_file_is_indexed_or_reported(hostile_run):
    settings, report = hostile_run
    failed = dict(report.failed)
    skipped = dict(report.skipped)
    assert "liens/dehors.txt" in skipped and "outside" in skipped["liens/dehors.txt"]
    assert "file too large" in failed["bombes/enorme.txt"]
    for bomb in ("bombes/flux.pdf", "bombes/zip.docx", "bombes/profond.html", "bombes/dix-mille-pages.pdf"):
        assert bomb in failed or bomb in report.new, bomb
        if bomb in failed:
            assert failed[bomb].strip()
    assert {"noms/بلاغ صحفي 2020.txt", "noms/note de service.txt"} <= set(report.new)


def test_the_rest_of_the_archive_is_searchable(hostile_run):
    settings, _ = hostile_run
    engine = Engine(settings.index_dir)
    assert engine.search(SearchRequest(q="guichet familles"), principals=None).total == 1
    assert engine.search(SearchRequest(q="شباك"), principals=None).total == 1
    assert engine.search(SearchRequest(q="secret"), principals=None).total == 0


def test_a_file_that_disappears_during_the_run_is_reported(tmp_path: Path):
    corpus = tmp_path / "archive"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"a{i}.txt").write_text(GOOD.replace("familles", f"familles{i}"), encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    doomed = corpus / "a3.txt"

    def remove_later_file(done: int, total: int, pages: int, path: str) -> None:
        if doomed.exists():
            doomed.unlink()

    report = run_index(settings, progress=remove_later_file)
    failed = dict(report.failed)
    assert "a3.txt" in failed and ("no such file" in failed["a3.txt"].lower() or "unreadable" in failed["a3.txt"])
    assert sorted(report.new) == ["a0.txt", "a1.txt", "a2.txt"]
    again = run_index(settings)
    assert again.removed == [] and again.failed == []  # a vanished failure is simply gone
