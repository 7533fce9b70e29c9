"""The hostile-input import on a real PostgreSQL: the same files fail for the same reasons and
the same texts are stored as on SQLite (PostgreSQL enforces column lengths and refuses NUL
characters, SQLite does neither), and a second import changes nothing."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .conftest import invoke
from .test_hostile_input import hostile_folder  # noqa: F401  (the fixture)
from .test_migrations import empty_postgres

pytestmark = pytest.mark.postgres


def postgres_rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def sqlite_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


ERRORS = "SELECT file, reason FROM import_errors ORDER BY file"
ARTICLES = "SELECT source_path, body, encoding, repairs FROM articles ORDER BY source_path"


def test_hostile_folder_gives_the_same_archive_on_postgresql(hostile_folder, db_path):  # noqa: F811
    url = empty_postgres()
    on_postgres = invoke("import", str(hostile_folder), "--db", url, expect=1)
    on_sqlite = invoke("import", str(hostile_folder), "--db", str(db_path), expect=1)
    summary = on_sqlite.output.splitlines()[-1]
    assert " failed" in summary and on_postgres.output.splitlines()[-1] == summary
    assert postgres_rows(url, ERRORS) == sqlite_rows(db_path, ERRORS)
    assert postgres_rows(url, ARTICLES) == sqlite_rows(db_path, ARTICLES)
    again = invoke("import", str(hostile_folder), "--db", url, expect=1)
    assert " 0 imported, 0 updated, " in " " + again.output.splitlines()[-1]


# A meeting dated from an earlier mention whose year is read elsewhere in the text: its date
# basis is 41 characters ("narrative_date, year: same_date_elsewhere").
LONG_BASIS_ARTICLE = """Bộ trưởng Tô Lâm thăm Trung Quốc

Sáng 13/1, Bộ trưởng Bộ Công an Tô Lâm và đoàn đại biểu đến Bắc Kinh.

Tại Bắc Kinh, Bộ trưởng Tô Lâm đã hội đàm với Bộ trưởng Bộ Công an Trung Quốc Quách Thanh Côn \
về hợp tác an ninh.

Chuyến thăm từ ngày 13/1/2017 góp phần thúc đẩy quan hệ hai nước.
"""


def test_a_long_date_basis_is_stored_on_postgresql(tmp_path):
    """PostgreSQL enforces column lengths: every basis the extractor composes must fit."""
    url = empty_postgres()
    (tmp_path / "visit.txt").write_text(LONG_BASIS_ARTICLE, encoding="utf-8")
    result = invoke("import", str(tmp_path), "--db", url)
    assert result.output.splitlines()[-1] == "1 imported, 0 updated, 0 unchanged, 0 failed"
    bases = postgres_rows(url, "SELECT date_basis FROM meeting_sources")
    assert ("narrative_date, year: same_date_elsewhere",) in bases
