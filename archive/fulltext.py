"""The archive's full-text indexes (SQLite FTS5, external content): what each indexes, how it
is built once, and how rows are taken out of or put into it.

Vietnamese words keep their diacritics ("năm" ≠ "nam"): the main indexes never remove them.
Text is stored, and queries are rewritten, in ``archive.vietnamese.normalise()`` form. For
accent-free search each text has a second index over the same rows, whose tokenizer removes
diacritics (``remove_diacritics 2``): its words are ``archive.vietnamese.fold()``'s but for
``đ``, which the tokenizer keeps, so an accent-free query asks for ``d`` or ``đ``
(``vi_fold_match``). No folded copy of a text is stored.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils

Connection = sqlite3.Connection | sqlite_utils.Database  # both run ``execute(sql)``


@dataclass(frozen=True)
class Index:
    """The FTS5 index ``name`` of ``columns`` of ``table`` (rows keyed by ``key``), keeping
    diacritics or (``folded``) not."""

    name: str
    table: str
    columns: tuple[str, ...]
    key: str = "id"
    folded: bool = False

    @property
    def tokenize(self) -> str:
        return f"unicode61 remove_diacritics {2 if self.folded else 0}"

    def values(self, row: str = "") -> str:
        """The indexed columns, of row alias ``row`` (``new.``, ``old.``) if given."""
        return ", ".join(f"{row}[{c}]" for c in self.columns)


INDEXES = (
    Index("articles_fts", "articles", ("title", "body", "captions")),
    Index("search_articles_folded_fts", "articles", ("title", "body"), folded=True),
    Index("search_sentences_fts", "search_sentences", ("evidence", "names")),
    Index("search_sentences_folded_fts", "search_sentences", ("evidence", "names"), folded=True),
)
BY_NAME = {index.name: index for index in INDEXES}
TRIGGERED = "articles"  # its indexes are kept in step by triggers; the others by index_rows
OBSOLETE_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")  # of earlier versions
OBSOLETE_TABLES = ("search_articles_folded", "search_facts_folded")  # folded copies


def create_triggers(db: Connection, index: Index) -> None:
    """For an index of ``TRIGGERED``: triggers on the table that take a row's text out of
    the index before it changes or goes, and put it in when it comes or has changed."""
    if index.table != TRIGGERED:
        return
    name, key = index.name, index.key
    put = (
        f"INSERT INTO [{name}] (rowid, {index.values()}) "
        f"VALUES (new.[{key}], {index.values('new.')});"
    )
    take = (
        f"INSERT INTO [{name}] ([{name}], rowid, {index.values()}) "
        f"VALUES ('delete', old.[{key}], {index.values('old.')});"
    )
    triggers = (("ai", "INSERT", put), ("ad", "DELETE", take), ("au", "UPDATE", take + put))
    for suffix, event, body in triggers:
        trigger = f"[{name}_{suffix}]"
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        db.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON [{index.table}] BEGIN {body} END")


def create_index(db: Connection, index: Index) -> None:
    """(Re)create ``index``, empty, in the main database of ``db``."""
    db.execute(f"DROP TABLE IF EXISTS main.[{index.name}]")
    columns = "".join(f'"{c}", ' for c in index.columns)
    db.execute(
        f"CREATE VIRTUAL TABLE main.[{index.name}] USING FTS5 ({columns}"
        f"tokenize='{index.tokenize}', content=\"{index.table}\", content_rowid='{index.key}')"
    )


def build_index(db: Connection, index: Index) -> None:
    """(Re)create ``index`` and fill it once from its table."""
    create_index(db, index)
    db.execute(f"INSERT INTO [{index.name}] ([{index.name}]) VALUES ('rebuild')")
    create_triggers(db, index)


def drop_obsolete(db: sqlite_utils.Database) -> None:
    """Drop what earlier versions made for search and this code no longer does: indexes of
    other tables, folded copies of texts, triggers of other names."""
    for trigger in OBSOLETE_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")
    for name in db.table_names():
        obsolete_index = name.endswith("_fts") and name not in BY_NAME
        if name in OBSOLETE_TABLES or (obsolete_index and name.startswith("search_")):
            db.execute(f"DROP TABLE [{name}]")  # (an index: with its shadow tables)


def is_complete(db: sqlite_utils.Database) -> bool:
    """Whether every index exists."""
    return set(BY_NAME) <= set(db.table_names())


def index_rows(db: sqlite_utils.Database, table: str, where: str, delete: bool) -> None:
    """Take the rows of ``table`` matching ``where`` out of (or put them into) each of the
    table's indexes."""
    for index in INDEXES:
        if index.table == table:
            name, command = index.name, ("'delete', " if delete else "")
            target = f"[{name}] ([{name}], rowid" if delete else f"[{name}] (rowid"
            db.execute(
                f"INSERT INTO {target}, {index.values()}) "
                f"SELECT {command}[{index.key}], {index.values()} FROM [{table}] WHERE {where}"
            )
