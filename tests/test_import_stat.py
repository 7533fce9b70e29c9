"""Re-imports recognise unchanged files by their size and modification time, without
reading them (real files, real SQLite and PostgreSQL): proved by rewriting a file with other
bytes of the same size and its old time, which only ``--checksum`` sees. Touched files,
changed files, files written as a run begins, --prune, and databases from before the stats."""

import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from archive.db import alembic_config, database_url

from .conftest import invoke
from .test_migrations import empty_postgres
from .test_postgres_import import postgres_rows

OLD = 1_600_000_000 * 10**9  # September 2020: long before any run
SOURCES = "SELECT path, size, mtime_ns FROM article_sources ORDER BY path"
CHANGED = "003_1a329180d67adb47.txt"
OLD_TEXT, NEW_TEXT = "Mở đầu cuộc hội đàm", "Mở đầu buổi hội đàm"  # the same number of bytes


def age(folder: Path, mtime_ns: int = OLD) -> None:
    for path in folder.glob("*.txt"):
        os.utime(path, ns=(mtime_ns, mtime_ns))


def rewrite_keeping_stat(path: Path) -> None:
    """Other bytes, the same size and modification time: what only reading the file shows."""
    info = path.stat()
    data = path.read_bytes()
    changed = data.replace(OLD_TEXT.encode(), NEW_TEXT.encode(), 1)
    assert changed != data and len(changed) == len(data)
    path.write_bytes(changed)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def sources(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        return {path: (size, mtime) for path, size, mtime in conn.execute(SOURCES)}


def stored_text(db: Path, name: str) -> str:
    with sqlite3.connect(db) as conn:
        sql = "SELECT body FROM articles WHERE source_path LIKE ?"
        return conn.execute(sql, (f"%/{name}",)).fetchone()[0]


def summary(*args: str) -> str:
    return invoke("import", *args).output.strip().splitlines()[-1]


def test_unchanged_files_are_known_by_their_stat_without_reading_them(seeds_copy, db_path):
    age(seeds_copy)
    assert summary(str(seeds_copy), "--db", str(db_path)).startswith("5 imported")
    recorded = sources(db_path)
    assert recorded == {p.name: (p.stat().st_size, OLD) for p in seeds_copy.glob("*.txt")}

    rewrite_keeping_stat(seeds_copy / CHANGED)
    assert summary(str(seeds_copy), "--db", str(db_path)) == (
        "0 imported, 0 updated, 5 unchanged, 0 failed"
    )
    assert OLD_TEXT in stored_text(db_path, CHANGED)  # the accepted trade-off (rsync, make)

    forced = summary(str(seeds_copy), "--db", str(db_path), "--checksum")
    assert forced == "0 imported, 1 updated, 4 unchanged, 0 failed"
    assert NEW_TEXT in stored_text(db_path, CHANGED)
    assert sources(db_path) == recorded


def test_a_touched_file_is_unchanged_by_its_checksum_and_its_new_stat_recorded(seeds_copy, db_path):
    age(seeds_copy)
    invoke("import", str(seeds_copy), "--db", str(db_path))
    touched = seeds_copy / CHANGED
    os.utime(touched, ns=(OLD + 10**9, OLD + 10**9))
    assert summary(str(seeds_copy), "--db", str(db_path)).endswith("5 unchanged, 0 failed")
    assert sources(db_path)[CHANGED] == (touched.stat().st_size, OLD + 10**9)

    rewrite_keeping_stat(touched)  # the new stat is trusted from now on
    assert summary(str(seeds_copy), "--db", str(db_path)).endswith("5 unchanged, 0 failed")


def test_a_changed_file_is_read_again_and_its_new_stat_recorded(seeds_copy, db_path):
    age(seeds_copy)
    invoke("import", str(seeds_copy), "--db", str(db_path))
    changed = seeds_copy / CHANGED
    longer = changed.read_text(encoding="utf-8").replace(OLD_TEXT, OLD_TEXT + " chính thức")
    changed.write_text(longer, encoding="utf-8")
    os.utime(changed, ns=(OLD + 5 * 10**9, OLD + 5 * 10**9))
    assert summary(str(seeds_copy), "--db", str(db_path)).startswith("0 imported, 1 updated")
    assert OLD_TEXT + " chính thức" in stored_text(db_path, CHANGED)
    assert sources(db_path)[CHANGED] == (changed.stat().st_size, OLD + 5 * 10**9)


def test_a_file_written_as_the_run_begins_is_read_again_by_the_next_run(seeds_copy, db_path):
    """Its stat could stay the same through another write in the same timestamp tick (git's
    racily clean entries): it is not recorded until the file is old enough."""
    age(seeds_copy)
    recent = seeds_copy / CHANGED
    os.utime(recent)  # now
    invoke("import", str(seeds_copy), "--db", str(db_path))
    recorded = sources(db_path)
    assert recorded[CHANGED] == (None, None)
    assert all(stat[1] == OLD for name, stat in recorded.items() if name != CHANGED)

    rewrite_keeping_stat(recent)
    assert summary(str(seeds_copy), "--db", str(db_path)).startswith("0 imported, 1 updated")
    assert NEW_TEXT in stored_text(db_path, CHANGED)


def test_prune_and_vanished_files_with_recorded_stats(seeds_copy, db_path):
    age(seeds_copy)
    invoke("import", str(seeds_copy), "--db", str(db_path))
    (seeds_copy / CHANGED).unlink()
    assert summary(str(seeds_copy), "--db", str(db_path)) == (
        "0 imported, 0 updated, 4 unchanged, 0 failed"
    )
    assert CHANGED in sources(db_path)  # kept without --prune
    pruned = summary(str(seeds_copy), "--db", str(db_path), "--prune")
    assert pruned == "0 imported, 0 updated, 4 unchanged, 0 failed, 1 pruned"
    assert CHANGED not in sources(db_path) and len(sources(db_path)) == 4


def test_sources_from_before_the_stats_are_read_once_then_known_by_stat(seeds_copy, db_path):
    """A database at schema 0004 (sources without stats): the first import after the
    migration reads every file (a same-size change is found) and records the stats."""
    age(seeds_copy)
    invoke("import", str(seeds_copy), "--db", str(db_path))
    command.downgrade(alembic_config(database_url(db_path)), "0004")
    with sqlite3.connect(db_path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(article_sources)")}
    assert "mtime_ns" not in columns and len(sources_0004(db_path)) == 5

    rewrite_keeping_stat(seeds_copy / CHANGED)
    assert summary(str(seeds_copy), "--db", str(db_path)) == (
        "0 imported, 1 updated, 4 unchanged, 0 failed"
    )
    assert all(mtime == OLD for _size, mtime in sources(db_path).values())


def sources_0004(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT root_id, path FROM article_sources").fetchall()


@pytest.mark.postgres
def test_stats_on_postgresql(seeds_copy):
    url = empty_postgres()
    age(seeds_copy)
    assert summary(str(seeds_copy), "--db", url).startswith("5 imported")
    assert {row[2] for row in postgres_rows(url, SOURCES)} == {OLD}

    rewrite_keeping_stat(seeds_copy / CHANGED)
    assert summary(str(seeds_copy), "--db", url).endswith("5 unchanged, 0 failed")
    os.utime(seeds_copy / "000_2e5f7d23c231756c.txt", ns=(OLD + 10**9, OLD + 10**9))  # touched
    forced = summary(str(seeds_copy), "--db", url, "--checksum")
    assert forced == "0 imported, 1 updated, 4 unchanged, 0 failed"
    assert sorted(row[2] for row in postgres_rows(url, SOURCES)) == [OLD] * 4 + [OLD + 10**9]
