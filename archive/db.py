"""Engines and migrations: ``--db`` values, SQLite pragmas, ``upgrade_to_head()``."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_DB = "archive.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
BUSY_TIMEOUT_VARIABLE = "ARCHIVE_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """How long an SQLite write waits for another program's lock (``ARCHIVE_BUSY_TIMEOUT_MS``,
    default 30 s) before giving up with "database is locked"."""
    return int(os.environ.get(BUSY_TIMEOUT_VARIABLE, SQLITE_BUSY_TIMEOUT_MS))


def database_url(db: str | Path) -> str:
    """Turn a ``--db`` value (file path or SQLAlchemy URL) into an SQLAlchemy URL."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The database file behind an SQLite URL, or None for other back ends."""
    if not is_sqlite(url):
        return None
    return Path(url.split(":///", 1)[1])


CACHE_KIB = 32 * 1024


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    # A batch of articles fits in the page cache (default 2 MiB): the writer does not spill
    # pages to the file, and keep an exclusive lock, before its commit.
    cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    cursor.close()


def make_engine(db: str | Path) -> Engine:
    """An engine for ``db``; SQLite connections enforce foreign keys and wait on locks."""
    url = database_url(db)
    engine = create_engine(url)
    if is_sqlite(url):
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at this project's migrations and ``url``."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class NotAnArchive(Exception):
    """A database that is neither empty nor this archive's: migrations must not touch it."""


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise NotAnArchive(f"{path} is a folder, not a database file")


def _sqlite_schema(path: Path) -> tuple[set[str], list[str]]:
    """Tables and schema versions of an SQLite file, read without writing to it."""
    _refuse_folder(path)
    if not path.exists() or path.stat().st_size == 0:
        return set(), []
    try:
        wait = busy_timeout_ms() / 1000
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=wait)) as conn:
            tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
            versions = []
            if "alembic_version" in tables:
                versions = [v for (v,) in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise NotAnArchive(f"{path} is not an SQLite database") from None
        raise
    return tables, versions


def _server_schema(url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        versions = []
        if "alembic_version" in tables:
            with engine.connect() as conn:
                versions = list(
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                )
    finally:
        engine.dispose()
    return tables, versions


def _schema(url: str) -> tuple[set[str], list[str]]:
    """The tables and schema revisions of a database file or server."""
    path = sqlite_path(url)
    return _sqlite_schema(path) if path else _server_schema(url)


def check_is_archive(url: str) -> None:
    """Raise NotAnArchive unless the database is empty or at one of this archive's revisions."""
    path = sqlite_path(url)
    tables, versions = _schema(url)
    where = path or url.split("@")[-1]
    own = {t for t in tables if not t.startswith("sqlite_")} - {"alembic_version"}
    if not own:
        return
    if "alembic_version" not in tables or not versions:
        listing = ", ".join(sorted(own)[:5]) + (", ..." if len(own) > 5 else "")
        raise NotAnArchive(
            f"{where} is not an archive database (it has tables of its own: {listing}); "
            "give a new file or an archive database"
        )
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
    if unknown := [v for v in versions if v not in known]:
        raise NotAnArchive(
            f"{where} is not an archive database of this version (schema revision "
            f"{', '.join(unknown)} is not one of its migrations)"
        )


def require_head(url: str) -> None:
    """Raise NotAnArchive unless the database is an archive database at the latest migration."""
    require_archive(url)
    path = sqlite_path(url)
    _tables, versions = _schema(url)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if versions != [head]:
        where = path or url.split("@")[-1]
        raise NotAnArchive(
            f"{where} is at schema revision {', '.join(versions)}, not {head}: "
            f"run `archive migrate --db ...` on it first"
        )


def require_archive(url: str) -> None:
    """Raise NotAnArchive unless the database is an archive database (not even empty)."""
    check_is_archive(url)
    path = sqlite_path(url)
    tables, _versions = _schema(url)
    if "articles" not in tables:
        raise NotAnArchive(f"{path or 'the database'} is empty: not an archive database")


MIGRATION_LOCK = 0x6D696772  # "migr": PostgreSQL advisory lock held while migrating


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """On PostgreSQL, one migration at a time (several imports may start at once on an empty
    database); SQLite files are guarded by :func:`import_lock` and SQLite's own locks."""
    if is_sqlite(url):
        yield
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


def upgrade_to_head(db: str | Path) -> str:
    """Create or upgrade the database to the latest migration; return its URL. A database
    that is neither empty nor an archive database is refused (NotAnArchive), untouched."""
    url = database_url(db)
    with migration_lock(url):
        check_is_archive(url)
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        command.upgrade(alembic_config(url), "head")
    return url


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("articles")


class DatabaseBusy(Exception):
    """Another import holds the database for longer than we were willing to wait."""


class DatabaseServed(DatabaseBusy):
    """``archive serve`` is serving the database: it must not change under the server."""


def _served_message(path: Path) -> str:
    return (
        f"{path} is being served by `archive serve`, which reads it as a file that never "
        "changes: stop the server, run this command, then start `archive serve` again "
        "(or write into a copy and serve that)"
    )


def _only_readers(handle) -> bool:
    """Whether the file's other holders are all shared (servers): a shared lock is free."""
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(handle, fcntl.LOCK_UN)
    return True


@contextmanager
def import_lock(
    url: str, wait_seconds: float = 600, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """One writer at a time per SQLite file, never under a server: an advisory ``flock`` on
    the database file itself (SQLite's own locks are POSIX record locks, which ``flock``
    does not touch). ``archive serve`` holds a shared lock (:func:`serving_lock`): an import
    is then refused with DatabaseServed. A second import waits, calling ``on_wait`` once,
    and gives up with DatabaseBusy after ``wait_seconds``. PostgreSQL serialises writers
    itself and is not served by ``archive serve``: no lock is taken there."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    _refuse_folder(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # read-only is enough for flock, and lets SQLite itself say a file is read-only
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_CREAT, 0o644), "rb") as handle:
        deadline = time.monotonic() + wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _only_readers(handle):
                    try:  # the other import may just have finished: one more try
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        raise DatabaseServed(_served_message(path)) from None
                if not waited and on_wait:
                    on_wait()
                waited = True
                if time.monotonic() > deadline:
                    raise DatabaseBusy(f"another import is still running on {path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def serving_lock(path: Path) -> Iterator[None]:
    """Held by ``archive serve`` while it serves ``path``: a shared ``flock`` that makes
    imports refuse to write; refused itself (DatabaseBusy) while an import is running."""
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(
                f"an import is running into {path}: serve it when the import has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
