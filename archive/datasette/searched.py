"""A page of a wide table (rows of several kilobytes: an article's body and file) filtered by
a full-text search alone reads the matches' other columns from an index, never their rows.

Datasette finds the matches with ``rowid in (select rowid from <fts> where <fts> match …)``
and SQLite then looks each match up in the table: at 100,000 articles a common word matches
70,000 of them, and counting them that way reads 70,000 rows of text (~0.2 s). Scanning an
index of the table that holds the columns its page facets by checks the same matches by
rowid and reads no text (~0.04 s), and one such pass, the matches grouped by those columns
(``Matches``), gives both the page's count and its column facets (``facets.py``). The count
is Datasette's own statement, which has no hook: the database's ``execute`` answers it
(``count_through_index``) and leaves the groups to the facets of the same request (one
request is one asyncio task: ``COUNTED`` is the task's). The rows shown are the page's 50
and stay Datasette's.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from datasette.database import Results
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


@dataclass(frozen=True)
class Matches:
    """The matches of a page (``key``: database, table, condition, parameters) grouped by
    the ``columns`` of an index: ``groups`` are rows of those columns' values and ``n``."""

    key: tuple
    columns: tuple[str, ...]
    groups: list

    def count(self) -> int:
        return sum(row[-1] for row in self.groups)

    def facet(self, column: str, limit: int) -> list[dict]:
        """A column's values (not null) with their counts as Datasette's facet gives them:
        the most frequent first, then by value in SQLite's order, at most ``limit``."""
        at = self.columns.index(column)
        counts: dict = {}
        for row in self.groups:
            if row[at] is not None:
                counts[row[at]] = counts.get(row[at], 0) + row[-1]
        ordered = sorted(counts.items(), key=lambda item: (-item[1], _sqlite_order(item[0])))
        return [{"value": value, "count": count} for value, count in ordered[:limit]]


# The matches the count of the page being answered grouped (see the module's docstring)
COUNTED: ContextVar[Matches | None] = ContextVar("searched_matches", default=None)


def page_key(database: str, table: str, sql: str, params: dict) -> tuple:
    """What identifies a page's matches: its condition (what follows ``from <table>`` in
    ``sql``) and parameters."""
    condition = sql.split(f" from {escape_sqlite(table)} ", 1)[-1].strip()
    return (database, table, condition, tuple(sorted(params.items())))


async def matches(execute, key: tuple, sql: str, index: str, columns, **limits) -> Matches:
    """The matches of ``sql`` (a page of ``key``'s table) grouped by ``columns``, read
    through ``index`` (holding them all), by ``execute``."""
    _database, table, _condition, params = key
    names = ", ".join(f"[{column}]" for column in columns)
    rows = through_index(sql, table, index)
    found = await execute(
        f"SELECT {names}, count(*) AS n FROM ({rows}) GROUP BY {names}", dict(params), **limits
    )
    return Matches(key, tuple(columns), [tuple(row) for row in found.rows])


def remembered(key: tuple) -> Matches | None:
    """The matches the page's count grouped, when they are this page's."""
    found = COUNTED.get()
    return found if found is not None and found.key == key else None


async def count_index(db, table: str) -> str | None:
    """The index a count of ``table``'s matches scans: the one on its first configured
    facet, when the database has it."""
    facets = configured_facets().get(table)
    if not facets:
        return None
    index = index_name(table, facets[0][1])
    return index if await index_columns(db, index) else None


def count_through_index(db) -> None:
    """Datasette's count of a searched wide table, on ``db``, is the sum of the matches
    grouped through an index of the table (same count), the groups kept for the page's
    facets (``COUNTED``)."""
    execute = db.execute
    if getattr(execute, "counts_through_index", False):
        return

    @wraps(execute)
    async def counted(sql, params=None, **kwargs):
        found = SEARCH_COUNT.fullmatch(sql) if isinstance(sql, str) else None
        index = await count_index(db, found["table"]) if found else None
        if not index or found["table"] not in WIDE_TABLES:
            return await execute(sql, params, **kwargs)
        key = page_key(db.name, found["table"], sql, params or {})
        columns = await index_columns(db, index)
        rows = "select * " + sql.removeprefix("select count(*) ")
        grouped = await matches(execute, key, rows, index, columns, **kwargs)
        COUNTED.set(grouped)
        return Results([(grouped.count(),)], False, [("count(*)",)])

    counted.counts_through_index = True
    db.execute = counted


def _sqlite_order(value) -> tuple:
    """SQLite's order of values of different types: numbers, then text, then blobs (text
    by code point: the order of its UTF-8 bytes)."""
    return (0 if isinstance(value, int | float) else 1 if isinstance(value, str) else 2, value)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
