"""SQL functions for the served archive, each bounded so one call stays far inside the SQL
time limit.

SQLite's progress handler (Datasette's ``sql_time_limit_ms``) only runs between virtual
machine steps, never inside a Python function: a call on megabytes of text would hold a
query thread for seconds past the limit. So every function refuses text longer than
:data:`MAX_TEXT` characters (about 50 ms of work at worst); a query calling them on many rows
is still cut by the time limit between calls.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from archive.datasette.snippets import marked_snippet
from archive.vietnamese import fold, normalise

# The longest text one call accepts: the longest article body in the seeds and dev corpus
# is far shorter; normalise() takes ~0.5 µs a character on dense Vietnamese text.
MAX_TEXT = 100_000


class TextTooLong(ValueError):
    """Raised (and reported by SQLite as a failed function) for over-long input."""


def fts_terms(text: str | None) -> str | None:
    """Typed text as an FTS5 query of quoted words: quotes and brackets a user types are
    words to find, never query syntax ("Tô Lâm's (2012)" → '"Tô" "Lâm" "s" "2012"')."""
    if text is None:
        return None
    return " ".join(f'"{word}"' for word in re.findall(r"\w+", text)) or '""'


# The accent-free indexes keep đ (archive/fulltext.py): a folded word with a d asks for
# either letter, up to this many d's in one word (Vietnamese words have one at most)
D_SPELLINGS_UP_TO = 2


def _either_d(word: str) -> str:
    """``"da"`` → ``("da" OR "đa")``: the word with each d as d or đ."""
    spellings = [""]
    for letter in word:
        both = letter == "d" and word.count("d") <= D_SPELLINGS_UP_TO
        spellings = [s + c for s in spellings for c in (("d", "đ") if both else (letter,))]
    quoted = [f'"{spelling}"' for spelling in spellings]
    return quoted[0] if len(quoted) == 1 else f"({' OR '.join(quoted)})"


def fold_terms(text: str | None) -> str | None:
    """Typed text as an FTS5 query of the accent-free indexes: its words folded, each
    required, a d read as d or đ ("Đà Nẵng" → '("da" OR "đa") AND "nang"')."""
    if text is None:
        return None
    return " AND ".join(_either_d(word) for word in re.findall(r"\w+", fold(text))) or '""'


def bounded(transform: Callable[[str], str | None]) -> Callable[[object], object]:
    """``transform`` as an SQL function: NULL passes through, numbers and blobs are read as
    text, text (or a blob) over MAX_TEXT characters is refused."""

    def function(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str | bytes) and len(value) > MAX_TEXT:
            raise TextTooLong(f"text over {MAX_TEXT:,} characters")
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return transform(str(value))

    return function


FUNCTIONS: dict[str, Callable[[str], str | None]] = {
    "vi_normalise": normalise,
    "vi_fold": fold,
    "vi_match": lambda text: fts_terms(normalise(text)),
    "vi_fold_match": fold_terms,
}


def vi_snippet(text: object, query: object) -> str | None:
    """``vi_snippet(body, :q)``: the words of ``query`` found without diacritics in ``text``,
    in a window of the original spelling, marked ⟦…⟧ (only the first MAX_TEXT characters of
    ``text`` are looked at)."""
    if not isinstance(text, str) or not isinstance(query, str):
        return None
    if len(query) > MAX_TEXT:
        raise TextTooLong(f"query over {MAX_TEXT:,} characters")
    return marked_snippet(text[:MAX_TEXT], query)


def register(conn: sqlite3.Connection) -> None:
    """Add every function of :data:`FUNCTIONS` (deterministic, one argument) and
    ``vi_snippet`` to ``conn``."""
    for name, transform in FUNCTIONS.items():
        conn.create_function(name, 1, bounded(transform), deterministic=True)
    conn.create_function("vi_snippet", 2, vi_snippet, deterministic=True)
