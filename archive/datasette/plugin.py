"""Datasette plugin registered by this package (entry point ``datasette``: ``archive``).

- SQL functions ``vi_normalise``, ``vi_fold``, ``vi_match``, ``vi_fold_match`` and
  ``vi_snippet``, bounded in input size so they never outlast the SQL time limit
  (``functions.py``).
- Every request parameter but ``sql`` (full-text ``_search``, column filters, canned-query
  parameters) is rewritten to the stored form before Datasette sees it, so ``hoà`` finds
  ``hòa`` and ``Uỷ ban`` finds ``Ủy ban``.
- Cells link people, organisations, topics, meetings and articles to their pages; lists
  read as lists; English labels sit beside codes and places (``cells.py``).
- Configured facets of the derived views on an unfiltered page come from stored counts
  (``facets.py``); a filter on a list item reads an index (``lists.py``); the count and
  the facets of ``articles`` searched by full text read an index, not the articles
  (``searched.py``).
- Pages for an article, a meeting, a person, an organisation and a topic (``pages.py`` and
  ``templates/row-archive-<table>.html``); one search box at ``/-/search`` (``search.py``).
"""

from __future__ import annotations

from importlib import resources
from urllib.parse import parse_qsl, urlencode

import datasette.handle_exception
from datasette import Response, hookimpl

from archive.datasette import (
    cells,
    facets,
    functions,
    labels,
    listed,
    lists,
    pages,
    search,
    searched,
)
from archive.datasette.functions import MAX_TEXT
from archive.vietnamese import normalise

# Datasette 0.65.5 prints every handled error (a refused write, invalid SQL) with
# rich.print_exception(), which raises "Value for 'trace' required" outside an except
# block: the user gets a 500 instead of the 400 Datasette meant. Skip the rich printout.
datasette.handle_exception.rich = None
# A page filtered on a list item finds its rows through an index (lists.py).
lists.install()

# Arbitrary SQL is the user's own text: it is left as typed (vi_normalise() is there).
VERBATIM_PARAMETERS = frozenset({"sql"})
ARCHIVE = "archive"
STYLESHEET = resources.files("archive.datasette").joinpath("static/archive.css").read_bytes()


def normalise_query_string(query_string: bytes) -> bytes:
    """The same query string with every parameter value in stored (normalised) form
    (values over the functions' size limit are left as sent: they match nothing anyway)."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    fixed = [
        (k, v if k in VERBATIM_PARAMETERS or len(v) > MAX_TEXT else normalise(v)) for k, v in pairs
    ]
    return query_string if fixed == pairs else urlencode(fixed).encode("utf-8")


def archive_database(datasette) -> str:
    """The archive's database name (``archive`` as ``archive serve`` names it, else the
    first database served)."""
    names = list(datasette.databases)
    return ARCHIVE if ARCHIVE in names else next((n for n in names if n != "_internal"), ARCHIVE)


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Column and array facets read the stored counts where they can (``facets.py``)."""
    outcome = yield
    outcome.force_result([facets.with_stored_counts(found) for found in outcome.get_result()])


@hookimpl
def prepare_connection(conn) -> None:
    functions.register(conn)


@hookimpl
def startup(datasette) -> None:
    """Datasette's count of a page searched by full text reads an index (``searched.py``);
    of a filtered page of a view with lists, the keys its facets read (``listed.py``), and
    the values the facets of its large pages hold are read now (``facets.hold_values``)."""
    for db in datasette.databases.values():
        searched.count_through_index(db)
        listed.count_through_keys(db, {view: key for view, (_t, key) in facets.HELD_VIEWS.items()})
    facets.hold_values(datasette)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def normalised_search(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                scope = dict(scope, query_string=normalise_query_string(scope["query_string"]))
            await app(scope, receive, send)

        return normalised_search

    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render_cell(row, value, column, table, database, datasette)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("-/archive.css")]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    """Row pages: what the page shows (``pages.PAGES``); every page: helpers that link a
    facet value to its page and label a code in English."""
    if database is None or request is None:
        return {}

    async def variables() -> dict:
        known = await labels.names(datasette, database)
        renderer = cells.CellRenderer(datasette, database, known)
        found: dict = {
            "entity_link": lambda column, value: renderer.entity(
                cells.ENTITY_COLUMNS[column], value
            ),
            "facet_label": lambda column, value: cells.facet_label(column, value, known),
            "facet_page": renderer.page_link,
            # the links of _archive_macros.html, in Python (a page makes hundreds)
            "link_to_row": renderer.row_link,
            "link_to_evidence": renderer.evidence_link,
            "links_to": renderer.entity_links,
            "place_text": cells.place_text,
            "country_label": labels.country_label,
            "place_label": labels.place_label,
            "search_url": datasette.urls.path("-/search"),
        }
        if view_name == "row" and table in pages.PAGES:
            row_id = request.url_vars.get("pks", "")
            db = datasette.get_database(database)
            found |= await pages.PAGES[table](db, row_id, request)
        return found

    return variables


async def search_page(request, datasette):
    database = archive_database(datasette)
    query = request.args.get("q") or ""
    found = await search.search(datasette.get_database(database), query) if query else {}
    return Response.html(
        await datasette.render_template(
            "archive-search.html",
            {"q": query, "database": database, **found},
            request=request,
        )
    )


async def stylesheet():
    return Response(STYLESHEET, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/search$", search_page), (r"^/-/archive\.css$", stylesheet)]
