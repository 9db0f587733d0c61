"""Dates and titles of real documents from ../shared/realdocs that an audit found wrong (skipped without it).

The same rules are tested on our own sentences in tests/test_dates.py and tests/test_metadata.py.
"""
from __future__ import annotations

import pytest

from indexer.extract import extract
from indexer.metadata import choose_date, choose_title
from tests.conftest import REALDOCS


def _labels(rel: str) -> tuple[str | None, str]:
    """(date, title) of a realdocs file as derive_metadata chooses them."""
    path = REALDOCS / rel
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    extracted = extract(path, ocr=False)
    found, _ = choose_date(extracted, rel)
    return (found.iso if found else None), choose_title(extracted, rel)[0]


@pytest.mark.parametrize(
    ("rel", "date"),
    [
        # "يومي 25 و26 يونيو 2019", not "حدود 4 يونيو 1967"
        ("archive/news-ar/febrayer-0001.txt", "2019-06-26"),
        # "30 septembre 2018" under the byline, not "Article mis à jour le 7 janvier 2020"
        ("archive/web/regards.fr.enquetes.html", "2018-09-30"),
        # a footballer's birth date ("Né le 10 mars 1981") in a 2019 article
        ("archive/news-fr/bbc-sports-49641323.txt", "2019-09-07"),
    ],
)
def test_real_document_dates(rel: str, date: str) -> None:
    assert _labels(rel)[0] == date


@pytest.mark.parametrize(
    ("rel", "title"),
    [
        ("morocco-strategy-pdfs/Stratégie-Nationale-dimmigration-et-dAsile-ilovepdf-compressed.pdf",
         "Stratégie Nationale d’Immigration et d’Asile"),
        ("html-fr-ar-trafilatura/pages/dalloz-actualite.fr.raoult.html", "Libre cours : Raoult, les nazis et moi"),
    ],
)
def test_real_document_titles(rel: str, title: str) -> None:
    assert _labels(rel)[1] == title
