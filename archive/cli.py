"""Command line: a thin Click layer over the importable pipeline functions."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from contextlib import closing, nullcontext
from datetime import datetime
from pathlib import Path

import click

from archive.db import (
    DEFAULT_DB,
    database_url,
    import_lock,
    make_engine,
    require_archive,
    serving_lock,
    sqlite_path,
    upgrade_to_head,
)
from archive.errors import OPERATOR_ERRORS, describe
from archive.importer import ImportSummary, SearchNotRefreshed, import_paths
from archive.pipeline import DEFAULT_TIME_BUDGET_S, TIME_BUDGET_VARIABLE
from archive.read import scan

SEEDS_DIR = "seeds"
DB_KEY = "archive.db"  # where the --db value is kept for error messages


def _remember_db(ctx: click.Context, _param, value: str) -> str:
    ctx.find_root().meta[DB_KEY] = value
    return value


db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    callback=_remember_db,
    help="SQLite file path or SQLAlchemy URL (e.g. postgresql+psycopg://user@host/archive).",
)


def sqlite_file_option(help_text: str):
    """``--db`` for commands that need an existing SQLite file (serve, publish)."""
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(exists=True),
        callback=_remember_db,
        help=help_text,
    )


class ArchiveGroup(click.Group):
    """Operator errors (a locked, read-only, full, foreign or missing database, a path that
    cannot be used) end any command with one line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OPERATOR_ERRORS as error:
            raise click.ClickException(describe(error, ctx.meta.get(DB_KEY))) from None


@click.group(cls=ArchiveGroup)
@click.version_option(package_name="vn-cn-security-archive")
def cli() -> None:
    """Build, search and publish the Vietnam–China security cooperation archive."""


@cli.command()
@db_option
def migrate(db: str) -> None:
    """Create the database or upgrade it to the latest schema migration (a database that is
    neither empty nor an archive database is refused and left untouched)."""
    url = upgrade_to_head(db)
    path = sqlite_path(url)
    if path is not None and _has_search_tables(path):
        from archive.postprocess import ensure_db_shape

        ensure_db_shape(path)  # a data migration may have changed what they index
    click.echo(f"Database at head: {url}")


def _has_search_tables(path: Path) -> bool:
    from sqlite_utils import Database

    database = Database(path)
    try:
        return database["search_facts"].exists()
    finally:
        database.close()


def run_import(
    db: str,
    paths: tuple[str, ...],
    prune: bool = False,
    workers: int | None = None,
    time_budget: float | None = None,
    checksum: bool = False,
) -> int:
    """Import ``paths`` (``import_paths``: lock, migrate, import, search) with a progress bar
    and print the summary; return failures. An operator error stops the import: the summary
    of what was done, then the error."""
    summary = ImportSummary()

    def tell_waiting() -> None:
        click.echo(f"Waiting for another import into {db} to finish...", err=True)

    engine = make_engine(database_url(db))
    # counted (a scan of every folder) only for a bar someone sees: click shows none elsewhere
    files = sum(1 for found in scan(paths) if not found.skip) if sys.stderr.isatty() else 0
    try:
        with click.progressbar(
            length=files, label="Importing", file=sys.stderr, show_pos=True
        ) as bar:
            import_paths(
                engine,
                paths,
                prune,
                (lambda _path, _outcome: bar.update(1)) if files else None,  # a bar to move
                summary,
                workers=workers,
                time_budget=time_budget,
                on_wait=tell_waiting,
                checksum=checksum,
            )
    except SearchNotRefreshed as stale:
        _report(summary)
        click.echo(summary.line())
        raise click.ClickException(
            f"the articles are stored but search tables and views were not refreshed "
            f"({describe(stale.error, db)}): run the import again to refresh them"
        ) from None
    except OPERATOR_ERRORS as error:
        _report(summary)
        click.echo(summary.line())
        raise click.ClickException(f"import stopped: {describe(error, db)}") from None
    finally:
        engine.dispose()
    _report(summary)
    click.echo(summary.line())
    return summary.failed


def _report(summary: ImportSummary) -> None:
    for path, reason in summary.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for path, reason in summary.errors:
        click.echo(f"error: {path}: {reason}", err=True)


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option(
    "--prune",
    is_flag=True,
    help="Remove articles whose files have disappeared from the given folders.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes reading and extracting files (default: one per core; 1: no pool).",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0),
    help=f"Seconds one file may take before it is logged as failed (default "
    f"${TIME_BUDGET_VARIABLE} or {DEFAULT_TIME_BUDGET_S:g}; 0: no limit).",
)
@click.option(
    "--checksum",
    is_flag=True,
    help="Read and hash every file, even those whose size and modification time are as "
    "recorded (otherwise taken as unchanged without reading them).",
)
def import_command(
    paths: tuple[str, ...],
    db: str,
    prune: bool,
    workers: int | None,
    time_budget: float | None,
    checksum: bool,
) -> None:
    """Import article files and folders (migrating the database first if needed)."""
    if run_import(db, paths, prune, workers, time_budget, checksum):
        sys.exit(1)


@cli.command()
@click.option(
    "--seeds",
    default=SEEDS_DIR,
    show_default=True,
    type=click.Path(exists=True),
    help="Folder of input articles.",
)
@click.option("--output", default=DEFAULT_DB, show_default=True, help="Database file to write.")
def build(seeds: str, output: str) -> None:
    """Build the archive from scratch: migrate, import the seeds, add search and views. The
    same seeds and code give the same bytes: no clock time is stored."""
    target = Path(output).resolve()
    with import_lock(database_url(target)) if target.exists() else nullcontext():
        fd, temp_name = tempfile.mkstemp(suffix=".db", dir=target.parent)
        os.close(fd)
        os.unlink(temp_name)
        try:
            failures = run_import(temp_name, (seeds,))
            without_clock_times(Path(temp_name))
            os.replace(temp_name, target)
        finally:
            Path(temp_name).unlink(missing_ok=True)
    click.echo(f"Built {output}")
    if failures:
        sys.exit(1)


# The import log's clock times and the files' stats are the only values that differ
# between two builds.
BLANK_CLOCK_TIMES = """
UPDATE import_runs SET started_at = '', finished_at = NULL;
UPDATE import_errors SET time = '';
UPDATE article_sources SET size = NULL, mtime_ns = NULL;
"""


def without_clock_times(path: Path) -> None:
    """Blank the import log's times, then VACUUM (no old page keeps them either)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.executescript(BLANK_CLOCK_TIMES)
        conn.execute("VACUUM")


@cli.command()
@sqlite_file_option("SQLite database file to serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def serve(db: str, host: str, port: int) -> None:
    """Serve the archive read-only (immutable) in Datasette, with the project's metadata.
    While it serves, imports into the file are refused (the server never expects changes)."""
    from archive.datasette import run_server

    with serving_lock(Path(db)):
        code = run_server(Path(db), host, port)
    sys.exit(code)


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--corpus",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder holding the texts the gold file annotates.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--without-known-people",
    is_flag=True,
    help="Extract without the list of known office holders (names found by their frames only).",
)
def evaluate(gold: str, corpus: str, as_json: bool, without_known_people: bool) -> None:
    """Score extraction against gold annotations: persons, pairs, countries, kinds, dates."""
    import json

    from archive.evaluate import evaluate as run_evaluation
    from archive.evaluate import format_report

    result = run_evaluation(gold, corpus, known_people=not without_known_people)
    click.echo(
        json.dumps(result, ensure_ascii=False, indent=1) if as_json else format_report(result)
    )


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--version",
    "version",
    default="0.1.0",
    show_default=True,
    help="Release version recorded in the bundle.",
)
@sqlite_file_option("SQLite archive to publish.")
@click.option(
    "--released",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Release date (YYYY-MM-DD) for the citation and datapackage; omitted if not given.",
)
def publish(out_dir: str, version: str, db: str, released: datetime | None) -> None:
    """Write a validated, reproducible release bundle (SQLite, CSV, JSON Lines, datapackage)."""
    from archive.publish import PublishError
    from archive.publish import publish as write_bundle

    require_archive(database_url(db))
    try:
        counts = write_bundle(Path(db), Path(out_dir), version, released and released.date())
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Published {len(counts)} tables and views to {out_dir}")


@cli.command(name="export-sqlite")
@click.option("--from", "source", required=True, help="SQLAlchemy URL of the archive to copy.")
@click.option(
    "--to", "target", required=True, type=click.Path(dir_okay=False), help="SQLite file to write."
)
def export_sqlite_command(source: str, target: str) -> None:
    """Copy an archive kept on a server (PostgreSQL) into an SQLite file, search tables and
    views included, ready for `archive serve` and `archive publish`."""
    from archive.export import export_sqlite

    ctx = click.get_current_context()
    ctx.find_root().meta[DB_KEY] = target
    with import_lock(database_url(target)):
        counts = export_sqlite(source, Path(target))
    click.echo(f"Exported {counts.get('articles', 0)} articles to {target}")


if __name__ == "__main__":
    cli()
