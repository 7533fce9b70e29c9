"""`archive publish` on the seed archive: a bundle that validates (foreign keys included),
round-trips, rebuilds byte for byte, and opens in Datasette."""

import asyncio
import csv
import json
import shutil
import sqlite3

import pytest
from datasette.app import Datasette
from frictionless import validate

from .conftest import invoke


@pytest.fixture(scope="module")
def bundle(built_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "dist"
    invoke("publish", str(out), "--version", "1.2.3", "--db", str(built_db))
    return out


def test_bundle_holds_every_promised_file(bundle):
    for name in (
        "archive.db",
        "inspect-data.json",
        "metadata.json",
        "datapackage.json",
        "README.md",
        "SHA256SUMS",
        "index.html",
        "meetings.csv",
        "meetings.jsonl",
    ):
        assert (bundle / name).is_file(), name


def test_datapackage_validates_with_foreign_keys(bundle):
    report = validate(bundle / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "1.2.3"
    participants = next(r for r in package["resources"] if r["name"] == "meeting_participants")
    references = {fk["reference"]["resource"] for fk in participants["schema"]["foreignKeys"]}
    assert references == {"meetings", "persons", "articles"}


def test_broken_foreign_key_is_caught(bundle, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    path = broken / "meeting_participants.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[1][rows[0].index("person_id")] = "999999"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = validate(broken / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_every_csv_loads_back_with_the_database_counts(bundle):
    package = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    with sqlite3.connect(bundle / "archive.db") as conn:
        for resource in package["resources"]:
            if resource["format"] != "csv":
                continue
            with (bundle / resource["path"]).open(encoding="utf-8") as handle:
                loaded = list(csv.DictReader(handle))
            (count,) = conn.execute(f"SELECT count(*) FROM [{resource['name']}]").fetchone()
            assert len(loaded) == count, resource["name"]
            jsonl = (bundle / f"{resource['name']}.jsonl").read_text(encoding="utf-8")
            assert len(jsonl.splitlines()) == count


def test_rebuild_gives_identical_checksums(bundle, built_db, tmp_path):
    again = tmp_path / "again"
    invoke("publish", str(again), "--version", "1.2.3", "--db", str(built_db))
    assert (again / "SHA256SUMS").read_text() == (bundle / "SHA256SUMS").read_text()
    listed = [line.split()[1] for line in (bundle / "SHA256SUMS").read_text().splitlines()]
    assert "archive.db" in listed and "datapackage.json" in listed


def test_bundle_database_opens_in_datasette(bundle):
    metadata = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    inspect = json.loads((bundle / "inspect-data.json").read_text(encoding="utf-8"))
    ds = Datasette(
        [], immutables=[str(bundle / "archive.db")], metadata=metadata, inspect_data=inspect
    )
    response = asyncio.run(ds.client.get("/archive/who_met_whom.json?_shape=array"))
    assert response.status_code == 200
    assert any(r["person_b"] == "Tô Lâm" for r in response.json())


def test_readme_and_index_explain_use(bundle):
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "release 1.2.3" in readme and "pd.read_csv" in readme and "CORS" in readme
    assert "| `meetings.csv`, `meetings.jsonl` |" in readme
    assert "lite.datasette.io" in (bundle / "index.html").read_text(encoding="utf-8")
