"""``archive export-sqlite``: an archive on PostgreSQL copied into an SQLite file that
``archive serve`` publishes with the same content as the archive built from the same files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from .conftest import SEEDS, invoke, serving
from .test_import import dump
from .test_migrations import empty_postgres

pytestmark = pytest.mark.postgres

PAGES = (
    "/archive/who_met_whom.json?_shape=array&_size=max",
    "/archive/persons_browse.json?_shape=array&_size=max",
    "/archive/search_facts.json?_shape=array&_size=max",
    "/archive/articles.json?_shape=array&_size=max&_search=" + quote("hội đàm"),
)


def content(db: Path) -> dict[str, list[tuple]]:
    """Every table but the import log, ids included; roots without their fingerprints (a
    hash of where the folder lies: relative to an SQLite file, absolute on a server)."""
    copy = db.with_name(db.stem + "-content.db")
    shutil.copy(db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE import_roots SET fingerprint = NULL")
    return dump(copy)


def pages(base: str) -> list:
    return [json.load(urlopen(base + page, timeout=30)) for page in PAGES]


def test_export_from_postgresql_serves_the_same_archive(tmp_path):
    url = empty_postgres()
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    invoke("import", str(folder), "--db", url)
    exported, reference = tmp_path / "exported.db", tmp_path / "reference.db"
    result = invoke("export-sqlite", "--from", url, "--to", str(exported))
    assert "Exported 5 articles" in result.output
    invoke("import", str(folder), "--db", str(reference))
    assert content(exported) == content(reference)
    with serving(exported) as base:
        served = pages(base)
    with serving(reference) as base:
        assert served == pages(base)
    assert all(served) and len(served[3]) > 0


def test_export_refuses_a_file_that_is_not_an_archive(tmp_path):
    url = empty_postgres()
    invoke("import", str(SEEDS), "--db", url)
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    before = foreign.read_bytes()
    result = invoke("export-sqlite", "--from", url, "--to", str(foreign), expect=1)
    assert "Error:" in result.output and "not an archive database" in result.output
    assert foreign.read_bytes() == before
