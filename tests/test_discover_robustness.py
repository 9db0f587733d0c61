"""Hostile folder shapes and partial runs: link loops, unreadable folders, indexing a sub-folder or one file."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.pipeline import run_index
from tests.conftest import GOOD_FILES, REPO, make_settings, write_corpus



def _stored(settings) -> dict[str, list[str]]:
    """Every document of the index: its path -> all its paths."""
    ix = whoosh_index.open_dir(str(settings.index_dir))
    with ix.searcher() as s:
        return {d["path"]: sorted(d["paths"]) for d in s.all_stored_fields()}


def test_symlink_loops_are_reported_and_the_rest_is_indexed(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    os.symlink("loopB", corpus / "communiques" / "loopA")
    os.symlink("loopA", corpus / "communiques" / "loopB")
    os.symlink("..", corpus / "rapports" / "up")  # a folder link back to an ancestor
    report = run_index(make_settings(corpus, tmp_path / "index"))
    skipped = dict(report.skipped)
    assert skipped["communiques/loopA"] == skipped["communiques/loopB"] == "symbolic link loop"
    assert skipped["rapports/up"] == "symbolic link to a folder (not followed)"
    assert sorted(report.new) == GOOD_FILES
    assert report.documents == 6


def test_indexing_a_sub_folder_or_one_file_leaves_the_rest_of_the_index(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "index")
    run_index(settings)
    before = _stored(settings)
    sub = run_index(settings, [corpus / "communiques"])
    assert (sub.new, sub.updated, sub.removed, sub.unchanged, sub.documents) == ([], [], [], 2, 6)
    one = run_index(settings, [corpus / "rapports" / "annual-report-2020.txt"])
    assert (one.new, one.updated, one.removed, one.unchanged, one.documents) == ([], [], [], 1, 6)
    assert _stored(settings) == before  # same documents, paths still relative to the corpus root
    (corpus / "communiques" / "marhaba-2021-ar.txt").unlink()
    (corpus / "rapports" / "taqrir-2017-ar.html").unlink()
    gone = run_index(settings, [corpus / "communiques"])
    assert gone.removed == ["communiques/marhaba-2021-ar.txt"]  # the other folder was not scanned
    assert "rapports/taqrir-2017-ar.html" in _stored(settings)
    assert run_index(settings).removed == ["rapports/taqrir-2017-ar.html"]


def test_a_sub_folder_run_keeps_a_duplicate_outside_it_among_the_paths(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(corpus, tmp_path / "index")
    run_index(settings)
    (corpus / "communiques" / "marhaba-2019.html").unlink()
    report = run_index(settings, [corpus / "communiques"])
    assert report.removed == ["communiques/marhaba-2019.html"]
    assert (report.new, report.updated, report.duplicates) == ([], [], [])
    assert _stored(settings)["copies/marhaba-2019-copie.html"] == ["copies/marhaba-2019-copie.html"]
    full = run_index(settings)  # the full run finds the index already right
    assert (full.new, full.updated, full.removed, full.extracted) == ([], [], [], 0)


def test_a_root_given_on_the_command_line_keys_its_sub_folders_the_same(tmp_path: Path):
    corpus = write_corpus(tmp_path / "archive")
    settings = make_settings(tmp_path / "elsewhere", tmp_path / "index", taxonomy=corpus / "taxonomy.toml")
    run_index(settings, [corpus])
    before = _stored(settings)
    report = run_index(settings, [corpus / "rapports"])
    assert (report.updated, report.removed, report.unchanged) == ([], [], 2)
    assert _stored(settings) == before


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path):
    """Runs everywhere, also as root: a folder whose absolute path is too long to be opened."""
    corpus = write_corpus(tmp_path / "corpus")
    fd = os.open(corpus / "rapports", os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 250 characters: past PATH_MAX (4096)
            os.mkdir("d" * 250, dir_fd=fd)
            fd, parent = os.open("d" * 250, os.O_RDONLY, dir_fd=fd), fd
            os.close(parent)
    finally:
        os.close(fd)
    report = run_index(make_settings(corpus, tmp_path / "index"))
    reasons = [(p, r) for p, r in report.skipped if r.startswith("cannot read folder")]
    assert len(reasons) == 1 and "name too long" in reasons[0][1]
    assert reasons[0][0].startswith("rapports/" + "d" * 250 + "/")
    assert sorted(report.new) == GOOD_FILES
    shutil.rmtree(corpus / "rapports" / ("d" * 250))


def _unprivileged(tmp_path: Path) -> list[str]:
    """A command prefix under which a mode-000 folder cannot be read, or skip when there is none."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    probe = tmp_path / "probe"
    probe.mkdir(mode=0)
    try:
        out = subprocess.run([*prefix, "ls", str(probe)], capture_output=True, timeout=30)
    except OSError:
        pytest.skip("running as root and setpriv is not available to drop the permission override")
    finally:
        probe.rmdir()
    if out.returncode == 0 or b"ermission denied" not in out.stderr:
        pytest.skip("running as root and cannot drop the permission override")
    return prefix


def test_documents_of_an_unreadable_folder_are_kept_and_reported(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    prefix = _unprivileged(tmp_path)
    config = tmp_path / "arshif.toml"
    config.write_text(
        f'corpus = ["{corpus}"]\ntaxonomy = "{corpus / "taxonomy.toml"}"\ncache_dir = "{tmp_path / "cache"}"\n'
        f'index_dir = "{tmp_path / "index"}"\nworkers = 1\nocr = false\n',
        encoding="utf-8",
    )
    command = [*prefix, sys.executable, "-m", "indexer.cli", "--config", str(config), "index", "--json"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}

    def index() -> dict:
        out = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert index()["documents"] == 6
    locked = corpus / "conventions"
    locked.chmod(0)
    try:
        report = index()
    finally:
        locked.chmod(0o755)
    assert report["removed"] == [] and report["documents"] == 6
    assert ["conventions", "cannot read folder: Permission denied"] in report["skipped"]
    assert report["kept"] == [
        ["conventions/amuddu-enabel-2018.txt", "kept in the index, not readable now (conventions: cannot read folder: Permission denied)"]
    ]
    again = index()  # readable again: nothing to redo
    assert (again["new"], again["updated"], again["removed"], again["kept"]) == ([], [], [], [])
    assert again["unchanged"] == 7
