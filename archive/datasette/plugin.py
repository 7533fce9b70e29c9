"""Datasette plugin registered by this package (entry point ``datasette``: ``archive``)."""

from __future__ import annotations

import datasette.handle_exception

# Datasette 0.65.5 prints every handled error (a refused write, invalid SQL) with
# rich.print_exception(), which raises "Value for 'trace' required" outside an except
# block: the user gets a 500 instead of the 400 Datasette meant. Skip the rich printout.
datasette.handle_exception.rich = None
