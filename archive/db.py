"""Engines and migrations: ``--db`` values, SQLite pragmas, ``upgrade_to_head()``."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_DB = "archive.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


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


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
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


def upgrade_to_head(db: str | Path) -> str:
    """Create or upgrade the database to the latest migration; return its URL."""
    url = database_url(db)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    return url


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("articles")


class DatabaseBusy(Exception):
    """Another import holds the database for longer than we were willing to wait."""


@contextmanager
def import_lock(
    url: str, wait_seconds: float = 600, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """One import at a time per SQLite file: an advisory ``flock`` on the database file itself
    (SQLite's own locks are POSIX record locks, which ``flock`` does not touch). A second
    import waits, calling ``on_wait`` once, and gives up with DatabaseBusy after
    ``wait_seconds``. PostgreSQL serialises writers itself: no lock is taken there."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        deadline = time.monotonic() + wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
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
