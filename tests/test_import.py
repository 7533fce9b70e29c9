"""Import: real seed files into a real database; idempotence, updates, the error log."""

import sqlite3

from .conftest import invoke

DUMP_EXCLUDE = {"import_runs", "import_errors", "alembic_version"}
# the files' stats: what the local copy of the files looked like, not content (recorded once
# a file is old enough to trust: tests/test_import_stat.py)
DUMP_EXCLUDE_COLUMNS = {"size", "mtime_ns"}


def dump(path) -> dict[str, list[tuple]]:
    """Every user table's rows, in id order (FTS shadow tables and file stats left out)."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%_fts%'"
                " AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: _rows(conn, t) for t in sorted(tables) if t not in DUMP_EXCLUDE}


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return conn.execute(
        f"SELECT {content_columns(conn, table)} FROM [{table}] ORDER BY 1"
    ).fetchall()


def content_columns(conn: sqlite3.Connection, table: str) -> str:
    """The table's columns but the files' stats, for a SELECT."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
    return ", ".join(f"[{c}]" for c in columns if c not in DUMP_EXCLUDE_COLUMNS)


def test_import_reports_summary_and_is_idempotent(seeds_copy, db_path):
    first = invoke("import", str(seeds_copy), "--db", str(db_path))
    assert "5 imported, 0 updated, 0 unchanged, 0 failed" in first.output
    before = dump(db_path)
    second = invoke("import", str(seeds_copy), "--db", str(db_path))
    assert "0 imported, 0 updated, 5 unchanged, 0 failed" in second.output
    assert dump(db_path) == before


def test_changed_file_replaces_only_its_article(seeds_copy, db_path):
    invoke("import", str(seeds_copy), "--db", str(db_path))
    before = dump(db_path)
    changed = seeds_copy / "003_1a329180d67adb47.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Mở đầu cuộc hội đàm", "Mở đầu buổi hội đàm"),
        encoding="utf-8",
    )
    result = invoke("import", str(seeds_copy), "--db", str(db_path))
    assert "0 imported, 1 updated, 4 unchanged" in result.output
    after = dump(db_path)
    changed_rows = [a for a in after["articles"] if a not in before["articles"]]
    assert len(changed_rows) == 1
    assert any("Mở đầu buổi hội đàm" in str(value) for value in changed_rows[0])
    unchanged = [a for a in before["articles"] if a in after["articles"]]
    assert len(unchanged) == 4


def test_bad_file_is_logged_skipped_and_fails_the_command(seeds_copy, db_path):
    (seeds_copy / "broken.txt").write_bytes(b"\xff\xfe\x00\xd8 not text \x89PNG")
    (seeds_copy / "empty.txt").write_bytes(b"")
    result = invoke("import", str(seeds_copy), "--db", str(db_path), expect=1)
    assert "5 imported, 0 updated, 0 unchanged, 2 failed" in result.output
    with sqlite3.connect(db_path) as conn:
        errors = dict(conn.execute("SELECT file, reason FROM import_errors"))
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert any(f.endswith("broken.txt") for f in errors)
    assert "empty" in errors[next(f for f in errors if f.endswith("empty.txt"))]


def test_a_failure_never_changes_what_was_imported(seeds_copy, db_path):
    invoke("import", str(seeds_copy), "--db", str(db_path))
    before = dump(db_path)
    (seeds_copy / "000_2e5f7d23c231756c.txt").write_bytes(b"\x00\x01\x02binary")
    invoke("import", str(seeds_copy), "--db", str(db_path), expect=1)
    assert dump(db_path) == before
