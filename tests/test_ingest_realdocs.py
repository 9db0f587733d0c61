"""Real archive files from ../shared end to end: every file indexed or reported, none hangs the run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.pipeline import run_index
from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import REALDOCS, make_settings

EDGE = REALDOCS / "pdf-edge-cases"
pytestmark = pytest.mark.skipif(not EDGE.is_dir(), reason="../shared/realdocs is not present")


@pytest.fixture(scope="module")
def edge_index(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("edge")
    shutil.copytree(EDGE, root / "edge", ignore=shutil.ignore_patterns("*.md"))
    settings = make_settings(root / "edge", root / "var" / "index", file_timeout_s=60.0)
    return settings, run_index(settings)


def test_every_edge_case_pdf_ends_indexed_or_reported(edge_index):
    settings, report = edge_index
    files = sorted(p.relative_to(settings.corpus[0]).as_posix() for p in settings.corpus[0].rglob("*.pdf"))
    failed = dict(report.failed)
    assert sorted(report.new + list(failed)) == files
    assert all(reason.strip() for reason in failed.values())
    for name in ("pdfjs/bug1250079.pdf", "pdfjs/issue15590.pdf", "tabula/encrypted.pdf"):
        assert name in failed
    assert "encrypted" in failed["tabula/encrypted.pdf"]


def test_reversed_arabic_pdfs_are_searchable_in_logical_order(edge_index):
    settings, _ = edge_index
    engine = Engine(settings.index_dir)
    paths = {h.path for h in engine.search(SearchRequest(q="الانتخابات التشريعية"), principals=None).hits}
    assert "tabula/mednine.pdf" in paths
    paths = {h.path for h in engine.search(SearchRequest(q="اسمي سلطان"), principals=None).hits}
    assert "tabula/arabic.pdf" in paths


def test_seed_publication_date_is_read(tmp_path: Path):
    seeds = REALDOCS.parent / "seeds"
    target = next((p for p in sorted(seeds.glob("*.txt")) if "Publié le 09 Oct 2023" in p.read_text(encoding="utf-8")), None)
    if target is None:
        pytest.skip("no seed with that date line")
    (tmp_path / "c").mkdir()
    shutil.copy(target, tmp_path / "c" / target.name)
    settings = make_settings(tmp_path / "c", tmp_path / "var" / "index")
    run_index(settings)
    hits = Engine(settings.index_dir).search(SearchRequest(q=""), principals=None).hits
    assert [h.date for h in hits] == ["2023-10-09"]
