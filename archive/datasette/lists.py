"""``column__arraycontains=value`` on a list column of a derived view (what clicking an array
facet's value asks) answered from the items post-processing keeps (``archive/lists.py``):
the rows whose key the index lists for that value, instead of parsing every row's list.
Other columns and tables keep Datasette's own condition. Same rows, same parameter, same
human description: only the SQL differs.
"""

from __future__ import annotations

from datasette.filters import Filters, TemplatedFilter

from archive.lists import ITEMS_TABLE, list_name, listed_columns


class ListedArrayContains(TemplatedFilter):
    """Datasette's ``arraycontains`` filter, through the items index where one exists."""

    def __init__(self, original: TemplatedFilter) -> None:
        super().__init__(
            original.key, original.display, original.sql_template, original.human_template
        )
        self.listed = listed_columns()

    def where_clause(self, table, column, value, param_counter):
        if (table, column) not in self.listed:
            return super().where_clause(table, column, value, param_counter)
        _source, key = self.listed[(table, column)]
        sql = (
            f"[{key}] IN (SELECT row_id FROM {ITEMS_TABLE} "
            f"WHERE list = '{list_name(table, column)}' AND value = :p{param_counter})"
        )
        return sql, value


def install() -> None:
    """Replace Datasette's ``arraycontains`` filter (a class attribute of ``Filters``)."""
    original = Filters._filters_by_key["arraycontains"]
    if isinstance(original, ListedArrayContains):
        return
    replacement = ListedArrayContains(original)
    Filters._filters = [replacement if f is original else f for f in Filters._filters]
    Filters._filters_by_key = {f.key: f for f in Filters._filters}
