"""`archive publish` on the archive built from seeds/: the bundle holds every promised file,
validates with Frictionless (foreign keys included), loads back with the database's counts,
opens in Datasette, and its README's examples run."""

import asyncio
import csv
import hashlib
import json
import re
import shutil
import sqlite3

import pytest
import yaml
from datasette.app import Datasette
from frictionless import validate

from archive.datasette import metadata_path

from .conftest import invoke

FIXED_FILES = {
    "archive.db",
    "inspect-data.json",
    "metadata.json",
    "datapackage.json",
    "README.md",
    "index.html",
    "SHA256SUMS",
}


@pytest.fixture(scope="module")
def bundle(built_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "dist"
    args = ("--version", "1.2.3", "--released", "2026-01-15", "--db", str(built_db))
    invoke("publish", str(out), *args)
    return out


@pytest.fixture(scope="module")
def package(bundle):
    return json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))


def resource(package, name):
    return next(r for r in package["resources"] if r["name"] == name)


def csv_tables(package):
    return [r["name"] for r in package["resources"] if r["format"] == "csv"]


def errors(report):
    return report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_bundle_holds_the_promised_files_and_their_checksums(bundle, package):
    per_table = {f"{t}.{suffix}" for t in csv_tables(package) for suffix in ("csv", "jsonl")}
    files = {path.name for path in bundle.iterdir()}
    assert files == FIXED_FILES | per_table
    listed = dict(
        reversed(line.split("  ")) for line in (bundle / "SHA256SUMS").read_text().splitlines()
    )
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name


def test_every_user_facing_table_and_view_is_published_and_nothing_internal(package):
    published = set(csv_tables(package))
    configured = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
    tables = configured["databases"]["archive"]["tables"]
    shown = {name for name, config in tables.items() if not config.get("hidden")}
    assert shown <= published
    assert {"articles", "meetings", "who_met_whom", "evidence", "import_errors"} <= published
    internal = {"import_runs", "alembic_version", "search_facts", "sqlite_stat1"}
    assert not published & internal
    assert not {name for name in published if "_fts" in name}


def test_datapackage_validates_with_foreign_keys(bundle, package):
    report = validate(bundle / "datapackage.json")
    assert report.valid, errors(report)[:5]
    assert (package["version"], package["created"]) == ("1.2.3", "2026-01-15T00:00:00Z")
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    participants = resource(package, "meeting_participants")
    references = {fk["reference"]["resource"] for fk in participants["schema"]["foreignKeys"]}
    assert references == {"meetings", "persons", "articles"}
    assert resource(package, "meeting_participants-jsonl")["schema"] == participants["schema"]
    organisations = resource(package, "organisations")["schema"]
    assert {
        "fields": ["parent_id"],
        "reference": {"resource": "organisations", "fields": ["id"]},
    } in (organisations["foreignKeys"])


def test_fields_carry_types_keys_and_the_metadata_descriptions(package):
    articles = resource(package, "articles")["schema"]
    assert articles["primaryKey"] == ["id"]
    assert articles["fields"][0] == {
        "name": "id",
        "type": "integer",
        "description": "Article number.",
    }
    browse = {f["name"]: f for f in resource(package, "meetings_browse")["schema"]["fields"]}
    assert browse["participants"]["type"] == "array"
    assert browse["sources"]["type"] == "integer"
    assert browse["date"]["description"] == "Date (ISO prefix)."
    assert "primaryKey" not in resource(package, "who_met_whom")["schema"]
    places = {f["name"]: f["type"] for f in resource(package, "meeting_places")["schema"]["fields"]}
    assert places["latitude"] == "number"


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_broken_foreign_key_is_caught(bundle, tmp_path, suffix):
    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    path = broken / f"meeting_participants.{suffix}"
    if suffix == "csv":
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        rows[1][rows[0].index("person_id")] = "999999"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    else:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[0] = json.dumps({**json.loads(lines[0]), "person_id": 999999}) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    report = validate(broken / "datapackage.json")
    assert not report.valid
    found = {(task.name, error.type, error.note) for task in report.tasks for error in task.errors}
    name = "meeting_participants" + ("-jsonl" if suffix == "jsonl" else "")
    assert found == {
        (
            name,
            "foreign-key",
            'for "person_id": values "999999" not found in the lookup table "persons" as "id"',
        )
    }


def test_every_file_loads_back_with_the_database_rows(bundle, package):
    with sqlite3.connect(bundle / "archive.db") as conn:
        for table in csv_tables(package):
            (count,) = conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()
            with (bundle / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
                assert len(list(csv.DictReader(handle))) == count, table
            lines = (bundle / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
            assert len(lines) == count, table
        cursor = conn.execute("SELECT * FROM persons ORDER BY id")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor]
    jsonl = (bundle / "persons.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in jsonl] == rows
    assert any(row["name"] == "Tô Lâm" for row in rows)


def test_bundle_database_is_vacuumed_analysed_searchable_and_inspected(bundle, tmp_path):
    data = (bundle / "archive.db").read_bytes()
    with sqlite3.connect(bundle / "archive.db") as conn:
        conn.execute("VACUUM INTO ?", (str(tmp_path / "again.db"),))
    # Vacuuming again changes nothing but the header's change counters.
    assert (tmp_path / "again.db").read_bytes()[100:] == data[100:]
    inspect = json.loads((bundle / "inspect-data.json").read_text(encoding="utf-8"))["archive"]
    assert inspect["hash"] == hashlib.sha256(data).hexdigest()
    assert inspect["file"] == "archive.db"
    assert data[18:20] == b"\x01\x01"  # rollback journal, not WAL
    with sqlite3.connect(bundle / "archive.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM import_runs").fetchone() == (0,)
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        hits = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Trung'"
        assert conn.execute(hits).fetchone()[0] > 0
    assert inspect["tables"]["articles"]["count"] == articles


def test_bundle_database_opens_in_datasette(bundle):
    metadata = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    inspect = json.loads((bundle / "inspect-data.json").read_text(encoding="utf-8"))
    ds = Datasette(
        [], immutables=[str(bundle / "archive.db")], metadata=metadata, inspect_data=inspect
    )

    async def get(path):
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        return response.json()

    pairs = asyncio.run(get("/archive/who_met_whom.json?_shape=array"))
    assert any(r["person_b"] == "Tô Lâm" for r in pairs)
    found = asyncio.run(get("/archive/articles.json?_search=Tô+Lâm&_shape=array&_col=title"))
    assert found
    assert asyncio.run(get("/-/metadata.json"))["about"] == "Release 1.2.3, 2026-01-15"


def test_readme_tells_counts_citation_and_queries_that_run(bundle):
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    with sqlite3.connect(bundle / "archive.db") as conn:
        (meetings,) = conn.execute("SELECT count(*) FROM meetings").fetchone()
        assert f"| `meetings.csv`, `meetings.jsonl` | table | {meetings} |" in readme
        assert "release 1.2.3 (2026-01-15)" in readme
        for needle in ("pd.read_csv", "datasette serve -i archive.db", "CORS", "sha256sum -c"):
            assert needle in readme, needle
        (query,) = re.findall(r'sqlite3 archive\.db "([^"]+)"', readme)
        assert conn.execute(query).fetchall()


def test_index_opens_the_database_in_datasette_lite(bundle, package):
    page = (bundle / "index.html").read_text(encoding="utf-8")
    assert "https://lite.datasette.io/" in page
    assert 'new URL("archive.db", here)' in page and 'new URL("metadata.json", here)' in page
    assert "Access-Control-Allow-Origin" in page
    for table in csv_tables(package):
        assert f'href="{table}.csv"' in page
