"""ensure_db_shape() on the built seed archive: Vietnamese-safe full-text indexes, the
accent-free copy, the evidence table, labelled meeting kinds, and idempotence."""

import re
import shutil
import sqlite3

import pytest

from archive.fulltext import INDEXES
from archive.knowledge import load
from archive.postprocess import ensure_db_shape
from archive.vietnamese import fold

from .test_import import dump


def query(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize("index", INDEXES, ids=lambda index: index.name)
def test_full_text_indexes_keep_vietnamese_diacritics_unless_folded(built_db, index):
    [(sql,)] = query(built_db, "SELECT sql FROM sqlite_master WHERE name = ?", index.name)
    assert f"tokenize='unicode61 remove_diacritics {2 if index.folded else 0}'" in sql


def test_diacritics_separate_words_in_the_article_index(built_db):
    def matches(word):
        return {
            r[0]
            for r in query(
                built_db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", word
            )
        }

    assert matches("năm") and matches("nam") and matches("năm") != matches("nam")


@pytest.mark.parametrize("index", [i for i in INDEXES if i.folded], ids=lambda i: i.name)
def test_the_accent_free_indexes_hold_the_folded_words(built_db, index):
    """Each row's words in an accent-free index are those of its text folded, but for đ
    (which the tokenizer keeps and a folded query asks for as d or đ)."""
    with sqlite3.connect(built_db) as conn:
        vocabulary = f"fts5vocab(main, {index.name}, instance)"
        conn.execute(f"CREATE VIRTUAL TABLE temp.words USING {vocabulary}")
        indexed = conn.execute("SELECT doc, term FROM words ORDER BY doc, col, offset").fetchall()
        rows = conn.execute(f"SELECT {index.key}, {index.values()} FROM {index.table}")
        folded = [
            (key, word)
            for key, *texts in rows
            for text in texts
            for word in re.findall(r"[^\W_]+", fold(text or ""))
        ]
    assert sorted((key, word.replace("đ", "d")) for key, word in indexed) == sorted(folded)
    assert any(word == "cong" for _key, word in indexed)
    assert any("đ" in word for _key, word in indexed)  # Bộ Công an Đà Nẵng...


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
