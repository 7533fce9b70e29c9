"""The import: every file under the given paths through read → parse → extract → resolve →
plan (pure stages, in worker processes: ``archive/pipeline.py``) → load (one writer, here, in the
order the files were found, so the same corpus gives the same ids whatever the number of
workers) → search upkeep (SQLite: only the rows of what changed).

Files are streamed from the folders, never all held at once. A file whose bytes this
pipeline version already stored at the same place is recognised from one lookup made at
the start, without parsing, and without reading it when its size and modification time are
the recorded ones (``archive/unchanged.py``; ``checksum=True`` hashes every file). Each
file is handled on its own: a bad file (unreadable, unparsable, over the time budget) is
logged in ``import_errors`` and skipped, and never touches what other files put in the
database. A file that is not an article (an image, a hidden file, a link to a folder) is
reported as skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from archive import models as m
from archive.db import import_lock, sqlite_path, upgrade_to_head
from archive.errors import OPERATOR_ERRORS
from archive.pipeline import (
    FileFailed,
    Job,
    Prepared,
    prepare,
    prepared_in_order,
    run_stages,
    worker_count,
)
from archive.pipeline import time_budget as budget_seconds
from archive.read import FoundFile, import_root, scan
from archive.sources import (
    Location,
    collect_all_orphans,
    load_article,
    now,
    register_root,
    remove_vanished,
    root_fingerprint,
    writing,
)
from archive.unchanged import UnchangedFiles
from archive.writer import BatchWriter, Refused

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


Roots = dict[Path, tuple[int, str]]  # import root (a real folder) → (id, display name)


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


def _store(engine: Engine, prepared: Prepared, location: Location) -> str:
    """Load one prepared file; FileFailed if the database refuses its rows."""
    try:
        return load_article(engine, prepared.plan, location)
    except (IntegrityError, DataError) as error:  # rolled back: nothing of it was stored
        raise FileFailed(f"the database refused its rows ({error.orig})") from error


def import_file(engine: Engine, path: Path, location: Location | None = None) -> str:
    """Run one file through the whole pipeline in this process; raise ReadError/ParseError if
    it is unusable, FileFailed if a stage fails on it unexpectedly or the database refuses
    its rows. ``location`` defaults to the file's own folder as its import root."""
    if location is None:
        location = Location(*_register_roots(engine, [str(path)])[import_root(path)], path.name)
    _check_path(location)
    return _store(engine, run_stages(path), location)


def database_folder(engine: Engine) -> Path | None:
    """The folder of an SQLite database file (import roots are located from it)."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database).resolve().parent


def _register_roots(engine: Engine, paths: list[str]) -> Roots:
    """The import roots of ``paths``: real folder → (id, display name)."""
    anchor = database_folder(engine)
    roots: dict[Path, tuple[int, str]] = {}
    with writing(engine) as session:
        for given in paths:
            folder = import_root(given)
            if folder not in roots:
                fingerprint = root_fingerprint(folder, anchor)
                roots[folder] = register_root(session, fingerprint, folder.name)
    return roots


def _start_run(engine: Engine, roots: Roots) -> int:
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


@dataclass
class _Found:
    """A file to import, where it belongs, and what is known before preparing it: a reason
    it fails (``failure``), that its bytes are stored there already (``unchanged``) or as
    another file's (``stored``: a moved or copied file, not prepared again)."""

    found: FoundFile
    location: Location
    failure: str | None = None
    unchanged: bool = False
    stored: str | None = None  # the checksum of its bytes, stored as another file's


def _jobs(
    found_files: Iterable[FoundFile], roots: Roots, unchanged: UnchangedFiles
) -> Iterator[Job]:
    """A job per file: a path to prepare, or none when the file fails at once or is known."""
    root = None
    for found in found_files:
        if found.root is not root:  # a run's files come root by root
            root, (root_id, root_name), folder = found.root, roots[found.root], f"{found.root}/"
        item = _Found(found, Location(root_id, root_name, found.relative))
        try:
            if found.refuse:
                raise FileFailed(found.refuse)
            _check_path(item.location)
        except FileFailed as error:
            item.failure = str(error)
        else:  # the file as text: no Path made or converted
            file = folder + found.relative
            item.unchanged, stat, item.stored = unchanged.check(root_id, found.relative, file)
            if not item.unchanged:
                item.location = Location(root_id, root_name, found.relative, stat)
        needs_work = not (item.failure or item.unchanged or item.stored)
        yield Job(item, found.name if needs_work else None)  # as scanned: no Path made


def _write(
    writer: BatchWriter, item: _Found, prepared: Prepared | None, summary, budget: float
) -> str:
    """Store one file's result (or log its failure); return the outcome (counted in the
    summary once committed). A file whose bytes were stored as another's at the start,
    and are not any more (that file changed in this run), is prepared here."""
    try:
        if item.failure or (prepared is not None and prepared.error):
            raise FileFailed(item.failure or prepared.error)
        if item.unchanged:
            summary.counts["unchanged"] += 1
            return "unchanged"
        if item.stored:
            outcome = writer.store_known(item.stored, item.location)
            if outcome is not None:
                return outcome
            prepared = prepare(str(item.found.path), budget)
            if prepared.error:
                raise FileFailed(prepared.error)
        return writer.store(prepared.plan, item.location)
    except (FileFailed, Refused) as error:
        summary.errors.append((str(item.found.path), str(error)))
        location = item.location
        writer.log_error(summary.run_id, _error_name(location), location.root_id, str(error))
        return "failed"


class SearchNotRefreshed(Exception):
    """The articles are stored, but refreshing the search tables met an operator error."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    prune: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
    summary: ImportSummary | None = None,
    *,
    workers: int | None = None,
    time_budget: float | None = None,
    on_wait: Callable[[], None] | None = None,
    checksum: bool = False,
) -> ImportSummary:
    """Import every article file under ``paths`` into the database of ``engine``, as
    ``archive import`` does: wait for (or refuse, under ``archive serve``) the database's
    lock, migrate it, import, log failures, report skipped files, optionally prune the
    articles of files gone from the given folders, and refresh search (SQLite).

    ``workers`` processes prepare files (default one per core; 1: in this process);
    ``time_budget`` is the seconds one file may take (default ``ARCHIVE_FILE_TIME_BUDGET_S``
    or 60; 0: no limit). ``checksum``: read and hash every file, even those whose size and
    modification time are the recorded ones. ``summary`` is filled as files are done, so a
    caller still has it when a database error stops the run; a failed search refresh raises
    SearchNotRefreshed."""
    summary = summary if summary is not None else ImportSummary()
    url = engine.url.render_as_string(hide_password=False)
    database = sqlite_path(url)
    with import_lock(url, on_wait=on_wait):
        upgrade_to_head(url)
        if database is not None:
            from archive.postprocess import track_changes

            track_changes(database)
        options = _Options(prune, workers, time_budget, checksum)
        _import(engine, [str(p) for p in paths], options, on_file, summary)
        if database is not None:  # under the lock: an import waiting behind this one
            engine.dispose()  # the writer's idle connection and its page cache go first
            _refresh_search(database)  # must not write while the search tables are refreshed
    return summary


def _refresh_search(database) -> None:
    from archive.postprocess import refresh_search

    try:
        refresh_search(database)
    except OPERATOR_ERRORS as error:
        raise SearchNotRefreshed(error) from error


@dataclass(frozen=True)
class _Options:
    prune: bool
    workers: int | None
    time_budget: float | None
    checksum: bool


def _import(engine, paths, options: _Options, on_file, summary) -> None:
    prune = options.prune
    roots = _register_roots(engine, paths)
    summary.run_id = _start_run(engine, roots)
    # the paths seen, for --prune only (a 100,000-file run holds no list of its files else)
    present: dict[int, set[str]] = {identifier: set() for identifier, _name in roots.values()}
    root_ids = [identifier for identifier, _name in roots.values()]
    unchanged = UnchangedFiles(engine, root_ids, options.checksum)

    def found_files() -> Iterator[FoundFile]:
        for found in scan(paths):
            if found.skip:
                summary.skipped.append((str(found.path), found.skip))
                continue
            if prune:
                present[roots[found.root][0]].add(found.relative)
            yield found

    jobs = _jobs(found_files(), roots, unchanged)
    workers, budget = worker_count(options.workers), budget_seconds(options.time_budget)
    writer = BatchWriter(engine, summary.counts)
    try:
        for job, prepared in prepared_in_order(jobs, workers, budget):
            outcome = _write(writer, job.item, prepared, summary, budget)
            if on_file:
                on_file(job.item.found.path, outcome)
        writer.close()
    finally:
        writer.abandon()
    unchanged.record(engine)
    if prune:
        folders = {roots[import_root(p)][0] for p in paths if Path(p).is_dir()}
        summary.pruned = sum(remove_vanished(engine, f, present[f]) for f in sorted(folders))
    if summary.counts["updated"] or summary.pruned:
        collect_all_orphans(engine)
    _finish_run(engine, summary)
