"""The real app in a real headless Chromium (Debian's), over the tiny archive: what a user clicks through."""
from __future__ import annotations

import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _chromium() -> str:
    """The browser binary, or a failure telling how to install it (these tests are never skipped)."""
    path = CHROMIUM if CHROMIUM.exists() else (Path(shutil.which("chromium")) if shutil.which("chromium") else None)
    if path is None:
        pytest.fail("Chromium is missing: install it with 'apt-get install -y chromium' (.ci/run does)", pytrace=False)
    return str(path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(indexed):
    """The app served by waitress on a free local port, in a thread, for the module."""
    from waitress.server import create_server

    from web import create_app

    settings, _ = indexed
    app = create_app(settings=settings)
    srv = create_server(app, host="127.0.0.1", port=_free_port(), threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(base_url=server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert problems == [], f"browser errors (CSP violations, scripts): {problems}"


def _checked(page, selector: str) -> list[str]:
    return page.locator(f"{selector} [role=checkbox][aria-checked=true] .label").all_inner_texts()


def test_arabic_query_two_facets_year_drilldown_document_and_arabic_ui(page):
    page.goto("/search")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.fill("#q", "المهاجرين")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=%D8%A7%D9%84"))
    assert page.locator("#q").input_value() == "المهاجرين"
    snippets = page.locator("p.snippet[dir=rtl] mark")
    assert snippets.count() >= 1

    page.goto("/search")
    page.click("section[data-facet=lang] a.value:has-text('Français')")
    page.click("section[data-facet=lang] a.value:has-text('Anglais')")
    assert sorted(_checked(page, "section[data-facet=lang]")) == ["Anglais", "Français"]
    assert page.locator("ol.hits > li").count() == 4  # fr OR en
    assert page.locator(".chip").count() == 2

    page.click("ol.histogram a.col:has(.year:text-is('2019'))")
    assert page.locator("ol.histogram.months a.col").count() == 1
    assert page.locator("ol.hits > li").count() == 1

    page.click("ol.hits h2 a")
    page.wait_for_url(re.compile(r"/doc/"))
    assert "Marhaba" in page.locator("h1").inner_text()
    assert page.locator("a[download]").first.get_attribute("href").endswith("/file")

    page.click("nav.ui-langs a[lang=ar]")
    page.wait_for_load_state()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert "وثائق مشابهة" in page.locator("#similar-title").inner_text()
    page.goto("/search")  # remembered by the cookie
    assert page.locator("html").get_attribute("dir") == "rtl"
    start = page.locator("aside.facets").bounding_box()["x"]
    assert start < page.locator("section.results").bounding_box()["x"]  # mirrored: filters on the left in Arabic


def test_facet_filter_box_and_keyboard(page):
    page.goto("/search?ui=fr")
    box = page.locator("section[data-facet=partner] input.facet-filter")
    box.fill("ena")
    expect(page.locator("section[data-facet=partner] a.value")).to_have_count(1)  # no eval: the CSP forbids it
    assert page.locator("section[data-facet=partner] a.value .label").inner_text() == "Enabel"
    page.goto("/search")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    first = page.locator("section[data-facet=type] a.value").first
    first.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"type="))
    assert page.locator("section[data-facet=type] a[aria-checked=true]").count() == 1


def test_phone_width_stacks_the_filters(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("/search?q=migrants")
    facets = page.locator("aside.facets").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert facets["width"] > 300 and results["width"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    context.close()
