"""The import pipeline, file by file: read → parse → extract → resolve → load.

Each file is handled on its own: a bad file is logged in ``import_errors`` and skipped,
and never touches what other files put in the database. A file that is not an article
(an image, a hidden file, a link to a folder) is reported as skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from archive import models as m
from archive.extract import extract_facts
from archive.parse import ParseError, parse_article
from archive.read import FoundFile, ReadError, import_root, read_source, scan
from archive.resolve import resolve_facts
from archive.sources import (
    Location,
    is_known_content,
    is_unchanged,
    link_known_content,
    load_article,
    now,
    record_error,
    register_root,
    remove_vanished,
    root_fingerprint,
)

OUTCOMES = ("imported", "updated", "unchanged", "failed")


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    errors: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    pruned: int = 0
    run_id: int | None = None

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        text = ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES)
        text += f", {len(self.skipped)} skipped" if self.skipped else ""
        return text + (f", {self.pruned} pruned" if self.pruned else "")


class FileFailed(Exception):
    """One file failed for a reason other than its content being unreadable or unparsable."""


def _stage(name: str, function: Callable, *args):
    """Run one pure stage; a bug met on one text must not stop a 10,000-file import."""
    try:
        return function(*args)
    except (ReadError, ParseError):
        raise
    except Exception as error:
        raise FileFailed(f"internal error in {name} ({type(error).__name__}: {error})") from error


PATH_LIMIT = m.Article.__table__.c.source_path.type.length
ERROR_PATH_LIMIT = m.ImportError_.__table__.c.file.type.length


def _check_path(location: Location) -> None:
    """The same limit on every back end (PostgreSQL enforces column lengths, SQLite does not)."""
    length = len(location.display)
    if length > PATH_LIMIT:
        raise FileFailed(f"path is {length} characters, over the {PATH_LIMIT}-character limit")


def _error_name(location: Location) -> str:
    """The file's name as the error log can hold it: the end of an over-long path."""
    name = location.display
    return name if len(name) <= ERROR_PATH_LIMIT else "…" + name[-(ERROR_PATH_LIMIT - 1) :]


def import_file(engine: Engine, path: Path, location: Location | None = None) -> str:
    """Run one file through the whole pipeline; raise ReadError/ParseError if it is unusable,
    FileFailed if a stage fails on it unexpectedly or the database refuses its rows.
    ``location`` defaults to the file's own folder as its import root."""
    if location is None:
        location = Location(*_register_roots(engine, [str(path)])[import_root(path)], path.name)
    _check_path(location)
    source = _stage("reading", read_source, path)
    if is_unchanged(engine, source, location):
        return "unchanged"  # skip parsing and extraction: nothing would change
    if is_known_content(engine, source):  # the same bytes imported from elsewhere
        return link_known_content(engine, source, location)
    parsed = _stage("parsing", parse_article, source)
    facts = _stage("extraction", extract_facts, parsed)
    resolved = _stage("resolution", resolve_facts, facts)
    try:
        return load_article(engine, source, location, parsed, resolved)
    except (IntegrityError, DataError) as error:  # rolled back: nothing of it was stored
        raise FileFailed(f"the database refused its rows ({error.orig})") from error


def database_folder(engine: Engine) -> Path | None:
    """The folder of an SQLite database file (import roots are located from it)."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database).resolve().parent


def _register_roots(engine: Engine, paths: list[str]) -> dict[Path, tuple[int, str]]:
    """The import roots of ``paths``: real folder → (id, display name)."""
    anchor = database_folder(engine)
    roots: dict[Path, tuple[int, str]] = {}
    with Session(engine) as session, session.begin():
        for given in paths:
            folder = import_root(given)
            if folder not in roots:
                fingerprint = root_fingerprint(folder, anchor)
                roots[folder] = register_root(session, fingerprint, folder.name)
    return roots


def _start_run(engine: Engine, roots: dict[Path, tuple[int, str]]) -> int:
    names = "\n".join(name for _id, name in roots.values())
    with Session(engine) as session, session.begin():
        run = m.ImportRun(
            started_at=now(), sources=names, imported=0, updated=0, unchanged=0, failed=0
        )
        session.add(run)
        session.flush()
        return run.id


def _finish_run(engine: Engine, summary: ImportSummary) -> None:
    with Session(engine) as session, session.begin():
        run = session.get(m.ImportRun, summary.run_id)
        run.finished_at = now()
        for outcome in OUTCOMES:
            setattr(run, outcome, summary.counts[outcome])


def _import_found(engine: Engine, found: FoundFile, location: Location, summary: ImportSummary):
    try:
        if found.refuse:
            raise FileFailed(found.refuse)
        outcome = import_file(engine, found.path, location)
    except (ReadError, ParseError, FileFailed) as error:
        outcome = "failed"
        summary.errors.append((str(found.path), str(error)))
        record_error(engine, summary.run_id, _error_name(location), location.root_id, str(error))
    summary.counts[outcome] += 1
    return outcome


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    prune: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
    summary: ImportSummary | None = None,
) -> ImportSummary:
    """Import every article file under ``paths``; log failures, report skipped files;
    optionally prune the articles of files gone from the given folders. ``summary`` is
    filled as files are done, so a caller still has it when a database error stops the run."""
    paths = [str(p) for p in paths]
    roots = _register_roots(engine, paths)
    summary = summary if summary is not None else ImportSummary()
    summary.run_id = _start_run(engine, roots)
    present: dict[int, set[str]] = {identifier: set() for identifier, _name in roots.values()}
    for found in scan(paths):
        if found.skip:
            summary.skipped.append((str(found.path), found.skip))
            continue
        location = Location(*roots[found.root], found.relative)
        present[location.root_id].add(location.path)
        outcome = _import_found(engine, found, location, summary)
        if on_file:
            on_file(found.path, outcome)
    if prune:
        folders = {roots[import_root(p)][0] for p in paths if Path(p).is_dir()}
        summary.pruned = sum(remove_vanished(engine, f, present[f]) for f in sorted(folders))
    _finish_run(engine, summary)
    return summary
