"""A list facet of a large filtered page counted from the list's items held in memory: the
rows each value's list holds (from ``search_list_items``), read once per served database
(an immutable file does not change while served), checked against the page's keys.

Datasette's count (and ``facets.py``'s own, without its DISTINCT) reads every row of the
page and every item of its list, then sorts the items: at 100,000 articles, the articles
naming the commonest subject (46,548 rows) name 186,865 people, 0.12–0.15 s for that facet
alone, past the facet time limit on a busy machine. Here the values are taken most
frequent first (their number of rows in the whole view bounds their count on any page);
each one's rows are counted among the page's keys (a set intersection in C) until the
next value holds fewer rows than the last value shown has on the page: no other value can
be shown. Same values, counts and order as the query (count, then value in SQLite's
order); the items of a list must be text (names), as the derived views' lists are.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from array import array
from dataclasses import dataclass

from archive.lists import ITEMS_TABLE

# A page with fewer rows than this is counted by its query (a few milliseconds); the
# items of a list are held in memory only where they save time.
LARGE_PAGE = 2000


@dataclass(frozen=True)
class Items:
    """A list's values, most rows first (then by value), each with the sorted keys of the
    rows whose list holds it."""

    values: list[tuple[str, array]]


def read_items(conn: sqlite3.Connection, name: str) -> Items:
    """Every item of list ``name``, grouped by value (one pass over its primary key)."""
    found: list[tuple[str, array]] = []
    for value, row_id in conn.execute(
        f"SELECT value, row_id FROM {ITEMS_TABLE} WHERE list = ? ORDER BY value, row_id", [name]
    ):
        if not found or found[-1][0] != value:
            found.append((value, array("q")))
        found[-1][1].append(row_id)
    found.sort(key=lambda item: -len(item[1]))  # (stable: by value within a length)
    return Items(found)


def top_values(items: Items, keys: frozenset | set, limit: int) -> list[dict]:
    """The ``limit`` values held by most of the rows whose key is in ``keys``, with their
    counts: by count, then by value (SQLite's order of text: its code points)."""
    counted: list[tuple[int, str]] = []
    floor = 0  # the count of the last value shown so far, once ``limit`` are found
    for value, rows in items.values:
        if len(rows) < floor:
            break
        count = len(keys.intersection(rows))
        if count:
            counted.append((count, value))
            if len(counted) >= limit:
                counted.sort(key=lambda cv: (-cv[0], cv[1]))
                del counted[limit:]
                floor = counted[-1][0]
    counted.sort(key=lambda cv: (-cv[0], cv[1]))
    return [{"value": value, "count": count} for count, value in counted[:limit]]


async def page_keys(db, key: str, rows_sql: str, params, **limits) -> frozenset:
    """The ``key`` of each row ``rows_sql`` selects on ``db`` (read as one JSON array: a
    third less time than a row each)."""
    sql = f"SELECT json_group_array([{key}]) FROM ({rows_sql})"
    found = await db.execute(sql, params, **limits)
    return frozenset(json.loads(found.rows[0][0]))


async def listed_facet(db, name: str, keys: frozenset, limit: int) -> list[dict]:
    """The facet of list ``name`` over the rows whose keys are ``keys``, on ``db`` (a
    Datasette database served immutable), its items read on first use."""
    held = db.__dict__.setdefault("archive_listed_items", {})
    lock = held.setdefault(("lock", name), asyncio.Lock())
    async with lock:
        if name not in held:
            held[name] = await db.execute_fn(lambda conn: read_items(conn, name))
    return top_values(held[name], keys, limit)
