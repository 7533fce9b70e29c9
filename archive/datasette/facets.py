"""Facets of the derived views read from counts, not computed per request.

On an unfiltered page of a derived view (``meetings_browse``, ``evidence``...), a configured
facet is read from the counts post-processing keeps (``archive/counts.py``): the most
frequent values in index order, whatever the size of the archive. Datasette would group
every row of the view (and for a list column, join each row with its items and take
DISTINCT over every column). The answer is the one Datasette gives (same values, counts,
order and links); a filtered page, another facet or a database without the counts is left
to Datasette.
"""

from __future__ import annotations

import sqlite3

from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from archive.counts import COUNTED_FACETS, FACET_COUNTS

STORED = f"""
SELECT value, count FROM {FACET_COUNTS} WHERE view = :view AND facet = :facet
ORDER BY count DESC, value LIMIT :limit
"""


class StoredCounts:
    """A facet class whose configured facets over an unfiltered derived view are read from
    the stored counts; ``selected_parameter`` is the query parameter a value adds."""

    stored_columns: frozenset[str] = frozenset()

    def selected_parameter(self, column: str) -> str:
        raise NotImplementedError

    def toggle_url(self, path: str) -> str:
        raise NotImplementedError

    def get_configs(self):
        return [c for c in super().get_configs() if _column(c) not in self.stored_columns]

    async def facet_results(self):
        self.stored_columns = await self._stored_columns()
        results, timed_out = await super().facet_results()
        configs = super().get_configs()
        for config in [c for c in configs if _column(c) in self.stored_columns]:
            results.append(await self._stored_result(_column(config), config))
        return results, timed_out

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

    async def _stored_result(self, column: str, config: dict) -> dict:
        size = self.get_facet_size()
        db = self.ds.get_database(self.database)
        found = await db.execute(STORED, {"view": self.table, "facet": column, "limit": size + 1})
        parameter = self.selected_parameter(column)
        removed = path_with_removed_args(self.request, {f"_facet{self.suffix}": column})
        return {
            "name": column,
            "type": self.type,
            "results": [
                {
                    "value": self.shown(row["value"]),
                    "label": self.shown(row["value"]),
                    "count": row["count"],
                    "toggle_url": self.toggle_url(
                        path_with_added_args(self.request, {parameter: row["value"]})
                    ),
                    "selected": False,  # a selected value filters the page
                }
                for row in found.rows[:size]
            ],
            "hideable": config["source"] != "metadata",
            "toggle_url": self.ds.urls.path(removed),
            "truncated": len(found.rows) > size,
        }


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
