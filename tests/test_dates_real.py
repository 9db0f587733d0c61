"""Dates and titles of real documents from ../shared/realdocs that an audit found wrong (skipped without it).

The same rules are tested on our own sentences in tests/test_dates.py and tests/test_metadata.py.
"""
from __future__ import annotations

import html
import re

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
        ("archive/news-ar/febrayer-0001.txt", "2019-06-26"),  # the event's days, not a historical date in the text
        ("archive/web/regards.fr.enquetes.html", "2018-09-30"),  # the publication, not the later update
        ("archive/news-fr/bbc-sports-49641323.txt", "2019-09-07"),  # the article, not a birth date in it
    ],
)
def test_real_document_dates(rel: str, date: str) -> None:
    assert _labels(rel)[0] == date


def _one(folder: str, pattern: str) -> str:
    """The realdocs path (relative) of the one file of `folder` matching `pattern`."""
    found = sorted((REALDOCS / folder).glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} under {REALDOCS / folder}")
    return found[0].relative_to(REALDOCS).as_posix()


def test_a_cover_title_over_two_lines_is_joined() -> None:
    rel = _one("morocco-strategy-pdfs", "*dimmigration*.pdf")
    title = _labels(rel)[1]
    lines = [line.strip() for line in extract(REALDOCS / rel, ocr=False).pages[0].text.splitlines() if line.strip()]
    assert title == f"{lines[0]} {lines[1]}"  # the document's own first two lines, read at run time


def test_a_site_name_after_the_title_is_dropped() -> None:
    rel = _one("html-fr-ar-trafilatura/pages", "dalloz*.html")
    title = _labels(rel)[1]
    page_title = re.search(r"<title[^>]*>(.*?)</title>", (REALDOCS / rel).read_text(encoding="utf-8", errors="replace"), re.S)
    assert page_title is not None
    head, _, site = html.unescape(page_title.group(1)).strip().rpartition(" - ")
    assert site and title == head.strip()  # the page's own title without its " - site" tail
