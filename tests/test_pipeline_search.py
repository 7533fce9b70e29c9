"""Search tables kept in step by an import (only the rows of what changed) equal a full
rebuild: derived tables compared without ids, full-text indexes checked against their
tables and searched."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from archive.fulltext import INDEXES
from archive.postprocess import ensure_db_shape

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_reliability import CHANGED, semantic_dump

TERMS = ("hội đàm", "Trung Quốc", "ma túy", "an ninh", "hoi dam", "cong an", "Tô Lâm")


def derived_dump(db: Path) -> dict[str, list[str]]:
    """Every derived table (``search_*``, full-text shadow tables aside) without id columns,
    and what each term finds in each full-text index (rows without ids)."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search_%' "
                "AND name NOT LIKE '%_fts%'"
            )
        ]
        dump = {
            t: sorted(_without_ids(r) for r in conn.execute(f"SELECT * FROM [{t}]")) for t in tables
        }
        for index in INDEXES:
            name, key = index.name, index.key
            conn.execute(f"INSERT INTO [{name}] ([{name}]) VALUES ('integrity-check')")
            for term in TERMS:
                found = conn.execute(
                    f"SELECT * FROM [{index.table}] WHERE [{key}] IN "
                    f"(SELECT rowid FROM [{name}] WHERE [{name}] MATCH ?)",
                    (f'"{term}"',),
                )
                dump[f"{name} {term}"] = sorted(_without_ids(r) for r in found)
    return dump


def _without_ids(row: sqlite3.Row) -> str:
    return repr([(k, v) for k, v in dict(row).items() if k != "id" and not k.endswith("_id")])


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SEEDS, first)
    second.mkdir()
    for source in sorted(DEV_CORPUS.glob("dev_*.txt"))[:20]:
        shutil.copy(source, second / source.name)
    return first, second


def fresh(tmp_path: Path, *folders: Path) -> Path:
    db = tmp_path / "fresh.db"
    db.unlink(missing_ok=True)
    invoke("import", *map(str, folders), "--db", str(db))
    return db


def test_importing_more_refreshes_search_as_a_full_rebuild_does(folders, tmp_path):
    first, second = folders
    db = tmp_path / "incremental.db"
    invoke("import", str(first), "--db", str(db))
    invoke("import", str(second), "--db", str(db))
    reference = fresh(tmp_path, first, second)
    assert derived_dump(db) == derived_dump(reference)
    rebuilt = tmp_path / "rebuilt.db"
    shutil.copy(db, rebuilt)
    ensure_db_shape(rebuilt)
    assert derived_dump(db) == derived_dump(rebuilt)
    assert not _has_marks(db)


def test_changed_and_pruned_files_refresh_search_as_a_full_rebuild_does(folders, tmp_path):
    first, second = folders
    db = tmp_path / "incremental.db"
    invoke("import", str(first), str(second), "--db", str(db))
    changed = first / CHANGED
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("Mở đầu cuộc hội đàm", "Mở đầu buổi hội đàm"), encoding="utf-8")
    sorted(second.iterdir())[0].unlink()
    result = invoke("import", str(first), str(second), "--db", str(db), "--prune")
    assert "1 updated" in result.output and "1 pruned" in result.output
    reference = fresh(tmp_path, first, second)
    assert semantic_dump(db) == semantic_dump(reference)
    assert derived_dump(db) == derived_dump(reference)


def test_a_refresh_cut_short_is_completed_by_the_next_import(folders, tmp_path, monkeypatch):
    from archive import postprocess

    first, second = folders
    db = tmp_path / "incremental.db"
    invoke("import", str(first), "--db", str(db))

    def fail(_db):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(postprocess, "_refresh_stale", fail)
    result = invoke("import", str(second), "--db", str(db), expect=1)
    assert "searches" in result.output or "search tables" in result.output
    assert _has_marks(db)
    monkeypatch.undo()
    invoke("import", str(second), "--db", str(db))
    assert derived_dump(db) == derived_dump(fresh(tmp_path, first, second))


def _has_marks(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        return bool(
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_stale'").fetchone()
        )
