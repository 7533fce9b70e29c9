"""The facets of a large filtered page of a browse view with lists (``meetings_browse``,
``articles_browse``, ``persons_browse``: one row a key) counted from the rows of each value
held in memory, read once per served database (an immutable file does not change while
served), checked against the page's keys.

Datasette's count (and ``facets.py``'s own for a list, without its DISTINCT) reads every
row of the page and every item of its list, then sorts the items: at 100,000 articles,
the articles naming the commonest subject (46,548 rows) name 186,865 people, 0.12–0.15 s
for that facet alone, past the facet time limit on a busy machine; each column facet
groups the page's rows again. Here the values are taken most frequent first (their number
of rows in the whole view bounds their count on any page); each one's rows are counted
among the page's keys (a set intersection in C) until the next value holds fewer rows
than the last value shown has on the page: no other value can be shown. Same values,
counts and order as the queries: by count, then by value in SQLite's own order (the order
it read them in).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from array import array
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from datasette.database import Results

from archive.datasette import searched
from archive.lists import ITEMS_TABLE

# A page with fewer rows than this is counted by its queries (a few milliseconds); the
# rows of each value are held in memory only where they save time.
LARGE_PAGE = 2000


@dataclass(frozen=True)
class Values:
    """A facet's values, most rows first, then in SQLite's order: (value, rows, rank, keys,
    bits) with the sorted ``keys`` of the rows holding it, or for a value held by one row
    in 64 or more, their ``bits`` (bit k for key k: as small, and counted at once)."""

    values: list[tuple[object, int, int, array | None, int | None]]


def bitmap(keys) -> int:
    """The integer whose bit k is set for each key k (keys are row ids: small, positive)."""
    if not keys:
        return 0
    bits = bytearray((max(keys) >> 3) + 1)
    for key in keys:
        bits[key >> 3] |= 1 << (key & 7)
    return int.from_bytes(bits, "little")


def _grouped(rows) -> Values:
    """(value, key) rows in SQLite's order of values, grouped by value."""
    found: list[tuple[object, array]] = []
    for value, key in rows:
        if not found or found[-1][0] != value:
            found.append((value, array("q")))
        found[-1][1].append(key)
    size = max((keys[-1] for _value, keys in found), default=0) + 1
    held = [
        (value, len(keys), rank, None, bitmap(keys))
        if 64 * len(keys) >= size
        else (value, len(keys), rank, keys, None)
        for rank, (value, keys) in enumerate(found)
    ]
    held.sort(key=lambda item: -item[1])  # (stable: in rank within a length)
    return Values(held)


def read_items(conn: sqlite3.Connection, name: str) -> Values:
    """The values of list ``name`` and the rows holding each (its items' primary key)."""
    sql = f"SELECT value, row_id FROM {ITEMS_TABLE} WHERE list = ? ORDER BY value, row_id"
    return _grouped(conn.execute(sql, [name]))


def read_column(conn: sqlite3.Connection, table: str, column: str, key: str) -> Values:
    """The values of ``column`` of ``table`` (not null) and the keys of the rows holding
    each."""
    sql = (
        f"SELECT [{column}], [{key}] FROM [{table}] WHERE [{column}] IS NOT NULL "
        f"ORDER BY [{column}], [{key}]"
    )
    return _grouped(conn.execute(sql))


class Page:
    """The keys of a page's rows, as a set and (made on first use) as bits."""

    def __init__(self, keys: frozenset) -> None:
        self.keys = keys
        self._bits: int | None = None

    @property
    def bits(self) -> int:
        if self._bits is None:
            self._bits = bitmap(self.keys)
        return self._bits

    def count(self, keys: array | None, bits: int | None) -> int:
        """How many of the page's rows hold a value (held as ``keys`` or ``bits``)."""
        return (self.bits & bits).bit_count() if keys is None else len(self.keys.intersection(keys))


def top_values(held: Values, page: Page, limit: int) -> list[dict]:
    """The ``limit`` values held by most of the page's rows, with their counts: by count,
    then in SQLite's order."""
    counted: list[tuple[int, int, object]] = []  # (-count, rank, value)
    floor = 0  # the count of the last value shown so far, once ``limit`` are found
    for value, rows, rank, keys, bits in held.values:
        if rows < floor:
            break
        count = page.count(keys, bits)
        if count:
            counted.append((-count, rank, value))
            if len(counted) >= limit:
                counted.sort()
                del counted[limit:]
                floor = -counted[-1][0]
    counted.sort()
    return [{"value": value, "count": -count} for count, _rank, value in counted[:limit]]


async def page_keys(db, key: str, rows_sql: str, params, **limits) -> Page:
    """The ``key`` of each row ``rows_sql`` selects on ``db`` (read as one JSON array: a
    third less time than a row each)."""
    return (await _keys(db.execute, key, rows_sql, params, **limits))[1]


async def _keys(execute, key: str, rows_sql: str, params, **limits) -> tuple[int, Page]:
    """(rows, their keys) of ``rows_sql``, by ``execute``."""
    sql = f"SELECT json_group_array([{key}]) FROM ({rows_sql})"
    found = json.loads((await execute(sql, params, **limits)).rows[0][0])
    return len(found), Page(frozenset(found))


# The keys of the page being answered, read by its count (one request is one asyncio task)
COUNTED: ContextVar[tuple[tuple, Page] | None] = ContextVar("listed_page", default=None)
# Datasette's count of a filtered page (views/table.py)
FILTERED_COUNT = re.compile(r"select count\(\*\) from (?P<table>\w+) (?P<where>where .*)", re.S)


def counted_keys(page: tuple) -> Page | None:
    """The keys the count of the page ``page`` (``searched.page_key``) read, if it did."""
    found = COUNTED.get()
    return found[1] if found is not None and found[0] == page else None


def count_through_keys(db, keys: dict[str, str]) -> None:
    """Datasette's count of a filtered page of a table in ``keys`` (table → key column), on
    ``db`` served immutable, reads the page's keys instead (their number is the count), kept
    for the facets of the same request: the page's rows are read once, not twice."""
    execute = db.execute
    if db.is_mutable or getattr(execute, "counts_through_keys", False):
        return

    @wraps(execute)
    async def counted(sql, params=None, **kwargs):
        # (the table page counts with no options; SQL a reader types comes with truncate=)
        found = FILTERED_COUNT.fullmatch(sql) if isinstance(sql, str) and not kwargs else None
        if not found or found["table"] not in keys:
            return await execute(sql, params, **kwargs)
        table = found["table"]
        rows = f"select [{keys[table]}] from {table} {found['where']}"
        number, page = await _keys(execute, keys[table], rows, params, **kwargs)
        COUNTED.set((searched.page_key(db.name, table, sql, params or {}), page))
        return Results([(number,)], False, [("count(*)",)])

    counted.counts_through_keys = True
    db.execute = counted


def hold(db, conn: sqlite3.Connection, readers: dict[str, Callable]) -> None:
    """Read the values of every facet of ``readers`` not yet held for ``db``, on ``conn``
    (before ``db`` is served: nothing else reads them meanwhile)."""
    found = db.__dict__.setdefault("archive_held_values", {})
    for name, read in readers.items():
        if name not in found:
            found[name] = read(conn)


def large_table(conn: sqlite3.Connection, table: str) -> bool:
    """Whether ``table`` holds a large page's rows (else no page of it is large)."""
    sql = f"SELECT 1 FROM [{table}] LIMIT 1 OFFSET {LARGE_PAGE - 1}"
    return conn.execute(sql).fetchone() is not None


async def facet(
    db, name: str, read: Callable[[sqlite3.Connection], Values], page: Page, limit: int
) -> list[dict]:
    """The facet ``name`` over the ``page``'s rows, on ``db`` (a Datasette database served
    immutable), its values read by ``read`` on first use."""
    held = db.__dict__.setdefault("archive_held_values", {})
    lock = held.setdefault(("lock", name), asyncio.Lock())
    async with lock:
        if name not in held:
            held[name] = await db.execute_fn(read)
    return top_values(held[name], page, limit)
