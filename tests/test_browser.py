"""The published archive in a real browser: Debian's Chromium driven by Playwright against
`archive serve` on 127.0.0.1. Screenshots go to test-artifacts/ (README shows copies)."""

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Playwright gives every launch a fresh temporary --user-data-dir of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def person_id(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id FROM persons WHERE name = ?", (name,)).fetchone()[0]


def watch(page) -> list[str]:
    """The JavaScript errors and console errors the page will report."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def visit(browser, url: str, shot: str):
    """Open ``url``; return the page text and the JavaScript errors seen while loading."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch(page)
    page.goto(url, wait_until="networkidle")
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    text = page.inner_text("body")
    page.close()
    return text, errors


def test_home_page(server, browser):
    text, errors = visit(browser, server + "/", "home")
    assert "Vietnam–China Security Cooperation Archive" in text
    assert "When did Tô Lâm meet Chinese officials, and about what?" in text
    assert "accent-free search" in text and not errors


def test_a_new_user_answers_the_question_from_the_home_page(server, browser):
    """Home → one click → who Tô Lâm met from China, when, holding which post, about what."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch(page)
    page.goto(server + "/", wait_until="networkidle")
    page.click("text=When did Tô Lâm meet Chinese officials, and about what?")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "question.png"))
    answer = page.inner_text("table.rows-and-columns")
    page.close()
    assert "Quách Thanh Côn" in answer and "2017-01-13" in answer and "Talks" in answer
    assert "Minister, Ministry of Public Security" in answer and "Counter-terrorism" in answer
    assert "Trần Văn Thanh" in answer and not errors


def test_faceted_meetings_page(server, browser):
    url = server + "/archive/meetings_browse?participants__arraycontains=" + quote("Tô Lâm")
    text, errors = visit(browser, url, "meetings-faceted")
    assert '2 rows where participants contains "Tô Lâm"' in text
    assert "participants (array)" in text and "Quách Thanh Côn" in text and "Talks" in text
    assert "What the 11 columns mean" in text and "The first reporting sentence." not in text
    assert not errors


def test_search_results_page(server, browser):
    """The old tone-mark spelling typed by the user finds the stored new one, highlighted."""
    url = server + "/archive/search_articles?q=" + quote("hoà bình")
    text, errors = visit(browser, url, "search")
    assert "Custom SQL query returning 4 rows" in text
    assert "[hòa] [bình]" in text and not errors


def test_person_page(server, browser, built_db):
    url = f"{server}/archive/persons/{person_id(built_db, 'Quách Thanh Côn')}"
    text, errors = visit(browser, url, "person")
    assert "Guo Shengkun" in text and "郭声琨" in text
    meetings = text[text.index("Meetings (2)") : text.index("Posts (")]
    assert "2017-01-13" in meetings and "Tô Lâm" in meetings and "Nguyễn Phú Trọng" in meetings
    assert "Who Quách Thanh Côn met, when and about what" in text and not errors


def test_dashboard(server, browser):
    text, errors = visit(browser, server + "/-/dashboards/overview", "dashboard")
    assert "Meetings per year by kind" in text and "Who met whom" in text
    assert not errors
