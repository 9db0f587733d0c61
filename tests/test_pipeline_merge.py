"""The writer's merge policy folds small and mostly deleted segments and never re-writes big ones."""
from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import writer as writer_mod
from indexer.writer import IndexWriter
from search import schema as schema_mod
from tests.test_pipeline_analysis import _record


def _segments(ix_dir: Path) -> list[tuple[int, int]]:
    """(documents, live documents) per segment, smallest first."""
    ix = whoosh_index.open_dir(str(ix_dir))
    return sorted((s.doc_count_all(), s.doc_count()) for s in ix._segments())


def _commit(ix_dir: Path, ids: range, delete: tuple[str, ...] = ()) -> None:
    ix = whoosh_index.open_dir(str(ix_dir))
    with IndexWriter(ix) as writer:
        writer.delete_ids(list(delete) + [f"doc{i:04d}" for i in ids])
        for i in ids:
            writer.add(_record(i, f"Titre {i}", f"Rapport numéro {i} sur la coopération régionale."))


@pytest.fixture()
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(writer_mod, "MERGE_SMALL_DOCS", 5)
    monkeypatch.setattr(writer_mod, "MERGE_SMALL_COUNT", 3)
    return 5


def test_small_segments_fold_into_the_next_commit_and_big_ones_stay(tmp_path: Path, small_threshold: int) -> None:
    whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    for batch in range(3):
        _commit(tmp_path, range(batch * 6, batch * 6 + 6))
    assert _segments(tmp_path) == [(6, 6), (6, 6), (6, 6)]
    for i in range(18, 21):  # three one-document runs: small segments pile up to MERGE_SMALL_COUNT
        _commit(tmp_path, range(i, i + 1))
    assert _segments(tmp_path) == [(1, 1), (1, 1), (1, 1), (6, 6), (6, 6), (6, 6)]
    _commit(tmp_path, range(21, 22))  # ... and then fold into the next commit's segment
    assert _segments(tmp_path) == [(4, 4), (6, 6), (6, 6), (6, 6)]
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 22


def test_a_mostly_deleted_segment_is_rewritten_without_its_deleted_documents(
    tmp_path: Path, small_threshold: int
) -> None:
    whoosh_index.create_in(str(tmp_path), schema_mod.build_schema())
    _commit(tmp_path, range(0, 6))
    _commit(tmp_path, range(6, 12))
    _commit(tmp_path, range(12, 13), delete=tuple(f"doc{i:04d}" for i in range(4)))  # 4 of 6 deleted
    assert _segments(tmp_path) == [(3, 3), (6, 6)]
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 9
