"""Publish stage: a reproducible, validated release bundle of the archive.

``publish(db, out_dir, version)`` writes ``archive.db`` (vacuumed, analysed, search built),
``inspect-data.json``, ``metadata.json``, one CSV and one JSON Lines file per published table
and view, a Frictionless ``datapackage.json``, a dataset ``README.md``, ``index.html``
(Datasette Lite) and ``SHA256SUMS``. The same archive, version and release date give
byte-identical files: rows in key order, no build time anywhere.

The bundle is made in a scratch folder inside ``out_dir`` and moved into place at the end,
replacing the files of a previous bundle (those its ``SHA256SUMS`` lists) and leaving other
files alone; it refuses to overwrite a file that no previous bundle wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path

import yaml

from archive.datasette import metadata_path
from archive.knowledge import load
from archive.publish.database import copy_database, coverage, published_names
from archive.publish.docs import TEMPLATES, render
from archive.publish.package import datapackage
from archive.publish.tables import export_rows, file_stem, table_schema

DATABASE = "archive.db"
CHECKSUMS = "SHA256SUMS"


class PublishError(Exception):
    """The bundle cannot be written where asked."""


def load_metadata(version: str, released: date | None) -> dict:
    """The project's Datasette metadata, with the release in its ``about``."""
    metadata = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
    metadata["about"] = f"Release {version}" + (f", {released.isoformat()}" if released else "")
    return metadata


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_inspect(work: Path) -> None:
    """``datasette inspect``, run beside the database so the file name is recorded bare."""
    command = [sys.executable, "-m", "datasette", "inspect", DATABASE]
    subprocess.run([*command, "--inspect-file", "inspect-data.json"], cwd=work, check=True)


def write_checksums(work: Path) -> None:
    """``SHA256SUMS`` in ``sha256sum -c`` format, sorted by file name."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(work.iterdir())
        if path.name != CHECKSUMS
    ]
    (work / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def previous_bundle(out_dir: Path) -> set[str]:
    """The files of a bundle already in ``out_dir``, as its ``SHA256SUMS`` lists them (a
    ``SHA256SUMS`` that lists no ``archive.db`` and ``datapackage.json`` is not a bundle's)."""
    checksums = out_dir / CHECKSUMS
    if not checksums.is_file():
        return set()
    names = {line.split("  ", 1)[-1] for line in checksums.read_text("utf-8").splitlines()}
    names = {name for name in names if name and "/" not in name and not name.startswith(".")}
    return names | {CHECKSUMS} if {DATABASE, "datapackage.json"} <= names else set()


def install(work: Path, out_dir: Path) -> None:
    """Move the finished bundle from ``work`` into ``out_dir``, replacing a previous one."""
    previous = previous_bundle(out_dir)
    new = sorted(path.name for path in work.iterdir())
    foreign = [name for name in new if (out_dir / name).exists() and name not in previous]
    if foreign:
        raise PublishError(
            f"{out_dir} holds files that no previous bundle wrote ({', '.join(foreign)}): "
            "publish into an empty folder or a previous bundle's folder"
        )
    for name in sorted(previous):
        if (out_dir / name).is_file():
            (out_dir / name).unlink()
    for name in new:
        os.replace(work / name, out_dir / name)


def _tables(conn: sqlite3.Connection, names: list[str], counts: dict, configured: dict) -> list:
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    return [
        {
            "name": name,
            "file": file_stem(name),
            "kind": kinds[name],
            "rows": counts[name],
            "description": configured.get(name, {}).get("description", ""),
        }
        for name in names
    ]


def _check_file_names(names: list[str]) -> None:
    """Two tables whose names differ only in case would overwrite each other's files on a
    case-insensitive file system: refuse."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(file_stem(name).casefold(), name)
        if other != name:
            raise PublishError(f"tables {other!r} and {name!r} would be written to the same files")


def build(db: Path, work: Path, version: str, released: date | None) -> dict[str, int]:
    """Write every file of the bundle into the empty folder ``work``; return row counts."""
    release = {**load("publish"), "version": version, "released": released}
    metadata = load_metadata(version, released)
    configured = metadata["databases"]["archive"].get("tables", {})
    copy_database(db, work / DATABASE)
    with closing(sqlite3.connect(work / DATABASE)) as conn:
        names = published_names(conn, metadata, release["internal_tables"])
        _check_file_names(names)
        schemas = {
            name: table_schema(conn, name, set(names), configured.get(name, {}).get("columns", {}))
            for name in names
        }
        counts = {name: export_rows(conn, name, schemas[name], work) for name in names}
        tables = _tables(conn, names, counts, configured)
        covered = coverage(conn)
    package = datapackage(release, metadata, schemas, counts, covered["outlets"])
    write_json(work / "datapackage.json", package)
    write_json(work / "metadata.json", metadata)
    write_inspect(work)
    context = {
        "title": metadata["title"],
        "description": " ".join(release["description"].split()),
        "version": version,
        "released": released,
        "license": metadata["license"],
        "source": metadata["source"],
        "tables": tables,
        "coverage": covered,
    }
    for file_name in TEMPLATES:
        (work / file_name).write_text(render(file_name, context), encoding="utf-8")
    write_checksums(work)
    return counts


def publish(db: Path, out_dir: Path, version: str, released: date | None = None) -> dict[str, int]:
    """Write the release bundle of the SQLite archive ``db`` into ``out_dir``; return the row
    count of every published table and view. ``released`` is the only date recorded."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".publishing-") as scratch:
        counts = build(db, Path(scratch), version, released)
        install(Path(scratch), out_dir)
    return counts
