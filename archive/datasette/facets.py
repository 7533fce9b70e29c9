"""Facets that do not read every row: stored counts for the derived views, an index for a
searched wide table.

On an unfiltered page of a derived view (``meetings_browse``, ``evidence``...), a configured
facet is read from the counts post-processing keeps (``archive/counts.py``): the most
frequent values in index order, whatever the size of the archive. Datasette would group
every row of the view (and for a list column, join each row with its items and take
DISTINCT over every column). The answer is the one Datasette gives (same values, counts,
order and links). On a filtered page a column facet of a column the page filters on one
value is that value with the page's count; the facets of a large page of a view with lists
served immutable are counted from the rows of each value held in memory (``listed.py``);
a list facet of a smaller page counts the items of the page's rows (each row's list holds
distinct values) without that DISTINCT; the other facets, and a database without the
counts, are left to Datasette. On a page of
``articles`` filtered by a full-text search alone, the column facets read the matches'
values from one index holding them all (``search_ix_articles_outlet``...), counted in one
pass, rather than from rows of several kilobytes (``searched.py``).
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable
from contextlib import closing

from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from archive.counts import COUNTED_FACETS, FACET_COUNTS, pair_name, paired_facets
from archive.datasette import configured_facets, listed, searched
from archive.lists import list_name, listed_columns

LISTED = listed_columns()  # (view, list column) of the derived views
# The views with lists (one row a key): their facets of a large page from held values
HELD_VIEWS = {view: source for (view, _column), source in LISTED.items()}

STORED = f"""
SELECT value, count FROM {FACET_COUNTS} WHERE view = :view AND facet = :facet
ORDER BY count DESC, value LIMIT :limit
"""


PAIRED = paired_facets()  # view → its two column facets, whose pairs are counted
PAIRS = """
SELECT json_extract(value, '$[{own}]') AS value, count FROM {counts}
WHERE view = :view AND facet = :facet AND json_extract(value, '$[{other}]') = :value
ORDER BY count DESC, value LIMIT :limit
"""


class StoredCounts:
    """A facet class whose configured facets over an unfiltered derived view are read from
    the stored counts, the others computed by Datasette one at a time (over the rows as
    ``_narrow_sql`` reads them); ``selected_parameter`` is the query parameter a value adds."""

    computing: dict | None = None  # the one facet Datasette's code computes now

    def selected_parameter(self, column: str) -> str:
        raise NotImplementedError

    def toggle_url(self, path: str) -> str:
        raise NotImplementedError

    def get_configs(self):
        return [self.computing] if self.computing else super().get_configs()

    async def facet_results(self):
        """Every requested facet, one after the other: at once, on a busy machine, each took
        longer than the facet time limit allows (list facets of a filtered page at 100,000
        articles were dropped)."""
        stored = await self._stored_columns()
        configs = super().get_configs()
        together, results, timed_out = await self._searched_together(configs)
        for config in configs:
            if _column(config) in together:
                continue
            done, late = await self._one(config, stored)
            results += done
            timed_out += late
        return results, timed_out

    async def _searched_together(self, configs: list[dict]) -> tuple[set, list, list]:
        """On a wide table filtered by a full-text search alone, its column facets from one
        grouping of the matches through an index holding them all (the one the page's count
        made, else their own): (columns done, results, timed out)."""
        columns = [_column(config) for config in configs]
        if self.type != "column" or not columns or not self._searched_only():
            return set(), [], []
        key = searched.page_key(self.database, self.table, self.sql, self.params)
        found = searched.remembered(key)
        if found is None or not set(columns) <= set(found.columns):
            db = self.ds.get_database(self.database)
            index = searched.index_name(self.table, columns[0])
            indexed = await searched.index_columns(db, index)
            if not set(columns) <= set(indexed):
                return set(), [], []
            limit = self.ds.setting("facet_time_limit_ms")
            try:
                found = await searched.matches(
                    db.execute, key, self.sql, index, indexed, custom_time_limit=limit
                )
            except QueryInterrupted:
                return set(columns), [], columns
        size = self.get_facet_size() + 1
        answers = [
            await self._answer(column, config, found.facet(column, size))
            for column, config in zip(columns, configs, strict=True)
        ]
        return set(columns), answers, []

    def _searched_only(self) -> bool:
        return searched.searched_only(self.table, self.request.args)

    async def _one(self, config: dict, stored: frozenset[str]) -> tuple[list, list]:
        """One facet's answer: (results, columns timed out)."""
        column = _column(config)
        if column in stored:
            return [await self._answer(column, config, await self._stored(column))], []
        pinned = await self._pinned(column) if self.type == "column" else None
        if pinned is None and self.type == "column":
            pinned = await self._paired(column)
        if pinned is not None:
            return [await self._answer(column, config, pinned)], []
        held = self._held(column)
        if held or (self.type == "array" and (self.table, column) in LISTED):
            try:
                found = await (self._from_held(column) if held else self._listed(column))
            except QueryInterrupted:
                return [], [column]
            return [await self._answer(column, config, found)], []
        return await self._computed(config, await self._narrow_sql(column))

    def _held(self, column: str) -> bool:
        """Whether the facet is counted from the values held in memory (``listed.py``): a
        large page of a view with lists, on a database served immutable."""
        return (
            self.table in HELD_VIEWS
            and not self.ds.get_database(self.database).is_mutable
            and (self.row_count or 0) >= listed.LARGE_PAGE
        )

    async def _from_held(self, column: str) -> list:
        key = HELD_VIEWS[self.table][1]
        name, read = held_reader(self.table, self.type, column)
        page = await self._page_keys(key)
        db = self.ds.get_database(self.database)
        return await listed.facet(db, name, read, page, self.get_facet_size() + 1)

    async def _computed(self, config: dict, sql: str) -> tuple[list, list]:
        """Datasette's own answer for one facet, over ``sql`` (the page's rows), computed by a
        copy of this facet that sees that facet alone."""
        facet = copy.copy(self)
        facet.sql, facet.computing = sql, config
        return await super(StoredCounts, facet).facet_results()

    async def _narrow_sql(self, column: str) -> str:
        """The page's rows for a facet: on a wide table filtered by a full-text search alone
        (``searched.py``), read through the index on the facet column (the matches are
        checked by rowid in the index, no row of text is read); else the page's SQL."""
        if not self._searched_only():
            return self.sql
        index = searched.index_name(self.table, column)
        db = self.ds.get_database(self.database)
        if not await searched.index_columns(db, index):
            return self.sql
        return searched.through_index(self.sql, self.table, index)

    async def _pinned(self, column: str) -> list | None:
        """The facet of a column the page filters on one value (``column=value``, what
        clicking a column facet's value asks): every row holds that value, so the facet is
        the value (as stored: read from one row) with the page's count, not a grouping of
        every row (``evidence?fact=post`` at 100,000 articles: 717,518 rows). None when the
        page does not, or its count is unknown."""
        names = {f"{column}__exact"} | (set() if column.startswith("_") else {column})
        values = [value for name, value in self.get_querystring_pairs() if name in names]
        if len(values) != 1 or self.row_count is None:
            return None
        if not self.row_count:
            return []
        db = self.ds.get_database(self.database)
        quoted = escape_sqlite(column)
        found = await db.execute(
            f"SELECT {quoted} AS value FROM ({self.sql}) WHERE {quoted} IS NOT NULL LIMIT 1",
            self.params,
        )
        return [{"value": row["value"], "count": self.row_count} for row in found.rows]

    async def _paired(self, column: str) -> list | None:
        """The facet of one of a view's two column facets on a page filtered on one value of
        the other alone (``evidence?fact=post``): read from the counts of their pairs
        (``counts.paired_facets``); None on any other page."""
        pair = PAIRED.get(self.table or "")
        if not pair or column not in pair:
            return None
        other = pair[1 - pair.index(column)]
        if set(self.params) != {"p0"} or not self.sql.rstrip().endswith(f' where "{other}" = :p0'):
            return None
        db = self.ds.get_database(self.database)
        name = pair_name(*pair)
        if not await _counted(db, self.table, name):
            return None
        quoted = escape_sqlite(other)
        found = await db.execute(f"SELECT {quoted} FROM ({self.sql}) LIMIT 1", self.params)
        if not found.rows:
            return []
        sql = PAIRS.format(counts=FACET_COUNTS, own=pair.index(column), other=pair.index(other))
        limit = self.get_facet_size() + 1
        values = {"view": self.table, "facet": name, "value": found.rows[0][0], "limit": limit}
        return (await db.execute(sql, values)).rows

    async def _stored_columns(self) -> frozenset[str]:
        """The requested facets that have stored counts, when the page is unfiltered."""
        unfiltered = not self.params and self.sql.rstrip().endswith(
            f" from {escape_sqlite(self.table or '')}"
        )
        if not unfiltered:
            return frozenset()
        db = self.ds.get_database(self.database)
        try:
            found = await db.execute(
                f"SELECT facet FROM {COUNTED_FACETS} WHERE view = ?", [self.table]
            )
        except sqlite3.OperationalError:  # a database without the counts
            return frozenset()
        counted = {row[0] for row in found.rows}
        return frozenset(_column(c) for c in super().get_configs()) & counted

    async def _stored(self, column: str) -> list:
        db = self.ds.get_database(self.database)
        limit = self.get_facet_size() + 1
        return (
            await db.execute(STORED, {"view": self.table, "facet": column, "limit": limit})
        ).rows

    async def _listed(self, column: str) -> list:
        """A list facet over the page's rows, each row's items counted once (its list holds
        distinct values) without Datasette's DISTINCT over every column of every item."""
        db = self.ds.get_database(self.database)
        sql = (
            f"SELECT j.value AS value, count(*) AS count FROM ({self.sql}) r, "
            f"json_each(r.[{column}]) j GROUP BY j.value ORDER BY count DESC, value "
            f"LIMIT {self.get_facet_size() + 1}"
        )
        limit = self.ds.setting("facet_time_limit_ms")
        return (await db.execute(sql, self.params, custom_time_limit=limit)).rows

    async def _page_keys(self, key: str) -> listed.Page:
        """The keys of the page's rows, read once for all its facets (by its count, when
        ``listed.count_through_keys`` answered it)."""
        counted = listed.counted_keys(
            searched.page_key(self.database, self.table, self.sql, dict(self.params))
        )
        if counted is not None:
            return counted
        held = self.request.__dict__.setdefault("archive_page_keys", {})
        page = (self.database, self.sql, repr(self.params), key)
        if page not in held:
            db = self.ds.get_database(self.database)
            limit = self.ds.setting("facet_time_limit_ms")
            held[page] = await listed.page_keys(
                db, key, self.sql, self.params, custom_time_limit=limit
            )
        return held[page]

    async def _answer(self, column: str, config: dict, rows: list) -> dict:
        """A facet's answer as Datasette gives it, from its (value, count) rows."""
        size = self.get_facet_size()
        parameter = self.selected_parameter(column)
        pairs = self.get_querystring_pairs()
        removed = path_with_removed_args(self.request, {f"_facet{self.suffix}": column})
        values = []
        for row in rows[:size]:
            selected = (parameter, str(row["value"])) in pairs
            change = path_with_removed_args if selected else path_with_added_args
            values.append(
                {
                    "value": self.shown(row["value"]),
                    "label": self.shown(row["value"]),
                    "count": row["count"],
                    "toggle_url": self.toggle_url(
                        change(self.request, {parameter: self.shown(row["value"])})
                    ),
                    "selected": selected,
                }
            )
        return {
            "name": column,
            "type": self.type,
            "results": values,
            "hideable": config["source"] != "metadata",
            "toggle_url": self.ds.urls.path(removed),
            "truncated": len(rows) > size,
        }


def held_reader(view: str, kind: str, column: str) -> tuple[str, Callable]:
    """The name of the values a facet of ``view`` (with lists) holds, and what reads them."""
    table, key = HELD_VIEWS[view]
    if kind == "array":
        name = list_name(view, column)
        return name, lambda conn: listed.read_items(conn, name)
    return f"{table}.{column}", lambda conn: listed.read_column(conn, table, column, key)


def hold_values(datasette) -> None:
    """Read the values every facet of a large page holds (``listed.py``), for each database
    served immutable whose views with lists are large, before serving: the first reader's
    click then costs what the next ones do (at 100,000 articles, 2–4 s of CPU at startup,
    instead of 1–2 s on the first click of each view)."""
    for db in list(datasette.databases.values()):
        if db.is_mutable:
            continue
        try:
            with closing(db.connect()) as conn:
                for view, (table, _key) in HELD_VIEWS.items():
                    if listed.large_table(conn, table):
                        readers = (held_reader(view, *facet) for facet in configured_facets()[view])
                        listed.hold(db, conn, dict(readers))
        except sqlite3.Error:  # an archive of another shape: its pages will say
            continue


async def _counted(db, view: str, facet: str) -> bool:
    """Whether the database keeps the counts of ``facet`` of ``view`` (an archive built by
    an earlier version may not)."""
    try:
        found = await db.execute(
            f"SELECT 1 FROM {COUNTED_FACETS} WHERE view = ? AND facet = ?", [view, facet]
        )
    except sqlite3.OperationalError:  # a database without the counts
        return False
    return bool(found.rows)


def _column(config: dict) -> str:
    return config["config"].get("column") or config["config"]["simple"]


class StoredColumnFacet(StoredCounts, ColumnFacet):
    suffix = ""

    def selected_parameter(self, column: str) -> str:
        return f"{column}__exact" if column.startswith("_") else column

    def toggle_url(self, path: str) -> str:
        return self.ds.absolute_url(self.request, self.ds.urls.path(path))

    @staticmethod
    def shown(value):
        return value


class StoredArrayFacet(StoredCounts, ArrayFacet):
    suffix = "_array"

    def selected_parameter(self, column: str) -> str:
        return f"{column}__arraycontains"

    def toggle_url(self, path: str) -> str:
        return self.ds.absolute_url(self.request, path)

    @staticmethod
    def shown(value):
        return str(value)


REPLACEMENTS = {ColumnFacet: StoredColumnFacet, ArrayFacet: StoredArrayFacet}


def with_stored_counts(classes: list[type]) -> list[type]:
    """Datasette's facet classes, the column and array facets replaced by ours."""
    return [REPLACEMENTS.get(klass, klass) for klass in classes]
