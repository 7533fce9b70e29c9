"""The server as `archive serve` runs it: immutable with an inspect file, our settings and
templates, writes refused, and no Datasette left running when the server is terminated."""

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import yaml

from archive.datasette import SETTINGS, metadata_path, serve_command, template_dir

from .conftest import free_port, serving


def get_json(url: str):
    with urlopen(url, timeout=10) as response:
        return json.load(response)


def test_serve_command_is_immutable_with_inspect_file_and_templates(tmp_path):
    command = serve_command(tmp_path / "a.db", "127.0.0.1", 8001, tmp_path / "inspect.json")
    assert command[command.index("-i") + 1] == str(tmp_path / "a.db")
    assert command[command.index("--inspect-file") + 1] == str(tmp_path / "inspect.json")
    assert command[command.index("--template-dir") + 1] == str(template_dir())
    assert (template_dir() / "row-archive-persons.html").is_file()


def test_served_database_is_immutable_and_hashed_with_our_settings(server):
    [database] = get_json(server + "/-/databases.json")
    assert database["is_mutable"] is False and len(database["hash"]) == 64
    settings = get_json(server + "/-/settings.json")
    assert {k: settings[k] for k in SETTINGS} == SETTINGS


def test_served_archive_refuses_writes(server, built_db):
    request = Request(
        server + "/archive/topics/-/insert",
        data=b'{"row": {"slug": "x"}}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        status = urlopen(request, timeout=10).status
    except HTTPError as error:
        status = error.code
    assert status in (403, 404, 405)
    count = get_json(server + "/archive/topics.json?_size=0")["filtered_table_rows_count"]
    with sqlite3.connect(built_db) as conn:
        assert count == conn.execute("SELECT count(*) FROM topics").fetchone()[0]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(url, timeout=2)
            return
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)


def test_terminating_the_server_stops_datasette(built_db):
    port = free_port()
    code = (
        "import sys; from pathlib import Path; from archive.datasette import run_server; "
        f"sys.exit(run_server(Path({str(built_db)!r}), '127.0.0.1', {port}))"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}/-/versions.json"
    _wait_until_up(url, process)
    process.terminate()
    process.wait(timeout=20)
    time.sleep(0.5)
    try:
        urlopen(url, timeout=2)
        still_serving = True
    except OSError:
        still_serving = False
    assert not still_serving, "Datasette kept running after its parent was terminated"


def test_any_file_name_is_served_as_the_archive_with_working_links(built_db, tmp_path):
    """`archive serve --db other-name.db`: the database is still `archive`, so every link on
    the home page, every canned query and the dashboard answer."""
    copy = tmp_path / "other-name.db"
    shutil.copy(built_db, copy)
    with serving(copy) as base:
        [database] = get_json(base + "/-/databases.json")
        assert database["name"] == "archive"
        with urlopen(base + "/", timeout=10) as response:
            home = response.read().decode()
        links = {
            link.replace("&amp;", "&")
            for link in re.findall(r'href="(/[^"#]*)"', home)
            if not link.startswith("/-/static")
        }
        queries = yaml.safe_load(metadata_path().read_text("utf-8"))["databases"]["archive"]
        links |= {f"/archive/{name}" for name in queries["queries"]}
        links |= {"/-/dashboards/overview", "/-/search?q=ma+tuy"}
        assert len(links) > 15
        for link in sorted(links):
            assert urlopen(base + link, timeout=30).status == 200, link
