"""The published archive in a real browser: Debian's Chromium driven by Playwright against
`archive serve` on 127.0.0.1, walking the tasks a researcher does, in clicks. Every test runs
twice: on the archive as `archive.db` and as `other-name.db` (the site must not depend on the
file name). Screenshots go to test-artifacts/ (README shows copies)."""

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import CHROMIUM, ROOT, serving

pytestmark = pytest.mark.browser

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
BROWSE_VIEWS = [
    "meetings_browse",
    "articles_browse",
    "persons_browse",
    "participations",
    "who_met_whom",
    "meeting_places",
    "topics_by_year",
]
JSON_ARRAY_TEXT = re.compile(r'\[\s*"|"\s*\]')


@pytest.fixture(scope="module", params=["archive.db", "other-name.db"])
def site(request, built_db, tmp_path_factory):
    """`archive serve --db <name>` on a copy of the built archive with that file name."""
    copy = tmp_path_factory.mktemp("served") / request.param
    shutil.copy(built_db, copy)
    with serving(copy) as base:
        yield base, request.param == "archive.db"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab on the site, collecting JavaScript and console errors."""

    def __init__(self, browser, site):
        self.base, self.shots = site
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self.console)

    def console(self, message) -> None:
        """Console errors from the site itself (a map tile from a third-party host that
        cannot be reached offline is not the site's error)."""
        if message.type == "error" and message.location.get("url", "").startswith(self.base):
            self.errors.append(message.text)

    def open(self, path: str):
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page

    def click(self, selector: str):
        self.page.click(selector)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name: str) -> None:
        if self.shots:  # one set of screenshots, from the archive.db run
            self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def text(self, selector: str = "body") -> str:
        return self.page.inner_text(selector)


@pytest.fixture
def visit(browser, site):  # browser first: without Chromium, fail before serving
    tab = Visit(browser, site)
    yield tab
    tab.page.close()
    assert not tab.errors, tab.errors


def test_home_page_offers_questions_search_and_browsing(visit):
    visit.open("/")
    visit.shot("home")
    text = visit.text()
    assert "Vietnam–China Security Cooperation Archive" in text
    assert "When did Tô Lâm meet Chinese officials, and about what?" in text
    assert visit.page.locator("form.archive-search input[name=q]").count() == 1


def test_a_new_user_answers_the_question_from_the_home_page(visit):
    """Home → one click → who Tô Lâm met from China, when, holding which post, about what."""
    visit.open("/")
    visit.click("text=When did Tô Lâm meet Chinese officials, and about what?")
    visit.shot("question")
    answer = visit.text("table.rows-and-columns")
    assert "Quách Thanh Côn" in answer and "2017-01-13" in answer and "Talks" in answer
    assert "Minister, Ministry of Public Security" in answer and "Counter-terrorism" in answer
    assert "Trần Văn Thanh" in answer and not JSON_ARRAY_TEXT.search(answer)


def test_from_home_to_the_sentence_in_clicks(visit):
    """Home → Tô Lâm's meetings with China → the Chinese counterpart's page → the meeting →
    the source article, scrolled to the sentence, highlighted."""
    visit.open("/")
    visit.click("text=When did Tô Lâm meet Chinese officials, and about what?")
    visit.click("table.rows-and-columns td.col-person_b a:text-is('Quách Thanh Côn')")
    assert visit.page.locator("h1").inner_text() == "Quách Thanh Côn"
    visit.shot("person")
    visit.click("table.person-meetings a:text-is('2017-01-13')")
    meeting = visit.text()
    assert "Talks" in meeting and "Bắc Kinh" in meeting and "Beijing" in meeting
    assert "CN China" in meeting and "VN Vietnam" in meeting and "Tô Lâm" in meeting
    visit.shot("meeting")
    visit.click("table.sources a")
    focus = visit.page.locator("span.focus")
    assert "hội đàm" in " ".join(focus.all_inner_texts())
    assert "Quách Thanh Côn" in visit.text("blockquote.sentence")
    assert focus.first.is_visible() and visit.page.url.endswith("#focus")
    visit.page.evaluate("document.getElementById('focus').scrollIntoView({block: 'center'})")
    visit.shot("article")


def test_article_page_is_readable(visit):
    visit.open("/archive/articles_browse")
    visit.click("td.col-title a >> nth=0")
    title = visit.page.locator("h1.article-title")
    assert title.bounding_box()["height"] < 150  # a headline, not one word a line
    body = visit.page.locator("div.article-text").first
    assert body.bounding_box()["y"] < 900 and len(body.inner_text()) > 500
    assert visit.page.locator("mark.fact").count() > 5
    assert "sha256" not in visit.text(".archive-meta")


@pytest.mark.parametrize("typed", ["ma tuy", "hoà"])
def test_one_search_box_forgives_diacritics(visit, typed):
    visit.open("/")
    visit.page.fill("form.archive-search input[name=q]", typed)
    visit.click("form.archive-search input[type=submit]")
    hits = visit.page.locator(".article-hit")
    assert hits.count() >= 1
    marked = {m.lower() for m in visit.page.locator(".article-hit mark").all_inner_texts()}
    expected = {"ma tuy": {"ma", "túy"}, "hoà": {"hòa"}}[typed]
    assert expected <= marked, marked
    if typed == "ma tuy":
        visit.shot("search")
    visit.click(".article-hit a >> nth=0")
    assert visit.page.locator("h1.article-title").count() == 1


def test_who_met_whom_takes_a_country_name_with_labelled_fields(visit):
    visit.open("/archive/find_who_met_whom?a=" + quote("Tô Lâm") + "&b=China")
    labels = " ".join(visit.page.locator("form.sql label").all_inner_texts())
    assert "Person" in labels and "country" in labels
    answer = visit.text("table.rows-and-columns")
    assert "Quách Thanh Côn" in answer and "Vương Ninh" in answer


@pytest.mark.parametrize("view", BROWSE_VIEWS)
def test_browse_pages_show_no_raw_json(visit, view):
    visit.open(f"/archive/{view}")
    text = visit.text()
    assert not JSON_ARRAY_TEXT.search(text), JSON_ARRAY_TEXT.search(text)
    assert "(array)" not in text


def test_faceted_meetings_link_to_people(visit):
    visit.open("/archive/meetings_browse?participants__arraycontains=" + quote("Tô Lâm"))
    visit.shot("meetings-faceted")
    text = visit.text()
    assert '3 rows where participants contains "Tô Lâm"' in text  # 13/1: two calls, one line
    assert "year not stated" in visit.text(".facet-info[data-column=year]")
    links = visit.page.locator("td.col-participants a").all_inner_texts()
    assert "Quách Thanh Côn" in links and "Tô Lâm" in links


def test_a_partial_date_reads_as_the_text_gives_it(visit):
    """`Tối 13/1` with no year anywhere: shown as `13/1, year not stated`, on the browse view
    and on the meeting's page, never as an empty date."""
    visit.open("/archive/meetings_browse?participants__arraycontains=" + quote("Trần Văn Thanh"))
    assert visit.text("td.col-when") == "13/1, year not stated"
    visit.click("td.col-meeting_id a")
    assert "13/1, year not stated" in visit.text("h1")
    assert "The text gives the day and month only" in visit.text(".archive-meta")


def test_database_page_puts_questions_and_browsing_first(visit):
    visit.open("/archive")
    text = visit.text()
    assert text.index("Questions") < text.index("Browse") < text.index("Tables")
    sql = visit.page.locator("textarea#sql-editor").input_value()
    assert "meetings_browse" in sql and "article_credits" not in sql


def test_dashboard_counts_meetings_with_whole_number_axes(visit):
    visit.open("/-/dashboards/overview")
    visit.shot("dashboard")
    text = visit.text()
    assert "Meetings per year by kind" in text and "year not stated" in text
    ticks = visit.page.locator("svg text").all_text_contents()
    assert "0" in ticks and "1" in ticks and "2" in ticks
    assert not [t for t in ticks if re.fullmatch(r"\d+\.\d+", t.strip())], ticks
