"""The bundle's index.html on a static host, in Debian's Chromium: its Datasette Lite link
points at the hosted archive.db and metadata.json, with the Datasette release pinned."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import invoke
from .test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


class StaticHost(SimpleHTTPRequestHandler):
    """A static host that allows cross-origin requests, as the bundle README asks."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def hosted(built_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("hosted") / "site"
    invoke("publish", str(out), "--version", "3.0.0", "--db", str(built_db))
    handler = functools.partial(StaticHost, directory=str(out))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/"
        server.shutdown()


def test_index_links_to_datasette_lite_with_the_hosted_files(hosted):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(hosted + "index.html")
        link = urlsplit(page.get_attribute("#open", "href"))
        browser.close()
    assert (link.scheme, link.netloc) == ("https", "lite.datasette.io")
    assert parse_qs(link.query) == {
        "url": [hosted + "archive.db"],
        "metadata": [hosted + "metadata.json"],
        "ref": [version("datasette")],
    }
    assert not errors
