"""A file dropped into a watched folder becomes searchable without a manual run."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from indexer.watch import watch
from search.engine import Engine
from search.request import SearchRequest
from tests.conftest import make_settings, write_corpus


def test_new_file_is_indexed_by_the_watcher(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    stop = threading.Event()
    reports = []
    thread = threading.Thread(target=watch, args=(settings,), kwargs={"interval_s": 0.3, "stop": stop, "on_report": reports.append})
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not reports and time.monotonic() < deadline:
            time.sleep(0.1)
        assert reports and len(reports[0].new) == 7
        (corpus / "communiques" / "nouveau.txt").write_text(
            "Communiqué\n\nLe guichet unique zéphyrin ouvre ses portes aux familles.\n", encoding="utf-8"
        )
        engine = Engine(settings.index_dir)
        found = 0
        while found == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
            found = engine.search(SearchRequest(q="zéphyrin"), principals=None).total
        assert found == 1
        assert any(r.new == ["communiques/nouveau.txt"] for r in reports)
    finally:
        stop.set()
        thread.join(30)
