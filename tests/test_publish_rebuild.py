"""`archive publish` is reproducible, generic over tables and safe with its output folder."""

import json
import shutil
import sqlite3

import pytest
from frictionless import validate

from .conftest import SEEDS, invoke

RELEASE = ("--version", "2.0.0", "--released", "2026-02-01")


@pytest.fixture(scope="module")
def bundle(built_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("first") / "dist"
    invoke("publish", str(out), *RELEASE, "--db", str(built_db))
    return out


def test_a_fresh_build_republished_over_the_old_bundle_is_byte_identical(bundle, tmp_path):
    rebuilt = tmp_path / "rebuilt.db"
    invoke("build", "--seeds", str(SEEDS), "--output", str(rebuilt))
    again = tmp_path / "site"
    shutil.copytree(bundle, again)
    (again / "CNAME").write_text("archive.example.org\n")  # the host's own file stays
    (again / "dropped_table.csv").write_text("id\n")  # a previous bundle's file goes
    with (again / "SHA256SUMS").open("a") as checksums:
        checksums.write(f"{'0' * 64}  dropped_table.csv\n")
    invoke("publish", str(again), *RELEASE, "--db", str(rebuilt))
    assert (again / "SHA256SUMS").read_bytes() == (bundle / "SHA256SUMS").read_bytes()
    assert (again / "archive.db").read_bytes() == (bundle / "archive.db").read_bytes()
    assert {p.name for p in again.iterdir()} == {p.name for p in bundle.iterdir()} | {"CNAME"}


def test_another_version_changes_only_the_files_that_name_it(bundle, built_db, tmp_path):
    other = tmp_path / "other"
    invoke("publish", str(other), "--version", "2.0.1", "--db", str(built_db))
    changed = {
        path.name
        for path in bundle.iterdir()
        if path.read_bytes() != (other / path.name).read_bytes()
    }
    assert changed == {"datapackage.json", "metadata.json", "README.md", "index.html", "SHA256SUMS"}


@pytest.mark.parametrize(
    ("own_files", "named"),
    [
        ({"README.md": "my project\n"}, "README.md"),
        ({"SHA256SUMS": f"{'0' * 64}  notes.txt\n", "notes.txt": "mine\n"}, "SHA256SUMS"),
    ],
)
def test_refuses_to_overwrite_files_no_bundle_wrote(built_db, tmp_path, own_files, named):
    for name, text in own_files.items():
        (tmp_path / name).write_text(text)
    result = invoke("publish", str(tmp_path), "--db", str(built_db), expect=1)
    assert f"({named})" in result.output
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == own_files


GROWN = """
CREATE TABLE sightings (
    id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    person_id INTEGER REFERENCES persons, note TEXT, photo BLOB);
INSERT INTO sightings VALUES (1, 1, 1, 'first', x'00ff10'), (2, 2, NULL, NULL, NULL);
CREATE VIEW sightings_per_meeting AS
    SELECT meeting_id, count(*) AS sightings, json_array(min(note)) AS notes
    FROM sightings GROUP BY meeting_id;
INSERT INTO import_errors (run_id, file, reason, time) VALUES
    (1, 'seeds/broken.txt', 'empty file', '2026-01-01T00:00:00'),
    (1, 'seeds/broken.txt', 'binary data', '2026-01-02T00:00:00'),
    (1, (SELECT source_path FROM articles LIMIT 1), 'was broken once', '2026-01-01T00:00:00');
"""


@pytest.fixture(scope="module")
def grown(built_db, tmp_path_factory):
    """The seed archive with a new table and view, and a history of import errors."""
    folder = tmp_path_factory.mktemp("grown")
    db = folder / "archive.db"
    shutil.copy(built_db, db)
    with sqlite3.connect(db) as conn:
        conn.executescript(GROWN)
    invoke("publish", str(folder / "dist"), "--db", str(db))
    return folder / "dist"


def test_new_tables_and_views_are_published_with_their_keys(grown):
    report = validate(grown / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((grown / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    sightings = schemas["sightings"]
    assert sightings["primaryKey"] == ["id"]
    assert [(fk["fields"], fk["reference"]) for fk in sightings["foreignKeys"]] == [
        (["meeting_id"], {"resource": "meetings", "fields": ["id"]}),
        (["person_id"], {"resource": "persons", "fields": ["id"]}),
    ]
    assert sightings["fields"][-1] == {"name": "photo", "type": "string", "format": "binary"}
    view = {f["name"]: f["type"] for f in schemas["sightings_per_meeting"]["fields"]}
    assert view == {"meeting_id": "integer", "sightings": "integer", "notes": "array"}
    lines = (grown / "sightings.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["photo"] == "AP8Q"
    notes = (grown / "sightings_per_meeting.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["notes"] for line in notes] == [["first"], [None]]


def test_import_errors_list_each_missing_file_once_without_run_times(grown):
    rows = (grown / "import_errors.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1:] == ["2,,seeds/broken.txt,binary data,,"]  # no run, no time, no root
    with sqlite3.connect(grown / "archive.db") as conn:
        assert conn.execute("SELECT count(*) FROM import_runs").fetchone() == (0,)
