"""The archive's full-text indexes (SQLite FTS5, external content): which table's columns
are indexed, how an index is built once, and how rows are taken out of or put into it.

Vietnamese words keep their diacritics ("năm" ≠ "nam"): never ``remove_diacritics 2``.
Text is stored, and queries are rewritten, in ``archive.vietnamese.normalise()`` form; the
``*_folded`` tables hold the same text without diacritics for accent-free search.
"""

from __future__ import annotations

import sqlite_utils

FTS_TOKENIZE = "unicode61 remove_diacritics 0"

FTS_TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("title", "body", "captions"),
    "search_sentences": ("evidence", "names"),
    "search_articles_folded": ("title", "body"),
    "search_sentences_folded": ("evidence", "names"),
}
TRIGGERED = {"articles"}  # kept in step by triggers; the others by ``index_rows``


def index_table(db: sqlite_utils.Database, table: str) -> None:
    """(Re)create the full-text index of ``table`` and fill it once from the table."""
    if db[f"{table}_fts"].exists():
        db[table].disable_fts()
    db[table].enable_fts(
        FTS_TABLES[table], tokenize=FTS_TOKENIZE, create_triggers=table in TRIGGERED
    )


def drop_obsolete_indexes(db: sqlite_utils.Database) -> None:
    """Drop the full-text indexes of derived tables this code no longer indexes (an archive
    made by an earlier version), with their triggers."""
    for name in db.table_names():
        base = name.removesuffix("_fts")
        if name.endswith("_fts") and base.startswith("search_") and base not in FTS_TABLES:
            db.execute(f"DROP TABLE [{name}]")  # and its shadow tables
            for trigger in ("_ai", "_ad", "_au"):
                db.execute(f"DROP TRIGGER IF EXISTS [{base}{trigger}]")


def index_rows(db: sqlite_utils.Database, table: str, key: str, where: str, delete: bool) -> None:
    """Take the rows of ``table`` matching ``where`` out of (or put them into) its index;
    ``key`` is the column the index's rowid holds."""
    columns = ", ".join(f"[{c}]" for c in FTS_TABLES[table])
    index = f"[{table}_fts]"
    if delete:
        db.execute(
            f"INSERT INTO {index} ({index}, rowid, {columns}) "
            f"SELECT 'delete', [{key}], {columns} FROM [{table}] WHERE {where}"
        )
    else:
        db.execute(
            f"INSERT INTO {index} (rowid, {columns}) "
            f"SELECT [{key}], {columns} FROM [{table}] WHERE {where}"
        )
