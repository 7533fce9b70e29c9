"""``archive export-sqlite``: an archive kept on a database server (PostgreSQL) copied into an
SQLite file that ``archive serve`` and ``archive publish`` take as they are: the same
migrations, every table's rows with their ids, then the search tables and views."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine, select

from archive.db import check_is_archive, database_url, require_head, upgrade_to_head
from archive.models import Base
from archive.postprocess import ensure_db_shape

BATCH_ROWS = 2000


def export_sqlite(source: str, target: Path) -> dict[str, int]:
    """Copy the archive at ``source`` (an SQLAlchemy URL) into the SQLite file ``target``
    (replaced once the copy is complete); return the rows copied per table."""
    url = database_url(source)
    require_head(url)  # the copy's schema is the head's: the source must be there too
    target = target.resolve()
    check_is_archive(database_url(target))  # never replace a file that is not an archive
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(suffix=".db", dir=target.parent)
    os.close(fd)
    os.unlink(scratch)
    try:
        upgrade_to_head(scratch)
        counts = _copy_rows(url, Path(scratch))
        ensure_db_shape(scratch)
        os.replace(scratch, target)
    finally:
        Path(scratch).unlink(missing_ok=True)
    return counts


def _copy_rows(url: str, scratch: Path) -> dict[str, int]:
    """Every table of the schema, in primary-key order (foreign keys checked at the end: an
    organisation may name a parent stored after it)."""
    engine = create_engine(url)
    counts: dict[str, int] = {}
    try:
        with engine.connect() as source, closing(sqlite3.connect(scratch)) as copy:
            copy.execute("PRAGMA foreign_keys = OFF")
            for table in Base.metadata.sorted_tables:
                names = [c.name for c in table.columns]
                insert = (
                    f"INSERT INTO [{table.name}] ({', '.join(f'[{n}]' for n in names)}) "
                    f"VALUES ({', '.join('?' * len(names))})"
                )
                rows = source.execution_options(yield_per=BATCH_ROWS).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                counts[table.name] = 0
                for batch in rows.partitions():
                    copy.executemany(insert, [tuple(r) for r in batch])
                    counts[table.name] += len(batch)
            problems = copy.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"the copy breaks {len(problems)} foreign keys: {problems[:3]}")
            copy.commit()
    finally:
        engine.dispose()
    return counts
