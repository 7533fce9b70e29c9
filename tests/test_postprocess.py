"""ensure_db_shape() on the built seed archive: Vietnamese-safe full-text indexes, the
accent-free copy, the evidence table, labelled meeting kinds, and idempotence."""

import shutil
import sqlite3

import pytest

from archive.knowledge import load
from archive.postprocess import FTS_TABLES, ensure_db_shape
from archive.vietnamese import fold

from .test_import import dump


def query(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize("table", sorted(FTS_TABLES))
def test_full_text_indexes_keep_vietnamese_diacritics(built_db, table):
    [(sql,)] = query(built_db, "SELECT sql FROM sqlite_master WHERE name = ?", f"{table}_fts")
    assert "tokenize='unicode61 remove_diacritics 0'" in sql


def test_diacritics_separate_words_in_the_article_index(built_db):
    def matches(word):
        return {
            r[0]
            for r in query(
                built_db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", word
            )
        }

    assert matches("năm") and matches("nam") and matches("năm") != matches("nam")


def test_accent_free_copy_is_the_folded_article(built_db):
    folded = dict(query(built_db, "SELECT article_id, body FROM search_articles_folded"))
    articles = dict(query(built_db, "SELECT id, body FROM articles"))
    assert folded == {k: fold(v) for k, v in articles.items()}
    assert "đ" not in "".join(folded.values()) and "bo cong an" in "".join(folded.values())


def test_every_fact_is_searchable_with_its_evidence(built_db):
    [(facts,)] = query(built_db, "SELECT count(*) FROM search_facts")
    [(evidence,)] = query(built_db, "SELECT count(*) FROM evidence")
    assert facts == evidence > 0
    kinds = {r[0] for r in query(built_db, "SELECT DISTINCT fact FROM search_facts")}
    assert kinds == {"person", "post", "organisation", "meeting", "topic"}


def test_every_meeting_kind_the_extractor_knows_has_an_english_label(built_db):
    extracted = {verb["kind"] for verb in load("meetings")["verbs"]}
    labelled = dict(query(built_db, "SELECT kind, name_en FROM search_meeting_kinds"))
    assert extracted <= labelled.keys() and all(labelled.values())


def test_ensure_db_shape_is_idempotent(built_db, tmp_path):
    copy = tmp_path / "again.db"
    shutil.copy(built_db, copy)
    ensure_db_shape(copy)
    assert dump(copy) == dump(built_db)
    views = [r[0] for r in query(copy, "SELECT name FROM sqlite_master WHERE type = 'view'")]
    for view in views:
        assert query(copy, f"SELECT * FROM [{view}]") == query(built_db, f"SELECT * FROM [{view}]")


def test_ensure_db_shape_replaces_an_index_another_version_made(built_db, tmp_path):
    """An archive whose post-processing indexes another version made (same name, other
    columns) is brought to this version's shape, not refused with "index already exists"."""
    copy = tmp_path / "older.db"
    shutil.copy(built_db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP INDEX search_ix_article_persons_rank")
        conn.execute("CREATE INDEX search_ix_article_persons_rank ON article_persons (rank)")
        conn.execute("DROP TABLE search_persons_browse")  # the search tables are incomplete
    ensure_db_shape(copy)
    index = "SELECT sql FROM sqlite_master WHERE name = 'search_ix_article_persons_rank'"
    assert query(copy, index) == query(built_db, index)
    assert dump(copy) == dump(built_db)
