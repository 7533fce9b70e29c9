"""A file whose bytes are stored already as another file's (a moved or copied folder) is
not prepared again: its source points at the stored article. Proved with a time budget no
preparation can meet (real files, real SQLite): the moved files are all unchanged, none
failed. A file whose stored twin changes earlier in the same run is prepared after all."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import SEEDS, invoke
from .test_migrations import empty_postgres
from .test_postgres_import import postgres_rows

NO_TIME = "0.000001"  # seconds: any file prepared under this budget fails
SOURCES_BY_ROOT = """SELECT r.name, count(*) FROM article_sources s
    JOIN import_roots r ON r.id = s.root_id GROUP BY r.name ORDER BY r.name"""
TEXT_BY_PATH = """SELECT s.path, a.raw_text FROM article_sources s
    JOIN articles a ON a.id = s.article_id ORDER BY s.path"""
PERSONS_OF_B = """SELECT count(*) FROM article_persons
    WHERE article_id = (SELECT article_id FROM article_sources WHERE path = 'b.txt')"""


def summary(*args: str, expect: int = 0) -> str:
    return invoke("import", *args, expect=expect).output.strip().splitlines()[-1]


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def moved_folder_is_not_prepared_again(seeds: Path, db: str, rows_of) -> None:
    assert summary(str(seeds), "--db", db).startswith("5 imported")
    moved = seeds.parent / "moved"
    seeds.rename(moved)
    line = summary(str(moved), "--db", db, "--time-budget", NO_TIME)
    assert line == "0 imported, 0 updated, 5 unchanged, 0 failed"
    assert rows_of(SOURCES_BY_ROOT) == [("moved", 5), ("seeds", 5)]
    assert rows_of("SELECT count(*) FROM articles") == [(5,)]
    # the files really would fail if prepared under that budget
    (moved / "new.txt").write_text("Tin mới\n\nBộ trưởng Tô Lâm hội đàm.\n", encoding="utf-8")
    line = summary(str(moved), "--db", db, "--time-budget", NO_TIME, expect=1)
    assert line == "0 imported, 0 updated, 5 unchanged, 1 failed"


def test_a_moved_folder_is_not_prepared_again(seeds_copy, db_path):
    moved_folder_is_not_prepared_again(seeds_copy, str(db_path), lambda sql: rows(db_path, sql))


@pytest.mark.postgres
def test_a_moved_folder_is_not_prepared_again_on_postgresql(seeds_copy):
    url = empty_postgres()
    moved_folder_is_not_prepared_again(seeds_copy, url, lambda sql: postgres_rows(url, sql))


def test_a_file_whose_stored_twin_changed_earlier_in_the_run_is_prepared(tmp_path, db_path):
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(first, folder / "a.txt")
    assert summary(str(folder), "--db", str(db_path)).startswith("1 imported")
    shutil.copy(second, folder / "a.txt")  # a.txt's article now holds the second text …
    shutil.copy(first, folder / "b.txt")  # … and b.txt, found after it, the first's bytes
    assert (
        summary(str(folder), "--db", str(db_path)) == "1 imported, 1 updated, 0 unchanged, 0 failed"
    )
    stored = rows(db_path, TEXT_BY_PATH)
    texts = [first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")]
    assert [(path, text.strip()) for path, text in stored] == [
        ("a.txt", texts[1].strip()),
        ("b.txt", texts[0].strip()),
    ]
    assert rows(db_path, PERSONS_OF_B) != [(0,)]  # its facts extracted
