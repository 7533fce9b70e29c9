"""Issue 10: an import that finds no facts, publish file names, `migrate` on a foreign file,
reproducible builds — each case reproduced with real files and real command runs."""

import sqlite3
from pathlib import Path

from .conftest import invoke

OFF_TOPIC = (
    "Thời tiết Hà Nội hôm nay\n\n"
    "Hà Nội hôm nay trời nắng đẹp, nhiệt độ cao nhất khoảng ba mươi độ, "
    "người dân đi chơi công viên rất đông vui.\n"
)


def test_an_import_that_finds_no_facts_succeeds_with_empty_search_tables(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "weather.txt").write_text(OFF_TOPIC, encoding="utf-8")
    db = tmp_path / "facts.db"
    result = invoke("import", str(folder), "--db", str(db))
    assert result.output.splitlines()[-1] == "1 imported, 0 updated, 0 unchanged, 0 failed"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM search_facts").fetchone() == (0,)
        found = "SELECT rowid FROM search_sentences_fts WHERE search_sentences_fts MATCH 'nắng'"
        assert conn.execute(found).fetchall() == []
        hits = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'nắng'")
        assert len(hits.fetchall()) == 1
