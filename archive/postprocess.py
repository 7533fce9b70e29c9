"""Post-processing: ``ensure_db_shape()`` gives a loaded SQLite archive its search and views;
``refresh_search()`` keeps them in step after an import, recomputing only the rows of the
articles, meetings and persons the import changed.

Idempotent and driven by plain data (full-text search columns, derived search tables, view
SQL), in the manner of the dogsheep tools. Runs on SQLite only; PostgreSQL users get the
tables alone. Derived tables are named ``search_*`` and left out of Alembic's comparison.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from archive import counts, evidence, fulltext, fulltext_aside, lists, names
from archive.datasette import configured_facets, sortable_columns
from archive.knowledge import load
from archive.touched import STALE_TABLE
from archive.vietnamese import fold
from archive.views import (
    BROWSE_INDEXES,
    BROWSE_KEYS,
    BROWSE_TABLES,
    VIEWS,
    browse_query,
    table_of,
)


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


FOLD_FUNCTION = "archive_fold"  # fold() as an SQL function of the post-processing connection


@lru_cache(maxsize=1 << 14)
def _fold(text: str | None) -> str:
    """``fold`` for SQL, of names (they repeat)."""
    return fold(text or "")


# Page cache of post-processing: 16 MiB sorts no more to disk than 32 MiB did (the same CPU
# at 100,000 articles), and holds half the memory: a sort may use as much again as the cache.
CACHE_KIB = 16 * 1024


def _connect(path: str | Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.register_function(_fold, deterministic=True, name=FOLD_FUNCTION)
    return db


COVERED_AT_MOST = 3  # a table with 2 or 3 column facets gets indexes covering them all


def _index(
    db: sqlite_utils.Database,
    table: str,
    columns: list[str],
    name: str = "ix_{table}_{column}",
    facets: tuple[str, ...] = (),
) -> None:
    """An index on each of ``columns``: a filter on a value finds its rows at once, a sorted
    page starts at once. When ``facets`` (the table's column facets) are 2 or 3, the index
    of a facet column holds the others too, so a page filtered on one reads the others'
    counts from the index alone (its columns first, so they group in index order). None where
    an index starts with them, the column first."""
    covered = facets if 2 <= len(facets) <= COVERED_AT_MOST else ()
    existing = [index.columns for index in db[table].indexes if index.columns]
    for column in dict.fromkeys(columns):
        wanted = [column, *(c for c in covered if c != column)] if column in covered else [column]
        if not any(
            cols[0] == column and set(cols[: len(wanted)]) == set(wanted) for cols in existing
        ):
            index_name = name.format(table=table, column=column)
            db.execute(f"DROP INDEX IF EXISTS [{index_name}]")  # another version's columns
            db[table].create_index(wanted, index_name=index_name)
            existing.append(wanted)


def facet_columns(view: str) -> list[str]:
    """The columns of a view's configured facets that are not lists."""
    return [c for kind, c in configured_facets().get(view, []) if kind == "column"]


def served_columns(table: str) -> list[str]:
    """The columns a page of ``table`` facets or sorts by."""
    return facet_columns(table) + sortable_columns().get(table, [])


def index_served_columns(db: sqlite_utils.Database) -> None:
    """Indexes (``search_ix_<table>_<column>``, post-processing products like the derived
    tables) on the columns of the archive's own tables that a page facets or sorts by."""
    for table in sorted(set(configured_facets()) | set(sortable_columns())):
        if table in db.table_names():
            facets = tuple(facet_columns(table))
            _index(db, table, served_columns(table), "search_ix_{table}_{column}", facets)


FACT_CHUNK = 2000  # articles whose facts are sorted at once (in memory, not spilled)


def build_facts(db: sqlite_utils.Database) -> None:
    """``search_facts`` and ``search_sentences`` (archive/evidence.py): every fact with its
    evidence sentence, for searching evidence and listing it (the ``evidence`` view); the
    articles' facts numbered ``FACT_CHUNK`` articles at a time (at 100,000 articles, one
    sort of all 1.95 million spilled to disk: 27 s of CPU, 39 s in all, against 20 s)."""
    evidence.create_tables(db)
    starts = db.execute(
        "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM articles) "
        f"WHERE n % {FACT_CHUNK} = 1"
    ).fetchall()
    bounds = [start for (start,) in starts] + [None]
    for start, end in zip(bounds, bounds[1:], strict=False):
        evidence.insert(db, f"article_id >= {start}" + (f" AND article_id < {end}" if end else ""))
    facets = tuple(facet_columns("evidence"))
    _index(db, "search_facts", ["article_id", *facets], facets=facets)


def build_browse_tables(db: sqlite_utils.Database) -> None:
    """The tables behind the browse views (``views.BROWSE_TABLES``), indexed on their key
    (the meeting, article or person) and the columns their pages facet or sort by."""
    for name, definition in BROWSE_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON {definition}")
    for view, sql in BROWSE_TABLES.items():
        table = table_of(view)
        db.execute(f"DROP TABLE IF EXISTS [{table}]")
        db.execute(f"CREATE TABLE [{table}] AS {sql.strip()}")
        facets = tuple(facet_columns(view))
        _index(db, table, [BROWSE_KEYS[view][0], *served_columns(view)], facets=facets)


def ensure_db_shape(path: str | Path) -> None:
    """Create or refresh derived tables, full-text indexes and views, then ANALYZE. The
    full-text indexes are built on a second core meanwhile (``archive/fulltext_aside.py``);
    here, after the rest, when the archive cannot be put in WAL mode or that build fails."""
    db = _connect(path)
    journal = fulltext_aside.wal_on(db.conn)
    try:
        with fulltext_aside.AsideBuild(path) if journal else nullcontext() as aside:
            _build_search(db, aside)
            if not (aside and aside.copy_into(path)):
                for index in fulltext.INDEXES:
                    fulltext.build_index(db, index)
        if db[STALE_TABLE].exists():  # everything is fresh
            db[STALE_TABLE].drop()
        db.analyze()
    finally:
        if journal:
            fulltext_aside.wal_off(db.conn, journal)
        db.close()


def _build_search(db: sqlite_utils.Database, aside: fulltext_aside.AsideBuild | None) -> None:
    """The derived tables and views, telling ``aside`` (if given) when the tables of the
    full-text indexes are final."""
    for view in VIEWS:
        db.execute(f"DROP VIEW IF EXISTS [{view}]")
    fulltext.drop_obsolete(db)
    if aside:
        aside.ready("articles")
    build_facts(db)
    db.conn.commit()
    if aside:
        aside.ready("search_sentences")
    build_meeting_kinds(db)
    build_places(db)
    build_countries(db)
    build_browse_tables(db)
    with db.conn:
        lists.build_lists(db)
        names.build_names(db, FOLD_FUNCTION)
    counts.build_counts(db)  # (list columns counted from their items)
    index_served_columns(db)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    db.conn.commit()


# --- Keeping search in step with an import (only what changed) ---


def _is_complete(db: sqlite_utils.Database) -> bool:
    """Whether every derived table, index and view exists in the shape this code makes
    (otherwise a full ``ensure_db_shape``)."""
    needed = {table_of(v) for v in BROWSE_TABLES} | {names.NAMES_TABLE, lists.ITEMS_TABLE}
    if not needed <= set(db.table_names()) or not set(VIEWS) <= set(db.view_names()):
        return False
    if not fulltext.is_complete(db):
        return False
    if not counts.is_complete(db):
        return False
    for view, sql in BROWSE_TABLES.items():
        columns = [c[0] for c in db.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
        if columns != [c.name for c in db[table_of(view)].columns]:
            return False
    return True


def is_current(path: str | Path) -> bool:
    """Whether the archive at ``path`` has the derived tables, counts and views of this
    code (else ``ensure_db_shape`` or the next import rebuilds them)."""
    db = sqlite_utils.Database(path)
    try:
        return _is_complete(db)
    finally:
        db.close()


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
    db = _connect(path)
    try:
        if not _is_complete(db):
            db.close()
            ensure_db_shape(path)
            return
        if db[STALE_TABLE].exists():
            if db.execute(f"SELECT 1 FROM {STALE_TABLE} LIMIT 1").fetchone():  # else unchanged
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
STALE_KEYS["who_met_whom"] = STALE_KEYS["participations"]


def _refresh_stale(db: sqlite_utils.Database) -> None:
    for view in BROWSE_TABLES:
        table, key = table_of(view), BROWSE_KEYS[view][0]
        stale = f"r.[{key}] IN ({STALE_KEYS[view]})"
        counts.add_counts(db, table, stale, -1)
        lists.remove_items(db, table, stale)
        db.execute(f"DELETE FROM [{table}] WHERE [{key}] IN ({STALE_KEYS[view]})")
        db.execute(f"INSERT INTO [{table}] {browse_query(view, STALE_KEYS[view])}")
        counts.add_counts(db, table, stale, 1)
        lists.add_items(db, table, stale)
    names.refresh_names(db, FOLD_FUNCTION, _stale("person"))
    articles = f"article_id IN ({_stale('article')})"  # (their text's indexes: triggers)
    counts.add_counts(db, "search_facts", f"r.{articles}", -1)
    evidence.delete(db, articles)
    first = evidence.insert(db, articles)
    counts.add_counts(db, "search_facts", f"r.{articles}", 1)
    evidence.index_new(db, first)
