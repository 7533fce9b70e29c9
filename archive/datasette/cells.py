"""Table cells as a reader wants them (the ``render_cell`` hook): people, organisations,
topics, meetings and articles as links to their pages, JSON-array columns as lists of links
(the stored value stays an array, so ``_facet_array`` still works), English labels beside
country codes, places and meeting kinds, and search snippets highlighted."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from markupsafe import Markup, escape

from archive.datasette.labels import (
    KINDS,
    Names,
    country_label,
    kind_label,
    names,
    place_label,
)
from archive.datasette.snippets import MARK_CLOSE, MARK_OPEN
from archive.views import VIEWS

# Columns of views and query results naming rows of a linked table.
ENTITY_COLUMNS: dict[str, str] = {
    **dict.fromkeys(
        ("person", "person_a", "person_b", "attended_with", "participants", "persons"), "persons"
    ),
    **dict.fromkeys(
        ("organisation", "organisation_a", "organisation_b", "organisations"), "organisations"
    ),
    **dict.fromkeys(("topic", "topics"), "topics"),
}
# (view, column) pairs whose column names a row through another column of the row (None:
# any query result).
ROW_LINKS: dict[tuple[str | None, str], tuple[str, str]] = {
    ("persons_browse", "name"): ("persons", "person_id"),
    ("articles_browse", "title"): ("articles", "article_id"),
    (None, "title"): ("articles", "article_id"),
    (None, "article"): ("articles", "article_id"),
}
ID_COLUMNS = {"meeting_id": "meetings", "article_id": "articles"}
COUNTRY_COLUMNS = frozenset({"country", "country_b", "side", "side_a", "side_b", "sides"})
SNIPPET_COLUMNS = frozenset({"excerpt", "snippet"})
KIND_VI = {record["en"]: record["vi"] for record in KINDS.values()}


def json_list(value: object) -> list | None:
    """The list a JSON-array cell holds, or None for any other value."""
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def highlight(snippet: str) -> Markup:
    """A snippet with its ⟦marked⟧ words in <mark>, everything else escaped."""
    text = str(escape(snippet))
    return Markup(text.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def with_label(value: str, label: str | None) -> Markup:
    """``value`` with an English label beside it (when there is one)."""
    if not label or label == value:
        return escape(value)
    return Markup('{} <span class="en">{}</span>').format(value, label)


def as_list(items: list, render_item: Callable[[object], Markup]) -> Markup:
    """A list cell: one item a line, no JSON brackets or quotes."""
    if not items:
        return Markup('<span class="none">none</span>')
    entries = "".join(f"<li>{escape(render_item(i))}</li>" for i in items)
    return Markup(f'<ul class="cell-list">{entries}</ul>')


class CellRenderer:
    """Renders one cell of ``database``; links need the label → id maps (``Names``)."""

    def __init__(self, datasette, database: str, known: Names) -> None:
        self.datasette, self.database, self.known = datasette, database, known
        self.tables: dict[str, str] = {}  # table → its path, asked once a page

    def url(self, table: str, row_id: object) -> str:
        """What ``datasette.urls.row`` gives: the table's path, then the row's."""
        if table not in self.tables:
            self.tables[table] = str(self.datasette.urls.table(self.database, table))
        return f"{self.tables[table]}/{row_id}"

    def link(self, table: str, label: object, row_id: object = None) -> Markup:
        """A link to the page of ``label`` (its text alone when it has none); built with
        ``escape`` rather than ``Markup.format`` (a person's page makes thousands: at
        100,000 articles, half the time of rendering the busiest person's page)."""
        row_id = row_id if row_id is not None else self.known.id_of(table, label)
        if row_id is None:
            return escape(label)
        title = self.known.topic_vi.get(label) if table == "topics" else None
        shown = f' title="{escape(title)}"' if title else ""
        return Markup(f'<a href="{escape(self.url(table, row_id))}"{shown}>{escape(label)}</a>')

    def row_link(self, table: str, row_id: object, label: object) -> Markup:
        """A link to a row's page (the ``row_link`` macro of ``_archive_macros.html``)."""
        return Markup(f'<a href="{escape(self.url(table, row_id))}">{escape(label)}</a>')

    def evidence_link(
        self, article_id: object, start, end, field=None, label: object = "in the article"
    ) -> Markup:
        """A link to an article's page, on the span ``start``–``end`` of its ``field`` when
        given (the ``evidence_link`` macro)."""
        url = escape(self.url("articles", article_id))
        if start is None:
            return Markup(f'<a href="{url}">{escape(label)}</a>')
        span = f"?span={escape(start)}-{escape(end)}&amp;field={escape(field or 'body')}"
        return Markup(f'<a href="{url}{span}#focus">{escape(label)}</a>')

    def entity_links(self, column: str, names: list) -> Markup:
        """Each name linked to its page, comma-separated (the ``people`` and ``topics``
        macros): Python rather than a template loop, a person's page has hundreds."""
        table = ENTITY_COLUMNS[column]
        return Markup(", ").join(self.entity(table, name) for name in names)

    def page_link(self, column: str, label: object) -> Markup:
        """A `` →`` linking a facet value to its page (nothing if it has none)."""
        table = ENTITY_COLUMNS.get(column)
        row_id = self.known.id_of(table, label) if table else None
        if row_id is None:
            return Markup("")
        return Markup(' <a class="page-link" href="{}" title="page of {}">→</a>').format(
            self.url(table, row_id), label
        )

    def entity(self, table: str, value: object) -> Markup:
        items = json_list(value)
        if items is not None:
            return as_list(items, lambda item: self.link(table, item))
        return self.link(table, value)


def place_text(name: object) -> Markup:
    """A place with its English name beside it (the ``place`` macro)."""
    if not name:
        return Markup("")
    label = place_label(name)
    return escape(name) + (Markup(' <span class="en">({})</span>').format(label) if label else "")


def country_cell(value: object) -> Markup:
    items = json_list(value)
    if items is not None:
        return as_list(items, lambda code: with_label(str(code), country_label(code)))
    return with_label(str(value), country_label(value))


def facet_label(column: str, value: object, known: Names) -> Markup:
    """The label shown beside a facet value: English for a country code, a place or a kind
    code; Vietnamese for an English topic or kind."""
    if column in COUNTRY_COLUMNS:
        label = country_label(value)
    elif column == "place":
        label = place_label(value)
    elif column == "kind":
        label = (kind_label(value) or (None,))[0]
    elif column == "kind_en":
        label = KIND_VI.get(value)
    elif ENTITY_COLUMNS.get(column) == "topics":
        label = known.topic_vi.get(value)
    else:
        label = None
    return Markup(' <span class="en">{}</span>').format(label) if label else Markup("")


def label_only(value: object, column: str) -> Markup | None:
    """Cells that need no database lookup: countries, places, kinds, snippets."""
    if column in COUNTRY_COLUMNS:
        return country_cell(value)
    if column == "place" and isinstance(value, str):
        return with_label(value, place_label(value))
    if column == "kind" and kind_label(value):
        english, vietnamese = kind_label(value)
        return Markup('{} <span class="en">({})</span>').format(vietnamese, english)
    if column in SNIPPET_COLUMNS and isinstance(value, str):
        return highlight(value)
    return None


def row_value(row, column: str) -> object:
    keys = row.keys() if hasattr(row, "keys") else ()
    return row[column] if column in keys else None


def render_cell(
    row, value, column: str, table: str | None, database: str, datasette
) -> Markup | Callable[[], Awaitable[Markup | None]] | None:
    """The hook's answer: None (Datasette renders the cell) or the cell's HTML."""
    if value is None or value == "":
        return None
    labelled = label_only(value, column)
    if labelled is not None:
        return labelled
    # Tables' own foreign keys are linked by Datasette; we link views and query results.
    if table is not None and table not in VIEWS:
        return None
    target = ID_COLUMNS.get(column) or ENTITY_COLUMNS.get(column)
    linked_by = ROW_LINKS.get((table, column))
    if target is None and linked_by is None:
        items = json_list(value)
        return as_list(items, escape) if items is not None else None

    async def linked() -> Markup | None:
        renderer = CellRenderer(datasette, database, await names(datasette, database))
        if linked_by is not None:
            row_id = row_value(row, linked_by[1])
            return renderer.link(linked_by[0], value, row_id) if row_id is not None else None
        if column in ID_COLUMNS:
            return renderer.link(target, value, value)
        return renderer.entity(target, value)

    return linked
