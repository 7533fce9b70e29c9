"""Issue 10, item 5: publish file names come safely from table names and stay in the bundle's
folder, whatever a table is called (``../../x``, an absolute path, a hidden name, quotes)."""

import csv
import json
import shutil
import sqlite3
from pathlib import Path

from frictionless import validate

from archive.publish.tables import file_stem

from .conftest import invoke

HOSTILE = ["../../escaped", ".hidden", 'a"b]c', "x/../../../y"]


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def test_hostile_table_names_are_written_inside_the_bundle(built_db, tmp_path):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    db = work / "archive.db"
    shutil.copy(built_db, db)
    hostile = [*HOSTILE, str(tmp_path / "absolute")]  # an absolute path outside the bundle
    with sqlite3.connect(db) as conn:
        for name in hostile:
            quoted = '"' + name.replace('"', '""') + '"'
            conn.execute(f"CREATE TABLE {quoted} (id INTEGER PRIMARY KEY, note TEXT)")
            conn.execute(f"INSERT INTO {quoted} (note) VALUES (?)", (f"row of {name}",))
    outside = files_under(tmp_path)
    dist = work / "dist"
    invoke("publish", str(dist), "--db", str(db))
    assert {
        p for p in files_under(tmp_path) - outside if not str(p).startswith("a/b/dist")
    } == set()
    package = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    for name in hostile:
        stem = file_stem(name)
        assert "/" not in stem and not stem.startswith(".") and f"{stem}.csv" in paths
        with (dist / f"{stem}.csv").open(encoding="utf-8", newline="") as handle:
            assert list(csv.reader(handle)) == [["id", "note"], ["1", f"row of {name}"]]
    assert file_stem("meetings_browse") == "meetings_browse"
    assert validate(dist / "datapackage.json").valid


def test_two_tables_that_would_share_files_are_refused(built_db, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(built_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute('CREATE TABLE ".notes" (id INTEGER PRIMARY KEY)')
        conn.execute(f'CREATE TABLE "{file_stem(".notes")}" (id INTEGER PRIMARY KEY)')
    result = invoke("publish", str(tmp_path / "dist"), "--db", str(db), expect=1)
    assert "would be written to the same files" in result.output
    assert not (tmp_path / "dist" / "datapackage.json").exists()
