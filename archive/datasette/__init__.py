"""Datasette publication: metadata, settings and the read-only serve command line."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from archive.knowledge import SAFE_LOADER

# The database name the metadata, links and dashboard use.
DATABASE_FILE = "archive.db"

SETTINGS = {
    "sql_time_limit_ms": 2000,
    # Datasette's default, kept: the configured facets of the derived views are read from
    # counts kept by post-processing (facets.py), the others use indexes.
    "facet_time_limit_ms": 200,
    # Suggesting facets runs a query per column of the page (a scan of the table each):
    # the configured facets are the ones offered.
    "suggest_facets": False,
    "max_returned_rows": 1000,
    "default_page_size": 50,
}


def metadata_path() -> Path:
    """The Datasette metadata: descriptions, facets, canned queries, dashboard."""
    return Path(str(resources.files("archive.datasette").joinpath("metadata.yml")))


@cache
def _tables() -> dict[str, dict]:
    """The tables and views of ``metadata.yml`` (read once per process)."""
    text = metadata_path().read_text(encoding="utf-8")
    tables = yaml.load(text, Loader=SAFE_LOADER)["databases"]["archive"].get("tables") or {}
    return {table: config or {} for table, config in tables.items()}


def configured_facets() -> dict[str, list[tuple[str, str]]]:
    """Each table's or view's configured facets in ``metadata.yml``, as (type, column):
    ``kind_en`` is ("column", "kind_en"), ``{array: topics}`` is ("array", "topics")."""
    return {
        table: [("column", f) if isinstance(f, str) else next(iter(f.items())) for f in facets]
        for table, config in _tables().items()
        if (facets := config.get("facets"))
    }


def sortable_columns() -> dict[str, list[str]]:
    """Each table's or view's columns a reader can sort by (``sortable_columns``)."""
    return {
        table: list(config["sortable_columns"])
        for table, config in _tables().items()
        if config.get("sortable_columns")
    }


def template_dir() -> Path:
    """Our page templates (a person's page lists their meetings and posts)."""
    return Path(str(resources.files("archive.datasette").joinpath("templates")))


def write_inspect_file(db: Path, target: Path) -> Path:
    """``datasette inspect``: table counts and hash, so ``-i`` serving skips counting."""
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(target)],
        check=True,
    )
    return target


def serve_command(db: Path, host: str, port: int, inspect_file: Path | None = None) -> list[str]:
    """The ``datasette`` command line that serves ``db`` immutably with our metadata."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(db),
        "--metadata",
        str(metadata_path()),
        "--template-dir",
        str(template_dir()),
        "--host",
        host,
        "--port",
        str(port),
    ]
    if inspect_file is not None:
        command += ["--inspect-file", str(inspect_file)]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value)]
    return command


def named_archive(db: Path, folder: Path) -> Path:
    """A link named ``archive.db`` in ``folder`` to ``db``: Datasette names a database after
    its file, and the site's links, canned queries and dashboard use ``/archive``, so the
    archive is served as ``archive`` whatever its file is called."""
    link = folder / DATABASE_FILE
    link.symlink_to(db.resolve())
    return link


def run_server(db: Path, host: str, port: int) -> int:
    """Serve ``db`` (as ``archive``) until Datasette exits; SIGTERM/SIGHUP to this process
    stop Datasette too (a bare ``subprocess.call`` would leave it running when the caller is
    terminated)."""
    with tempfile.TemporaryDirectory() as tmp:
        served = named_archive(db, Path(tmp))
        inspect_file = write_inspect_file(served, Path(tmp) / "inspect-data.json")
        child = subprocess.Popen(serve_command(served, host, port, inspect_file))
        stops = (signal.SIGTERM, signal.SIGHUP)
        previous = {s: signal.signal(s, lambda *_: child.terminate()) for s in stops}
        try:
            return child.wait()
        except KeyboardInterrupt:  # Ctrl-C reaches Datasette too; let it finish
            return child.wait()
        finally:
            for stop, handler in previous.items():
                signal.signal(stop, handler)
            if child.poll() is None:
                child.kill()
