"""Datasette plugin registered by this package (entry point ``datasette``: ``archive``).

- SQL functions ``vi_normalise(text)`` and ``vi_fold(text)``: the archive's normalisation,
  for canned queries (``... MATCH vi_normalise(:q)``).
- Full-text search parameters (``_search``, ``_search_<column>``) are rewritten to the stored
  form before Datasette sees them, so ``hoà`` finds ``hòa`` and ``Uỷ ban`` finds ``Ủy ban``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import datasette.handle_exception
from datasette import hookimpl

from archive.vietnamese import fold, normalise

# Datasette 0.65.5 prints every handled error (a refused write, invalid SQL) with
# rich.print_exception(), which raises "Value for 'trace' required" outside an except
# block: the user gets a 500 instead of the 400 Datasette meant. Skip the rich printout.
datasette.handle_exception.rich = None

SEARCH_PARAMETERS = ("_search", "q", "a", "b", "name", "org_a", "org_b", "person")


def _is_search_parameter(name: str) -> bool:
    return name in SEARCH_PARAMETERS or name.startswith("_search_")


def normalise_query_string(query_string: bytes) -> bytes:
    """The same query string with every search parameter in stored (normalised) form."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    fixed = [(k, normalise(v) if _is_search_parameter(k) else v) for k, v in pairs]
    return urlencode(fixed).encode("utf-8")


@hookimpl
def prepare_connection(conn) -> None:
    conn.create_function("vi_normalise", 1, lambda t: normalise(t) if t else t, deterministic=True)
    conn.create_function("vi_fold", 1, lambda t: fold(t) if t else t, deterministic=True)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def normalised_search(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                scope = dict(scope, query_string=normalise_query_string(scope["query_string"]))
            await app(scope, receive, send)

        return normalised_search

    return wrap
