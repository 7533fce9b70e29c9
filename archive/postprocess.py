"""Post-processing: ``ensure_db_shape()`` gives a loaded SQLite archive its search and views;
``refresh_search()`` keeps them in step after an import, recomputing only the rows of the
articles, meetings and persons the import changed.

Idempotent and driven by plain data (full-text search columns, derived search tables, view
SQL), in the manner of the dogsheep tools. Runs on SQLite only; PostgreSQL users get the
tables alone. Derived tables are named ``search_*`` and left out of Alembic's comparison.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from archive.knowledge import load
from archive.touched import STALE_TABLE
from archive.vietnamese import fold
from archive.views import BROWSE_KEYS, BROWSE_TABLES, VIEWS, browse_query, table_of

# Vietnamese words keep their diacritics ("năm" ≠ "nam"): never remove_diacritics 2.
# Text is stored, and queries are rewritten, in archive.vietnamese.normalise() form.
FTS_TOKENIZE = "unicode61 remove_diacritics 0"

FTS_TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("title", "body", "captions"),
    "search_facts": ("subject", "detail", "evidence"),
    "search_articles_folded": ("title", "body"),
    "search_facts_folded": ("subject", "detail", "evidence"),
}


def _replace_table(
    db: sqlite_utils.Database, name: str, rows: list[dict], pk: str, columns: dict | None = None
) -> None:
    """Replace table ``name`` by ``rows``; with no rows, an empty table of ``columns``."""
    if db[name].exists():
        db[name].drop()
    if rows or columns is None:
        db[name].insert_all(rows, pk=pk)
    else:
        db[name].create(columns, pk=pk)


def build_meeting_kinds(db: sqlite_utils.Database) -> None:
    """``search_meeting_kinds``: Vietnamese and English labels of each meeting kind."""
    kinds = load("meeting_kinds")["kinds"]
    rows = [{"kind": k, "name_vi": v["vi"], "name_en": v["en"]} for k, v in kinds.items()]
    _replace_table(db, "search_meeting_kinds", rows, "kind")


def build_places(db: sqlite_utils.Database) -> None:
    """``search_places``: known places with their English name, country and coordinates."""
    english = load("english_names")["places"]
    rows = [
        {
            "name": name,
            "name_en": english.get(name),
            "country": record["country"],
            "latitude": record.get("lat"),
            "longitude": record.get("lon"),
        }
        for name, record in load("places")["places"].items()
    ]
    _replace_table(db, "search_places", rows, "name")


def build_countries(db: sqlite_utils.Database) -> None:
    """``search_countries``: every way to name a country (code, Vietnamese or English name,
    lower-cased) → its code and names, so who-met-whom takes ``CN``, ``China`` or ``Trung
    Quốc``."""
    names = load("english_names")["countries"]
    forms = {code.lower(): code for code in names}
    forms |= {record["en"].lower(): code for code, record in names.items()}
    forms |= {form.lower(): code for form, code in load("places")["countries"].items()}
    rows = [
        {
            "form": form,
            "code": code,
            "name_en": names.get(code, {}).get("en"),
            "name_vi": names.get(code, {}).get("vi"),
        }
        for form, code in sorted(forms.items())
    ]
    _replace_table(db, "search_countries", rows, "form")


def _folded_articles(db: sqlite_utils.Database, where: str = "") -> list[dict]:
    return [
        {"article_id": row["id"], "title": fold(row["title"] or ""), "body": fold(row["body"])}
        for row in db.query(f"SELECT id, title, body FROM articles {where} ORDER BY id")
    ]


def build_folded_articles(db: sqlite_utils.Database) -> None:
    """``search_articles_folded``: title and body without diacritics, for accent-free search."""
    rows = _folded_articles(db)
    columns = {"article_id": int, "title": str, "body": str}
    _replace_table(db, "search_articles_folded", rows, "article_id", columns)


def build_facts(db: sqlite_utils.Database) -> None:
    """``search_facts``: every fact with its evidence sentence, for searching evidence."""
    rows = list(db.query("SELECT * FROM evidence ORDER BY fact, article_id, evidence_start"))
    for index, row in enumerate(rows, start=1):
        row["id"] = index
    columns = {"id": int} | {column.name: str for column in db["evidence"].columns}
    _replace_table(db, "search_facts", rows, "id", columns)


def build_browse_tables(db: sqlite_utils.Database) -> None:
    """The tables behind the browse views (``views.BROWSE_TABLES``), indexed on their first
    column (the meeting, article or person)."""
    for view, sql in BROWSE_TABLES.items():
        table = table_of(view)
        db.execute(f"DROP TABLE IF EXISTS [{table}]")
        db.execute(f"CREATE TABLE [{table}] AS {sql.strip()}")
        key = db[table].columns[0].name
        db[table].create_index([key], index_name=f"ix_{table}_{key}")


def build_folded_facts(db: sqlite_utils.Database) -> None:
    """``search_facts_folded``: the facts' text without diacritics (same ids as
    ``search_facts``), so evidence typed without diacritics is found too."""
    columns = ("subject", "detail", "evidence")
    facts = "SELECT id, subject, detail, evidence FROM search_facts ORDER BY id"
    rows = [
        {"id": row["id"], **{c: fold(row[c] or "") for c in columns}}
        for row in (db.query(facts) if db["search_facts"].exists() else [])
    ]
    table = db["search_facts_folded"]
    if table.exists():
        table.drop()
    table.create({"id": int, **dict.fromkeys(columns, str)}, pk="id")
    table.insert_all(rows)


def ensure_db_shape(path: str | Path) -> None:
    """Create or refresh derived tables, full-text indexes and views, then ANALYZE."""
    db = sqlite_utils.Database(path)
    for view in VIEWS:
        db.execute(f"DROP VIEW IF EXISTS [{view}]")
    build_meeting_kinds(db)
    build_places(db)
    build_countries(db)
    build_browse_tables(db)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    build_folded_articles(db)
    build_facts(db)
    build_folded_facts(db)
    for table, columns in FTS_TABLES.items():
        triggers = table == "articles"
        db[table].enable_fts(columns, tokenize=FTS_TOKENIZE, create_triggers=triggers, replace=True)
        db[table].rebuild_fts()
    if db[STALE_TABLE].exists():  # everything is fresh
        db[STALE_TABLE].drop()
    db.analyze()
    db.close()


# --- Keeping search in step with an import (only what changed) ---


def _is_complete(db: sqlite_utils.Database) -> bool:
    """Whether every derived table, index and view exists in the shape this code makes
    (otherwise a full ``ensure_db_shape``)."""
    tables = set(db.table_names())
    needed = {f"{t}_fts" for t in FTS_TABLES} | {table_of(v) for v in BROWSE_TABLES}
    if not needed <= tables or not set(VIEWS) <= set(db.view_names()):
        return False
    for view, sql in BROWSE_TABLES.items():
        columns = [c[0] for c in db.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
        if columns != [c.name for c in db[table_of(view)].columns]:
            return False
    return True


def track_changes(path: str | Path) -> None:
    """Before an import: when the search tables exist, start noting what the import changes
    (``search_stale``, filled in the articles' own transactions: see ``archive/touched.py``)."""
    db = sqlite_utils.Database(path)
    try:
        if _is_complete(db):
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {STALE_TABLE} "
                "(kind TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (kind, id))"
            )
    finally:
        db.close()


def refresh_search(path: str | Path) -> None:
    """After an import: recompute the search rows of what it changed (the same rows a full
    ``ensure_db_shape`` makes, new facts with new ids); everything when the search tables
    are missing or of another shape. The marks are dropped last: a refresh cut short is
    done again by the next."""
    db = sqlite_utils.Database(path)
    try:
        if not _is_complete(db):
            db.close()
            ensure_db_shape(path)
            return
        if db[STALE_TABLE].exists():
            with db.conn:
                _refresh_stale(db)
            with db.conn:
                db.execute(f"DROP TABLE {STALE_TABLE}")
    finally:
        db.close()


def _stale(kind: str) -> str:
    return f"SELECT id FROM {STALE_TABLE} WHERE kind = '{kind}'"


STALE_KEYS = {
    "meetings_browse": _stale("meeting"),
    "articles_browse": _stale("article"),
    "persons_browse": _stale("person"),
    # a person's country shows in every meeting they took part in
    "participations": f"{_stale('meeting')} UNION SELECT meeting_id FROM meeting_participants "
    f"WHERE person_id IN ({_stale('person')})",
}


def _fts(db: sqlite_utils.Database, table: str, key: str, where: str, delete: bool) -> None:
    """Take the rows of ``table`` matching ``where`` out of (or into) its full-text index."""
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


def _replace_rows(db, table: str, key: str, old: str, rows: list[dict], new: str) -> None:
    """Replace the rows of ``table`` matching ``old`` by ``rows`` (matching ``new``), in its
    full-text index too."""
    _fts(db, table, key, old, delete=True)
    db.execute(f"DELETE FROM [{table}] WHERE {old}")
    db[table].insert_all(rows)
    _fts(db, table, key, new, delete=False)


def _refresh_stale(db: sqlite_utils.Database) -> None:
    articles = f"article_id IN ({_stale('article')})"
    for view in BROWSE_TABLES:
        table, key = table_of(view), BROWSE_KEYS[view][0]
        db.execute(f"DELETE FROM [{table}] WHERE [{key}] IN ({STALE_KEYS[view]})")
        db.execute(f"INSERT INTO [{table}] {browse_query(view, STALE_KEYS[view])}")
    folded = _folded_articles(db, f"WHERE id IN ({_stale('article')})")
    _replace_rows(db, "search_articles_folded", "article_id", articles, folded, articles)
    old_facts = f"id IN (SELECT id FROM search_facts WHERE {articles})"
    first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM search_facts").fetchone()[0]
    facts = list(
        db.query(
            f"SELECT * FROM evidence WHERE {articles} ORDER BY fact, article_id, evidence_start"
        )
    )
    for number, row in enumerate(facts, start=first):
        row["id"] = number
    columns = FTS_TABLES["search_facts_folded"]
    folded_facts = [{"id": r["id"], **{c: fold(r[c] or "") for c in columns}} for r in facts]
    new_facts = f"id >= {first}"
    _replace_rows(db, "search_facts_folded", "id", old_facts, folded_facts, new_facts)
    _replace_rows(db, "search_facts", "id", articles, facts, new_facts)
