"""A running engine follows the index: deletions after an incremental run, a rebuilt index after its swap."""
from __future__ import annotations

import os
import time
from pathlib import Path

from indexer.pipeline import run_index
from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import make_settings, write_corpus


def _paths(engine: Engine) -> list[str]:
    return sorted(h.path for h in engine.search(SearchRequest(q="", per_page=100), principals=None).hits)


def test_deleted_documents_disappear_without_a_restart(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    engine = Engine(settings.index_dir)
    before = _paths(engine)
    (corpus / "conventions" / "amuddu-enabel-2018.txt").unlink()
    run_index(settings)
    after = _paths(engine)
    assert "conventions/amuddu-enabel-2018.txt" in before
    assert after == [p for p in before if p != "conventions/amuddu-enabel-2018.txt"]
    assert engine.search(SearchRequest(q="AMUDDU"), principals=None).total == 0


def test_a_rebuild_is_seen_by_a_running_engine(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    engine = Engine(settings.index_dir)
    assert engine.search(SearchRequest(q="zéphyrin"), principals=None).total == 0
    (corpus / "rapports" / "nouveau.txt").write_text("Rapport\n\nLe guichet zéphyrin est ouvert.\n", encoding="utf-8")
    report = run_index(settings, rebuild=True)
    assert report.rebuilt
    assert engine.search(SearchRequest(q="zéphyrin"), principals=None).total == 1
    assert len(_paths(engine)) == report.documents


def test_a_new_generation_releases_the_old_pair_table_first(tmp_path: Path):
    """The old generation's pair hashes are dropped before the new ones are read (never both in RAM)."""
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    engine = Engine(settings.index_dir)
    first = engine.search(SearchRequest(q='"comité de pilotage"'), principals=None).total
    old = engine._facets.fast
    assert first > 0 and old._pairs is not None
    (corpus / "rapports" / "nouveau.txt").write_text("Compte rendu\n\nLe comité de pilotage a siégé.\n", encoding="utf-8")
    run_index(settings)
    assert engine.search(SearchRequest(q='"comité de pilotage"'), principals=None).total == first + 1
    assert old._pairs is None and engine._facets.fast is not old
    engine.close()


def test_a_settled_folder_is_not_listed_again_and_a_commit_is_still_seen(tmp_path: Path, monkeypatch):
    from whoosh.searching import Searcher

    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    engine = Engine(settings.index_dir)
    old = time.time() - 30
    os.utime(settings.index_dir, (old, old))  # the folder last changed 30 s ago
    checks = []
    real = Searcher.up_to_date
    monkeypatch.setattr(Searcher, "up_to_date", lambda self: checks.append(1) or real(self))
    for _ in range(3):
        assert engine.search(SearchRequest(q="zéphyrin"), principals=None).total == 0
    assert len(checks) <= 2  # once to see the settled time, then never while it stays
    (corpus / "rapports" / "nouveau.txt").write_text("Rapport\n\nLe guichet zéphyrin est ouvert.\n", encoding="utf-8")
    run_index(settings)  # the commit changes the folder's time
    assert engine.search(SearchRequest(q="zéphyrin"), principals=None).total == 1
    engine.close()
