"""Command line: a thin Click layer over the importable pipeline functions."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click

from archive.db import (
    DEFAULT_DB,
    DatabaseBusy,
    database_url,
    import_lock,
    make_engine,
    sqlite_path,
    upgrade_to_head,
)
from archive.importer import import_paths
from archive.read import scan

SEEDS_DIR = "seeds"
db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite file path or SQLAlchemy URL (e.g. postgresql+psycopg://user@host/archive).",
)


def sqlite_file_option(help_text: str):
    """``--db`` for commands that need an existing SQLite file (serve, publish)."""
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(exists=True),
        help=help_text,
    )


@click.group()
@click.version_option(package_name="vn-cn-security-archive")
def cli() -> None:
    """Build, search and publish the Vietnam–China security cooperation archive."""


@cli.command()
@db_option
def migrate(db: str) -> None:
    """Create the database or upgrade it to the latest schema migration."""
    url = upgrade_to_head(db)
    click.echo(f"Database at head: {url}")


def run_import(db: str, paths: tuple[str, ...], prune: bool = False) -> int:
    """Migrate, import ``paths`` with a progress bar and print the summary; return failures."""
    url = database_url(db)

    def tell_waiting() -> None:
        click.echo(f"Waiting for another import into {db} to finish...", err=True)

    try:
        with import_lock(url, on_wait=tell_waiting):
            return _import_locked(url, paths, prune)
    except DatabaseBusy as error:
        raise click.ClickException(str(error)) from None


def _import_locked(url: str, paths: tuple[str, ...], prune: bool) -> int:
    upgrade_to_head(url)
    engine = make_engine(url)
    files = sum(1 for found in scan(paths) if not found.skip)
    with click.progressbar(length=files, label="Importing", file=sys.stderr, show_pos=True) as bar:
        summary = import_paths(
            engine, paths, prune=prune, on_file=lambda _path, _outcome: bar.update(1)
        )
    engine.dispose()
    for path, reason in summary.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for path, reason in summary.errors:
        click.echo(f"error: {path}: {reason}", err=True)
    if sqlite_path(url) is not None:
        from archive.postprocess import ensure_db_shape

        ensure_db_shape(sqlite_path(url))
    click.echo(summary.line())
    return summary.failed


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option(
    "--prune",
    is_flag=True,
    help="Remove articles whose files have disappeared from the given folders.",
)
def import_command(paths: tuple[str, ...], db: str, prune: bool) -> None:
    """Import article files and folders (migrating the database first if needed)."""
    if run_import(db, paths, prune):
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
    """Build the archive from scratch: migrate, import the seeds, add search and views."""
    target = Path(output).resolve()
    fd, temp_name = tempfile.mkstemp(suffix=".db", dir=target.parent)
    os.close(fd)
    os.unlink(temp_name)
    try:
        failures = run_import(temp_name, (seeds,))
        os.replace(temp_name, target)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    click.echo(f"Built {output}")
    if failures:
        sys.exit(1)


@cli.command()
@sqlite_file_option("SQLite database file to serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def serve(db: str, host: str, port: int) -> None:
    """Serve the archive read-only (immutable) in Datasette, with the project's metadata."""
    from archive.datasette import run_server

    sys.exit(run_server(Path(db), host, port))


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

    try:
        counts = write_bundle(Path(db), Path(out_dir), version, released and released.date())
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Published {len(counts)} tables and views to {out_dir}")


if __name__ == "__main__":
    cli()
