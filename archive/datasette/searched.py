"""A page of a wide table (rows of several kilobytes: an article's body and file) filtered by
a full-text search alone reads the matches' other columns from an index, never their rows.

Datasette finds the matches with ``rowid in (select rowid from <fts> where <fts> match …)``
and SQLite then looks each match up in the table: at 100,000 articles a common word matches
70,000 of them, and counting them that way reads 70,000 rows of text (~0.2 s). Scanning an
index of the table that holds the wanted columns checks the same matches by rowid and
reads no text (~0.04 s). The page's count (``count_through_index``: Datasette has no hook for
it, so the database's ``execute`` is wrapped) and its column facets (``facets.py``) go that
way; the rows shown are the page's 50 and stay Datasette's.
"""

from __future__ import annotations

import re
from functools import wraps

from datasette.utils import escape_sqlite

from archive.datasette import configured_facets

WIDE_TABLES = frozenset({"articles"})
# Query parameters that are conditions on the rows, besides the column filters (col=, col__op=)
CONDITIONS = frozenset({"_where", "_through"})
# Datasette's count of a page filtered by ``?_search=`` alone (views/table.py, filters.py)
SEARCH_COUNT = re.compile(
    r"select count\(\*\) from (?P<table>\w+) where rowid in \(select rowid from "
    r"(?P<fts>\[?\w+\]?) where (?P=fts) match (?:escape_fts\(:search\)|:search)\) "
)


def searched_only(table: str | None, args) -> bool:
    """Whether a page of ``table`` with request ``args`` is a wide table filtered by a
    full-text search alone."""
    keys = set(args.keys())
    return (
        table in WIDE_TABLES
        and "_search" in keys
        and not any(k in CONDITIONS or not k.startswith("_") for k in keys)
    )


def index_name(table: str, column: str) -> str:
    """The index post-processing keeps on a column a page of ``table`` facets by (holding
    the table's other column facets too: ``archive/postprocess.py``)."""
    return f"search_ix_{table}_{column}"


async def index_columns(db, index: str) -> list[str]:
    """The columns of ``index`` in order (none when the database lacks it)."""
    found = await db.execute(f"SELECT name FROM pragma_index_info({_quoted(index)})")
    return [row[0] for row in found.rows]


def through_index(sql: str, table: str, index: str) -> str:
    """``sql`` over ``table`` read through ``index`` (the first ``from <table>``)."""
    table_sql = f" from {escape_sqlite(table)} "
    return sql.replace(table_sql, f"{table_sql}INDEXED BY [{index}] ", 1)


async def count_index(db, table: str) -> str | None:
    """The index a count of ``table``'s matches scans: the one on its first configured
    facet, when the database has it."""
    facets = configured_facets().get(table)
    if not facets:
        return None
    index = index_name(table, facets[0][1])
    return index if await index_columns(db, index) else None


def count_through_index(db) -> None:
    """Datasette's count of a searched wide table, on ``db``, scans an index of the table
    instead of looking each match up in it (same count)."""
    execute = db.execute
    if getattr(execute, "counts_through_index", False):
        return

    @wraps(execute)
    async def counted(sql, *args, **kwargs):
        found = SEARCH_COUNT.fullmatch(sql) if isinstance(sql, str) else None
        if found and found["table"] in WIDE_TABLES:
            index = await count_index(db, found["table"])
            if index:
                sql = through_index(sql, found["table"], index)
        return await execute(sql, *args, **kwargs)

    counted.counts_through_index = True
    db.execute = counted


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
