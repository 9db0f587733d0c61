"""The index run on a real tiny archive: outcomes, incremental re-runs, duplicates, failures, rebuilds."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.pipeline import run_index
from search import schema as schema_mod
from tests.conftest import GOOD_FILES, make_settings, write_corpus


def test_first_run_indexes_every_good_file_and_reports_the_bad_ones(indexed):
    _, report = indexed
    assert sorted(report.new) == GOOD_FILES
    failed = dict(report.failed)
    assert set(failed) == {"broken/corrupt.pdf", "broken/empty.txt"}
    assert "empty" in failed["broken/empty.txt"]
    assert "pdf" in failed["broken/corrupt.pdf"].lower()
    assert report.duplicates == [("copies/marhaba-2019-copie.html", "communiques/marhaba-2019.html")]
    assert report.documents == 6  # the duplicate is one document with two paths


def test_second_run_of_an_unchanged_folder_extracts_nothing(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    first = run_index(settings)
    assert first.extracted == 6
    again = run_index(settings)
    assert (again.new, again.updated, again.removed, again.extracted) == ([], [], [], 0)
    assert again.unchanged == 7
    assert {p for p, _ in again.failed} == {"broken/corrupt.pdf", "broken/empty.txt"}


def test_changed_and_deleted_files_are_updated_and_removed(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    target = corpus / "rapports" / "annual-report-2020.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nAddendum on consular services.\n", encoding="utf-8")
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 10**9))
    (corpus / "conventions" / "amuddu-enabel-2018.txt").unlink()
    report = run_index(settings)
    assert report.updated == ["rapports/annual-report-2020.txt"]
    assert report.removed == ["conventions/amuddu-enabel-2018.txt"]
    assert report.extracted == 1
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher() as s:
        paths = sorted(d["path"] for d in s.all_stored_fields())
    assert "conventions/amuddu-enabel-2018.txt" not in paths
    assert report.documents == len(paths) == 5


def test_touched_but_identical_file_is_not_reextracted(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    target = corpus / "communiques" / "marhaba-2021-ar.txt"
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 5 * 10**9))
    report = run_index(settings)
    assert report.extracted == 0 and report.updated == []


def test_removing_one_copy_of_a_duplicate_keeps_the_document(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    (corpus / "communiques" / "marhaba-2019.html").unlink()
    report = run_index(settings)
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher() as s:
        docs = [d for d in s.all_stored_fields() if "Marhaba 2019" in d["title"]]
    assert len(docs) == 1
    assert docs[0]["path"] == "copies/marhaba-2019-copie.html"
    assert docs[0]["paths"] == ["copies/marhaba-2019-copie.html"]
    assert report.removed == ["communiques/marhaba-2019.html"]


def test_a_stale_version_stamp_triggers_a_rebuild_with_a_reason(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    stamp = settings.index_dir / schema_mod.STAMP_FILE
    stamp.write_text('{"schema": "0", "analysis": "old"}', encoding="utf-8")
    report = run_index(settings)
    assert report.rebuilt and "version changed" in report.rebuilt
    assert len(report.new) == 7 and report.documents == 6


def test_sidecar_free_metadata_is_derived(indexed):
    settings, _ = indexed
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher() as s:
        doc = s.document(path="conventions/amuddu-enabel-2018.txt")
    assert doc["date"] == "2018-03-14"
    assert doc["lang"] == "fr"
    assert "amuddu" in doc["program"].split(",")
    assert "enabel" in doc["partner"].split(",")
    assert doc["type"] == "agreement"


def test_plain_text_is_extracted_again_and_other_formats_come_from_the_cache(tmp_path: Path):
    from indexer.state import content_hash

    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    cached = {p.name.split(".")[0] for p in Path(settings.cache_dir).rglob("*.json.gz")}
    files = [p for p in corpus.rglob("*") if p.is_file() and p.stat().st_size and p.suffix in (".txt", ".html")]
    assert {content_hash(p) for p in files if p.suffix == ".html"} <= cached
    assert not {content_hash(p) for p in files if p.suffix == ".txt"} & cached
    # a new taxonomy relabels every document: the HTML from the cache, the text extracted again
    settings.taxonomy.write_text(settings.taxonomy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run_index(settings)
    assert again.extracted == len({content_hash(p) for p in files if p.suffix == ".txt"})


def test_each_file_is_reported_once_and_failed_files_are_no_duplicates(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "broken" / "zero.docx").write_bytes(b"")  # the same (empty) content as broken/empty.txt
    settings = make_settings(corpus, tmp_path / "var" / "index")
    first = run_index(settings)
    assert [p for p, _ in first.failed] == ["broken/corrupt.pdf", "broken/empty.txt", "broken/zero.docx"]
    assert first.duplicates == [("copies/marhaba-2019-copie.html", "communiques/marhaba-2019.html")]
    (corpus / "broken" / "empty.txt").write_text("Note de service sur l'accueil des migrants.\n", encoding="utf-8")
    again = run_index(settings)  # zero.docx's content is processed again: it is still reported once
    assert again.failed == [("broken/corrupt.pdf", first.failed[0][1]), ("broken/zero.docx", "empty file")]
    assert again.new == ["broken/empty.txt"]


def test_a_year_from_the_file_name_gives_a_year_but_no_month(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "rapports").mkdir(parents=True)
    (corpus / "rapports" / "bilan annuel 2021.txt").write_text("Bilan des actions menées auprès des migrants.\n", encoding="utf-8")
    (corpus / "rapports" / "note.txt").write_text("Note publiée le 12 mars 2019 sur l'accueil.\n", encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "var" / "index")
    run_index(settings)
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher() as searcher:
        stored = {d["path"]: d for d in searcher.all_stored_fields()}
    ix.close()
    yearly = stored["rapports/bilan annuel 2021.txt"]
    assert yearly["date"] == "2021-01-01" and not yearly.get("month")  # no invented January
    assert stored["rapports/note.txt"]["month"] == "2019-03"
