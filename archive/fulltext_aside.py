"""Building the full-text indexes on a second core while the search build goes on.

An FTS5 index costs its tokenising, and SQLite lets one connection write at a time, so the
indexes are built in a scratch database by a thread of their own (``sqlite3`` runs a
statement without the GIL), reading the archive's rows through a second connection (the
archive is in WAL mode meanwhile, so the reader does not stop its writer). An index's
table is announced when its rows are final (``ready``). At the end, ``copy_into`` moves
each index's shadow tables (``_data``, ``_idx``, ``_docsize``, ``_config``: SQLite's
on-disk format of an index) into empty indexes of the same definition in the archive, a
copy of bytes ten times cheaper than building them there.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from archive.fulltext import INDEXES, Index, create_index, create_triggers

log = logging.getLogger(__name__)
SHADOWS = ("data", "idx", "docsize", "config")  # an external-content index's tables
# The scratch database is written in order: a cache the size of the writer's (32 MiB) gains
# 5 % of its time, off the critical path, for 30 MiB more memory.
SCRATCH_CACHE_KIB = 4 * 1024
SWITCH_ATTEMPTS, SWITCH_PAUSE_S = 100, 0.05  # leaving WAL mode: tried for 5 s


def wal_on(db: sqlite3.Connection) -> str | None:
    """Put the archive in WAL mode (readers beside its writer), syncing at checkpoints
    only (safe in WAL mode: a crash can lose the last commits, not corrupt the file);
    the journal mode it had, None if it cannot be put in WAL mode."""
    previous = db.execute("PRAGMA journal_mode").fetchone()[0]
    if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
        return None
    db.execute("PRAGMA synchronous = NORMAL")
    return previous


def wal_off(db: sqlite3.Connection, mode: str = "delete") -> None:
    """Back to the journal ``mode`` the archive had (shipped: ``delete``, one file, no
    ``-wal``). Every page is first written back to the archive's file (a checkpoint that
    empties the ``-wal`` file), so the file is whole even when the switch cannot happen; it
    fails at once while another connection is reading, so it is tried for a few seconds,
    then left (logged: the archive stays in WAL mode while that connection has it open)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for _attempt in range(SWITCH_ATTEMPTS):
        try:
            db.execute(f"PRAGMA journal_mode = {mode}")
            return
        except sqlite3.OperationalError as error:  # "database is locked"
            refused = error
            time.sleep(SWITCH_PAUSE_S)
    log.warning("the archive is left in WAL mode (%s): another connection has it open", refused)


class AsideBuild:
    """The indexes of ``INDEXES`` built in a scratch database on a thread of their own.

    ``ready(table)`` once a table's rows are final (committed); ``copy_into(path)`` after
    the last one, to wait for the thread and move the indexes into the archive at
    ``path``. Use as a context manager: the scratch database goes at exit."""

    def __init__(self, archive: str | Path):
        self.archive = Path(archive)
        self._scratch_dir = tempfile.TemporaryDirectory(prefix="archive-fts-")
        self.scratch = Path(self._scratch_dir.name) / "indexes.db"
        self._tables: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fts-aside", daemon=True)
        self._thread.start()

    def __enter__(self) -> AsideBuild:
        return self

    def __exit__(self, *_exc) -> None:
        self._stop()
        self._scratch_dir.cleanup()

    def ready(self, table: str) -> None:
        """``table``'s rows are committed: index them."""
        self._tables.put(table)

    def copy_into(self, path: str | Path) -> bool:
        """Wait for the indexes, then put them in the archive at ``path`` (replacing any
        of the same names), with the triggers that keep the articles' in step, in one
        transaction. Whether they are there: False when the build aside failed (logged),
        the archive as it was."""
        self._stop()
        if self._error is not None:
            log.warning("full-text indexes not built aside (%s): built in turn", self._error)
            return False
        archive = sqlite3.connect(path, isolation_level=None)
        try:
            archive.execute("ATTACH DATABASE ? AS aside", (str(self.scratch),))
            archive.execute("BEGIN")
            for index in INDEXES:
                _copy_index(archive, index)
            archive.execute("COMMIT")
        finally:
            archive.close()
        return True

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._tables.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            scratch = sqlite3.connect(self.scratch, isolation_level=None, uri=True)
            try:
                scratch.execute(f"PRAGMA cache_size = -{SCRATCH_CACHE_KIB}")
                archive = self.archive.resolve().as_uri() + "?mode=ro"
                scratch.execute("ATTACH DATABASE ? AS archive", (archive,))
                while (table := self._tables.get()) is not None:
                    for index in INDEXES:
                        if index.table == table:
                            _fill(scratch, index)
            finally:
                scratch.close()
        except BaseException as error:  # raised in the caller's thread by copy_into
            self._error = error


def _copy_index(archive: sqlite3.Connection, index: Index) -> None:
    """``index`` made empty in the archive, then given the shadow tables' rows of the one
    built aside."""
    create_index(archive, index)
    for shadow in SHADOWS:
        table = f"[{index.name}_{shadow}]"
        archive.execute(f"DELETE FROM main.{table}")
        archive.execute(f"INSERT INTO main.{table} SELECT * FROM aside.{table}")
    create_triggers(archive, index)


def _fill(scratch: sqlite3.Connection, index: Index) -> None:
    """``index`` in the scratch database, filled from the archive's rows in key order."""
    create_index(scratch, index)
    scratch.execute("BEGIN")
    scratch.execute(
        f"INSERT INTO [{index.name}] (rowid, {index.values()}) SELECT [{index.key}], "
        f"{index.values()} FROM archive.[{index.table}] ORDER BY [{index.key}]"
    )
    scratch.execute("COMMIT")
