"""``search_list_items``: each item of each list column a derived view is faceted by (a
meeting's participants, a person's posts...) with the row's key (``row_id``: the meeting,
article or person), so a page filtered on a list item (``participants__arraycontains=Tô
Lâm``, what clicking an array facet's value asks) finds its rows through an index
(``archive/datasette/lists.py``) instead of parsing every row's list.

Kept in step with the derived tables: a row's items are removed before the row is deleted
(from the row's own lists) and added after it is inserted.
"""

from __future__ import annotations

import sqlite_utils

from archive.counts import COUNTED_VIEWS, ITEMS_TABLE, counted_facets, list_name

COLUMNS = (
    "list TEXT NOT NULL, value TEXT NOT NULL, row_id INTEGER NOT NULL, "
    "PRIMARY KEY (list, value, row_id)"
)


def listed_columns() -> dict[tuple[str, str], tuple[str, str]]:
    """(view, list column) → (derived table, key column), for every configured array facet
    of a derived view."""
    return {
        (view, column): COUNTED_VIEWS[view]
        for view, kind, column in counted_facets()
        if kind == "array"
    }


def _items(table: str, where: str) -> list[tuple[str, str]]:
    """(list, the value and row_id of each item) of the rows of ``table`` matching ``where``
    (on row ``r``), one list column of the table at a time (a list holds an item once: no
    DISTINCT, which would sort them once more)."""
    return [
        (
            list_name(view, column),
            f"j.value, r.[{key}] FROM [{table}] r, json_each(r.[{column}]) j WHERE {where}",
        )
        for (view, column), (source, key) in listed_columns().items()
        if source == table
    ]


def build_lists(db: sqlite_utils.Database) -> None:
    """Every item afresh (the derived tables must be complete)."""
    db.execute(f"DROP TABLE IF EXISTS {ITEMS_TABLE}")
    db.execute(f"CREATE TABLE {ITEMS_TABLE} ({COLUMNS}) WITHOUT ROWID")
    for table in sorted({source for source, _key in listed_columns().values()}):
        add_items(db, table, "1")


def add_items(db: sqlite_utils.Database, table: str, where: str) -> None:
    """The items of the rows of ``table`` matching ``where`` (on row ``r``), inserted in key
    order (in random order, at 100,000 articles, they cost twice the CPU): by value and
    row, as a query gives one list (the list's name left out of the sort: a quarter less)."""
    for name, items in _items(table, where):
        db.execute(
            f"INSERT OR IGNORE INTO {ITEMS_TABLE} (list, value, row_id) "
            f"SELECT '{name}', {items} ORDER BY 2, 3"
        )


def remove_items(db: sqlite_utils.Database, table: str, where: str) -> None:
    """Take out the items of the rows of ``table`` matching ``where`` (before they go), each
    found by its whole key (with the list's name in the IN's rows, SQLite would read every
    row of a value: at 100,000 articles, thousands for a common post)."""
    for name, items in _items(table, where):
        db.execute(
            f"DELETE FROM {ITEMS_TABLE} "
            f"WHERE list = '{name}' AND (value, row_id) IN (SELECT {items})"
        )
