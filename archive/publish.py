"""Publish stage: a reproducible, validated release bundle of the archive.

``publish(db, out_dir, version)`` writes ``archive.db`` (vacuumed, analysed, search built),
``inspect-data.json``, ``metadata.json``, one CSV and one JSON Lines file per user-facing
table and view, a Frictionless ``datapackage.json``, a dataset ``README.md``, ``index.html``
(Datasette Lite) and ``SHA256SUMS``. Same input and version give byte-identical files: rows
are written in primary-key order, nothing records when the bundle was made.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from archive.datasette import metadata_path
from archive.postprocess import ensure_db_shape
from archive.publish_docs import dataset_readme, index_html

DATABASE = "archive.db"
SQLITE_TYPES = {"INTEGER": "integer", "REAL": "number", "FLOAT": "number", "NUMERIC": "number"}
INTERNAL_TABLES = ("import_runs", "alembic_version")


def load_metadata() -> dict:
    return yaml.safe_load(metadata_path().read_text(encoding="utf-8"))


def published_tables(conn: sqlite3.Connection, metadata: dict) -> list[str]:
    """Tables Datasette shows (not hidden, not full-text internals) and every view."""
    configured = metadata["databases"]["archive"]["tables"]
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY type, name"
        )
    ]
    return [
        name
        for name in names
        if not name.startswith("sqlite_")
        and "_fts" not in name
        and not configured.get(name, {}).get("hidden")
        and name not in INTERNAL_TABLES
    ]


def copy_database(source: Path, target: Path) -> None:
    """A clean copy: no import timestamps, search rebuilt, vacuumed and analysed."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as conn:
        conn.execute("DELETE FROM import_runs")
        conn.execute("UPDATE import_errors SET run_id = NULL, time = ''")
    conn.close()
    ensure_db_shape(target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("VACUUM")
    conn.execute("ANALYZE")
    conn.close()


def _order_by(conn: sqlite3.Connection, name: str) -> str:
    columns = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
    keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
    order = keys or [c[1] for c in columns]
    return ", ".join(f"[{c}]" for c in order)


def export_rows(conn: sqlite3.Connection, name: str, out_dir: Path) -> int:
    """Write ``<name>.csv`` and ``<name>.jsonl``; return the row count."""
    cursor = conn.execute(f"SELECT * FROM [{name}] ORDER BY {_order_by(conn, name)}")
    columns = [d[0] for d in cursor.description]
    count = 0
    with (
        (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as csv_file,
        (out_dir / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") as jsonl,
    ):
        writer = csv.writer(csv_file, lineterminator="\n")
        writer.writerow(columns)
        for row in cursor:
            writer.writerow(row)
            jsonl.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n")
            count += 1
    return count


def _stored_type(conn: sqlite3.Connection, table: str, column: str) -> str:
    """The type a view's computed column holds, from the values themselves."""
    kinds = {
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT typeof([{column}]) FROM [{table}] WHERE [{column}] IS NOT NULL"
        )
    }
    if kinds == {"integer"}:
        return "integer"
    return "number" if kinds and kinds <= {"integer", "real"} else "string"


def _field(conn: sqlite3.Connection, table: str, column: tuple, descriptions: dict) -> dict:
    declared = (column[2] or "").upper().split("(")[0]
    kind = (
        SQLITE_TYPES.get(declared, "string") if declared else _stored_type(conn, table, column[1])
    )
    field = {"name": column[1], "type": kind}
    if column[1] in descriptions:
        field["description"] = descriptions[column[1]]
    return field


def table_schema(
    conn: sqlite3.Connection, name: str, published: set[str], descriptions: dict
) -> dict:
    """Frictionless Table Schema: fields, primary key and foreign keys from SQLite."""
    columns = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
    schema: dict = {"fields": [_field(conn, name, c, descriptions) for c in columns]}
    keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
    if keys:
        schema["primaryKey"] = keys
    foreign = [
        {"fields": [fk[3]], "reference": {"resource": fk[2], "fields": [fk[4]]}}
        for fk in conn.execute(f"PRAGMA foreign_key_list([{name}])").fetchall()
        if fk[2] in published
    ]
    if foreign:
        schema["foreignKeys"] = sorted(foreign, key=lambda f: f["fields"])
    return schema


def _resource(name: str, suffix: str, schema: dict, description: str) -> dict:
    resource = {
        "name": name if suffix == "csv" else f"{name}-jsonl",
        "path": f"{name}.{suffix}",
        "format": suffix,
        "encoding": "utf-8",
        "mediatype": "text/csv" if suffix == "csv" else "application/jsonl",
        "schema": schema,
    }
    if description:
        resource["description"] = description
    return resource


def datapackage(
    conn: sqlite3.Connection, counts: dict[str, int], metadata: dict, version: str
) -> dict:
    names = list(counts)
    configured = metadata["databases"]["archive"]["tables"]
    published = set(names)
    resources = []
    for name in names:
        config = configured.get(name, {})
        schema = table_schema(conn, name, published, config.get("columns", {}))
        resources.append(_resource(name, "csv", schema, config.get("description", "")))
        if counts[name]:  # an empty JSON Lines file has no rows for a reader to check
            json_schema = {k: v for k, v in schema.items() if k != "foreignKeys"}
            resources.append(_resource(name, "jsonl", json_schema, config.get("description", "")))
    return {
        "name": "vietnam-china-security-cooperation-archive",
        "title": metadata["title"],
        "description": "Who met whom, when, where, holding which post, and on which subjects: "
        "Vietnamese news reports of Vietnam–China security cooperation.",
        "version": version,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": metadata["license_url"],
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "sources": [{"title": metadata["source"]}],
        "resources": resources,
    }


def write_json(path: Path, data: dict) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )


def write_inspect(out_dir: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "datasette",
            "inspect",
            DATABASE,
            "--inspect-file",
            "inspect-data.json",
        ],
        cwd=out_dir,
        check=True,
    )


def write_checksums(out_dir: Path) -> None:
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(out_dir.iterdir())
        if path.name != "SHA256SUMS" and path.is_file()
    ]
    (out_dir / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def publish(db: Path, out_dir: Path, version: str) -> dict[str, int]:
    """Write the release bundle of ``db`` into ``out_dir``; return row counts per resource."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        if old.is_file():
            old.unlink()
        else:
            shutil.rmtree(old)
    copy_database(db, out_dir / DATABASE)
    metadata = load_metadata()
    metadata["about"] = f"Release {version}"
    with sqlite3.connect(out_dir / DATABASE) as conn:
        names = published_tables(conn, metadata)
        counts = {name: export_rows(conn, name, out_dir) for name in names}
        write_json(out_dir / "datapackage.json", datapackage(conn, counts, metadata, version))
    conn.close()
    write_json(out_dir / "metadata.json", metadata)
    write_inspect(out_dir)
    (out_dir / "README.md").write_text(dataset_readme(metadata, counts, version), encoding="utf-8")
    (out_dir / "index.html").write_text(index_html(metadata, version), encoding="utf-8")
    write_checksums(out_dir)
    return counts
