"""The bundle's ``archive.db``: a clean, deterministic copy, and which of its tables to publish.

Determinism: the copy drops the import runs (timestamps) and the import roots' fingerprints
(they depend on where the database lay), keeps one error per file the archive does not
hold, rebuilds the derived tables and full-text indexes from scratch, then VACUUMs (every
table rewritten in rowid order, no free pages) and ANALYZEs. The same source
content, SQLite library and code give the same bytes.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from archive.postprocess import ensure_db_shape

# What the published import log keeps: the latest error for each file whose article is not in
# the archive (a file imported since it failed is in), with no run and no time.
TIDY_IMPORT_LOG = """
DELETE FROM import_runs;
DELETE FROM import_errors
 WHERE file IN (SELECT r.name || '/' || s.path
                  FROM article_sources s JOIN import_roots r ON r.id = s.root_id)
    OR id NOT IN (SELECT max(id) FROM import_errors GROUP BY file);
UPDATE import_errors SET run_id = NULL, time = '';
UPDATE import_roots SET fingerprint = NULL;
"""


def copy_database(source: Path, target: Path) -> None:
    """Write a clean copy of ``source`` to ``target``: search built, vacuumed and analysed."""
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.executescript(TIDY_IMPORT_LOG)
    ensure_db_shape(target)
    with closing(sqlite3.connect(target, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # a WAL source's flag must not carry over
        conn.execute("ANALYZE")  # before VACUUM: rewriting sqlite_stat1 after it moves pages
        conn.execute("VACUUM")


def search_tables(conn: sqlite3.Connection) -> set[str]:
    """Full-text virtual tables and their shadow tables (``<name>_data``, ``_idx``...)."""
    virtual = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND upper(sql) LIKE 'CREATE VIRTUAL TABLE%USING FTS%'"
        )
    ]
    names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master")]
    return {n for n in names for v in virtual if n == v or n.startswith(f"{v}_")}


def published_names(conn: sqlite3.Connection, metadata: dict, internal: list[str]) -> list[str]:
    """Tables, then views, that a reader sees in Datasette: not hidden by the metadata, not
    SQLite's or full-text search's own, not ``internal``. Sorted by kind and name."""
    configured = metadata["databases"]["archive"].get("tables", {})
    hidden = search_tables(conn) | set(internal)
    hidden |= {name for name, config in configured.items() if config.get("hidden")}
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
    )
    return [name for (name,) in rows if name not in hidden]


def coverage(conn: sqlite3.Connection) -> dict:
    """What the archive covers: articles, outlets, publication dates, pipeline and schema."""
    articles, first, last = conn.execute(
        "SELECT count(*), min(published_date), max(published_date) FROM articles"
    ).fetchone()
    outlets = conn.execute(
        "SELECT outlet, count(*), min(url) FROM articles WHERE outlet IS NOT NULL "
        "GROUP BY outlet ORDER BY count(*) DESC, outlet"
    ).fetchall()
    pipelines = [v for (v,) in conn.execute("SELECT DISTINCT pipeline_version FROM articles")]
    (revision,) = conn.execute("SELECT group_concat(version_num) FROM alembic_version").fetchone()
    return {
        "articles": articles,
        "first": first,
        "last": last,
        "outlets": outlets,
        "unattributed": articles - sum(count for _, count, _ in outlets),
        "pipeline_versions": sorted(pipelines),
        "schema_revision": revision,
    }
