"""The import pipeline, file by file: read → parse → extract → resolve → load.

Each file is handled on its own: a bad file is logged in ``import_errors`` and skipped,
and never touches what other files put in the database.
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
from archive.read import ReadError, iter_source_files, read_source
from archive.resolve import resolve_facts
from archive.sources import (
    is_unchanged,
    load_article,
    now,
    record_error,
    remove_articles,
    source_key,
)

OUTCOMES = ("imported", "updated", "unchanged", "failed")


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    errors: list[tuple[str, str]] = field(default_factory=list)
    pruned: int = 0
    run_id: int | None = None

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        text = ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES)
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


def _check_path(path: Path) -> None:
    """The same limit on every back end (PostgreSQL enforces column lengths, SQLite does not)."""
    length = len(source_key(path))
    if length > PATH_LIMIT:
        raise FileFailed(f"path is {length} characters, over the {PATH_LIMIT}-character limit")


def _error_name(path: Path) -> str:
    """The file's name as the error log can hold it: the end of an over-long path."""
    name = source_key(path)
    return name if len(name) <= ERROR_PATH_LIMIT else "…" + name[-(ERROR_PATH_LIMIT - 1) :]


def import_file(engine: Engine, path: Path) -> str:
    """Run one file through the whole pipeline; raise ReadError/ParseError if it is unusable,
    FileFailed if a stage fails on it unexpectedly or the database refuses its rows."""
    _check_path(path)
    source = _stage("reading", read_source, path)
    if is_unchanged(engine, source):
        return "unchanged"  # skip parsing and extraction: nothing would change
    parsed = _stage("parsing", parse_article, source)
    facts = _stage("extraction", extract_facts, parsed)
    resolved = _stage("resolution", resolve_facts, facts)
    try:
        return load_article(engine, source, parsed, resolved)
    except (IntegrityError, DataError) as error:  # rolled back: nothing of it was stored
        raise FileFailed(f"the database refused its rows ({error.orig})") from error


def _start_run(engine: Engine, paths: list[str]) -> int:
    with Session(engine) as session, session.begin():
        run = m.ImportRun(
            started_at=now(), sources="\n".join(paths), imported=0, updated=0, unchanged=0, failed=0
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


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    prune: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
) -> ImportSummary:
    """Import every article file under ``paths``; log failures; optionally prune vanished ones."""
    paths = [str(p) for p in paths]
    summary = ImportSummary(run_id=_start_run(engine, paths))
    seen: set[str] = set()
    for path in iter_source_files(paths):
        seen.add(source_key(path))
        try:
            outcome = import_file(engine, path)
        except (ReadError, ParseError, FileFailed) as error:
            outcome = "failed"
            summary.errors.append((str(path), str(error)))
            record_error(engine, summary.run_id, _error_name(path), str(error))
        summary.counts[outcome] += 1
        if on_file:
            on_file(path, outcome)
    if prune:
        folders = [source_key(p).rstrip("/") + "/" for p in paths if Path(p).is_dir()]
        summary.pruned = remove_articles(engine, keep=seen, under=folders)
    _finish_run(engine, summary)
    return summary
