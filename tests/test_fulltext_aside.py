"""The full-text indexes built on a second core (archive/fulltext_aside.py) against the
same indexes built in turn, on the dev corpus: the same words find the same rows, SQLite's
own integrity check passes, the articles' triggers keep them in step, the archive ends in
its rollback journal; and a failure aside falls back to building them in turn."""

import contextlib
import logging
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive import fulltext_aside
from archive.fulltext import INDEXES
from archive.postprocess import ensure_db_shape

from .conftest import DEV_CORPUS, invoke


@pytest.fixture(scope="module")
def dev_archive(tmp_path_factory) -> Path:
    """The dev corpus imported (its indexes built the default way: aside)."""
    path = tmp_path_factory.mktemp("aside") / "dev.db"
    invoke("import", str(DEV_CORPUS), "--db", str(path))
    return path


@pytest.fixture(scope="module")
def built_in_turn(dev_archive, tmp_path_factory) -> Path:
    """The same archive with its search rebuilt with no second core (no WAL mode)."""
    path = tmp_path_factory.mktemp("in-turn") / "dev.db"
    shutil.copy(dev_archive, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fulltext_aside, "wal_on", lambda _db: None)
        ensure_db_shape(path)
    return path


@pytest.fixture
def archive_copy(dev_archive, tmp_path) -> Path:
    """A copy of the dev archive that a test may change."""
    path = tmp_path / "dev.db"
    shutil.copy(dev_archive, path)
    return path


def words(path: Path, limit: int = 300) -> list[str]:
    """Words of the archive's evidence and titles, rarer and common ones alike."""
    with sqlite3.connect(path) as db:
        texts = [r[0] for r in db.execute("SELECT evidence FROM search_sentences LIMIT 200")]
        texts += [r[0] for r in db.execute("SELECT title FROM articles")]
    found = sorted({w.lower() for t in texts if t for w in re.findall(r"\w{2,}", t)})
    return found[:: max(1, len(found) // limit)]


def matches(path: Path, index: str, word: str) -> list[int]:
    with sqlite3.connect(path) as db:
        sql = f"SELECT rowid FROM [{index}] WHERE [{index}] MATCH ? ORDER BY rowid"
        return [r[0] for r in db.execute(sql, (f'"{word}"',))]


def check_integrity(path: Path) -> None:
    """FTS5's integrity check, the index against its table's rows (``rank`` 1)."""
    with sqlite3.connect(path) as db:
        for index in INDEXES:
            db.execute(
                f"INSERT INTO [{index.name}] ([{index.name}], rank) VALUES ('integrity-check', 1)"
            )


@pytest.mark.parametrize("index", INDEXES, ids=lambda index: index.name)
def test_indexes_built_aside_find_what_indexes_built_in_turn_find(
    dev_archive, built_in_turn, index
):
    probes = words(dev_archive)
    assert len(probes) > 100
    found = 0
    for word in probes:
        aside = matches(dev_archive, index.name, word)
        assert aside == matches(built_in_turn, index.name, word), word
        found += bool(aside)
    assert found > len(probes) // 2  # the words do find rows


def test_indexes_built_aside_pass_sqlites_integrity_check(dev_archive, built_in_turn):
    check_integrity(dev_archive)
    check_integrity(built_in_turn)


def test_archive_is_left_in_its_rollback_journal_with_no_wal_file(dev_archive):
    with sqlite3.connect(dev_archive) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not Path(f"{dev_archive}-wal").exists()
    assert not Path(f"{dev_archive}-shm").exists()


def test_article_triggers_keep_indexes_built_aside_in_step(archive_copy):
    with sqlite3.connect(archive_copy) as db:
        db.execute(
            "UPDATE articles SET title = 'Zyxwvu hợp tác' WHERE id = (SELECT min(id) FROM articles)"
        )
    assert len(matches(archive_copy, "articles_fts", "zyxwvu")) == 1
    assert len(matches(archive_copy, "search_articles_folded_fts", "zyxwvu")) == 1
    check_integrity(archive_copy)


def test_a_failure_aside_falls_back_to_building_in_turn(
    archive_copy, built_in_turn, monkeypatch, caplog
):
    def fail(_scratch, index):
        raise sqlite3.OperationalError(f"database or disk is full ({index.name})")

    with sqlite3.connect(archive_copy) as db:  # an index that would be wrong if kept
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    monkeypatch.setattr(fulltext_aside, "_fill", fail)
    with caplog.at_level(logging.WARNING, logger="archive.fulltext_aside"):
        ensure_db_shape(archive_copy)
    assert "disk is full" in caplog.text
    check_integrity(archive_copy)
    for word in words(archive_copy, 40):
        assert matches(archive_copy, "articles_fts", word) == matches(
            built_in_turn, "articles_fts", word
        )


def index_pages(path: Path) -> list[tuple]:
    """The stored rows of ``articles_fts``'s index, as SQLite wrote them."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM articles_fts_data ORDER BY id").fetchall()


def test_a_failure_while_copying_leaves_the_archives_indexes_as_they_were(
    archive_copy, monkeypatch
):
    copied = {}

    def copy_then_fail(archive, index):
        if copied:
            raise sqlite3.OperationalError("database or disk is full")
        copy_index(archive, index)
        copied[index.name] = archive.execute("SELECT * FROM articles_fts_data ORDER BY id")
        copied[index.name] = copied[index.name].fetchall()

    copy_index = fulltext_aside._copy_index
    with sqlite3.connect(archive_copy) as db:  # through the triggers: a segment a rebuild has not
        db.execute("UPDATE articles SET title = title || ' zyxwvu' WHERE id % 7 = 0")
    before = index_pages(archive_copy)
    monkeypatch.setattr(fulltext_aside, "_copy_index", copy_then_fail)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        ensure_db_shape(archive_copy)
    assert list(copied) == ["articles_fts"] and copied["articles_fts"] != before
    assert index_pages(archive_copy) == before  # the copied index was rolled back
    assert matches(archive_copy, "articles_fts", "zyxwvu")
    check_integrity(archive_copy)
    with sqlite3.connect(archive_copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_an_archive_its_user_keeps_in_wal_mode_stays_in_it(archive_copy):
    with sqlite3.connect(archive_copy) as db:
        db.execute("PRAGMA journal_mode = WAL")
    ensure_db_shape(archive_copy)
    with sqlite3.connect(archive_copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check_integrity(archive_copy)


READER = """
import sqlite3, sys, time
while True:  # as a script watching the archive would: a short read, again and again
    connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=0.05)
    try:
        connection.execute("SELECT count(*) FROM articles").fetchone()
    except sqlite3.Error:
        pass
    connection.close()
    time.sleep(0.001)
"""


def test_another_process_reading_meanwhile_does_not_keep_the_archive_in_wal_mode(archive_copy):
    reader = subprocess.Popen([sys.executable, "-c", READER, str(archive_copy)])
    try:
        time.sleep(0.3)
        ensure_db_shape(archive_copy)
    finally:
        reader.kill()
        reader.wait()
    with sqlite3.connect(archive_copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 50
    check_integrity(archive_copy)


def test_a_connection_holding_the_archive_open_leaves_it_in_wal_mode_but_whole(
    archive_copy, tmp_path, caplog
):
    with sqlite3.connect(archive_copy) as db:
        db.execute("DROP TABLE sqlite_stat1")
    holder = sqlite3.connect(archive_copy)
    build = threading.Thread(target=ensure_db_shape, args=(archive_copy,))
    with caplog.at_level(logging.WARNING, logger="archive.fulltext_aside"):
        build.start()
        while build.is_alive():  # open the write-ahead log as soon as there is one
            with contextlib.suppress(sqlite3.Error):
                holder.execute("SELECT count(*) FROM articles").fetchone()
            time.sleep(0.01)
    assert "left in WAL mode" in caplog.text
    alone = tmp_path / "copied.db"  # the archive's file alone, as a careless copy takes it
    shutil.copy(archive_copy, alone)
    holder.close()
    with sqlite3.connect(alone) as db:
        assert db.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 50
    check_integrity(alone)
