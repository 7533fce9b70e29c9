"""Datasette plugin registered by this package (entry point ``datasette``: ``archive``).

- SQL functions ``vi_normalise(text)`` and ``vi_fold(text)``: the archive's normalisation,
  for canned queries (``... MATCH vi_normalise(:q)``).
- Every request parameter but ``sql`` (full-text ``_search``, column filters, canned-query
  parameters) is rewritten to the stored form before Datasette sees it, so ``hoà`` finds
  ``hòa`` and ``Uỷ ban`` finds ``Ủy ban``.
- A person's page lists their posts and meetings (``templates/row-archive-persons.html``).
"""

from __future__ import annotations

import re
from importlib import resources
from urllib.parse import parse_qsl, urlencode

import datasette.handle_exception
from datasette import hookimpl

from archive.vietnamese import fold, normalise

# Datasette 0.65.5 prints every handled error (a refused write, invalid SQL) with
# rich.print_exception(), which raises "Value for 'trace' required" outside an except
# block: the user gets a 500 instead of the 400 Datasette meant. Skip the rich printout.
datasette.handle_exception.rich = None

# Arbitrary SQL is the user's own text: it is left as typed (vi_normalise() is there).
VERBATIM_PARAMETERS = frozenset({"sql"})

PERSON_SQL = {
    name: resources.files("archive.datasette").joinpath(f"sql/person_{name}.sql").read_text("utf-8")
    for name in ("posts", "meetings")
}


def normalise_query_string(query_string: bytes) -> bytes:
    """The same query string with every parameter value in stored (normalised) form."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    fixed = [(k, v if k in VERBATIM_PARAMETERS else normalise(v)) for k, v in pairs]
    return query_string if fixed == pairs else urlencode(fixed).encode("utf-8")


def fts_terms(text: str | None) -> str | None:
    """Typed text as an FTS5 query of quoted words: quotes and brackets a user types are
    words to find, never query syntax ("Tô Lâm's (2012)" → '"Tô" "Lâm" "s" "2012"')."""
    if text is None:
        return None
    return " ".join(f'"{word}"' for word in re.findall(r"\w+", text)) or '""'


@hookimpl
def prepare_connection(conn) -> None:
    conn.create_function("vi_normalise", 1, lambda t: normalise(t) if t else t, deterministic=True)
    conn.create_function("vi_fold", 1, lambda t: fold(t) if t else t, deterministic=True)
    conn.create_function(
        "vi_match", 1, lambda t: fts_terms(normalise(t) if t else t), deterministic=True
    )
    conn.create_function(
        "vi_fold_match", 1, lambda t: fts_terms(fold(t) if t else t), deterministic=True
    )


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
def extra_template_vars(template, database, table, view_name, request, datasette):
    """On a person's page: their posts and meetings, each with its evidence sentence."""
    if view_name != "row" or table != "persons" or request is None:
        return {}

    async def person_facts() -> dict:
        db = datasette.get_database(database)
        person_id = request.url_vars.get("pks", "")
        facts = {}
        for name, sql in PERSON_SQL.items():
            result = await db.execute(sql, {"id": person_id})
            facts[f"person_{name}"] = [dict(row) for row in result.rows]
        return facts

    return person_facts
