"""Idempotent, updatable, prunable and crash-safe imports on real articles; two imports at
once; the database stays whole (PRAGMA integrity_check) whatever happens."""

import functools
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.models import Base

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_import import DUMP_EXCLUDE_COLUMNS, content_columns, dump

LOG_TABLES = {"import_runs", "import_errors"}
CHANGED = "003_1a329180d67adb47.txt"  # a seed that names people other articles name too


def run_import(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def many_articles(folder: Path, copies: int) -> Path:
    """``copies`` variants of every seed and dev text (each with its own bytes)."""
    folder.mkdir()
    sources = sorted(SEEDS.glob("*.txt")) + sorted(DEV_CORPUS.glob("dev_*.txt"))
    for copy in range(copies):
        for source in sources:
            text = source.read_text(encoding="utf-8") + "\n" * copy
            (folder / f"{copy:03d}_{source.name}").write_text(text, encoding="utf-8")
    return folder


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def rows_per_article(db: Path) -> dict[str, tuple[int, ...]]:
    with sqlite3.connect(db) as conn:
        articles = dict(conn.execute("SELECT id, source_path FROM articles"))
        counts = {}
        for article_id, path in articles.items():
            counts[Path(path).name] = tuple(
                conn.execute(
                    f"SELECT count(*) FROM {t} WHERE article_id = ?", (article_id,)
                ).fetchone()[0]
                for t in article_tables()
            )
        return counts


def article_tables() -> list[str]:
    """Every table of the schema with an ``article_id`` column (facts included, as they grow)."""
    return sorted(t.name for t in Base.metadata.sorted_tables if "article_id" in t.columns)


def semantic_dump(db: Path) -> dict[str, list[str]]:
    """Every schema table's rows with ids replaced by the rows they point at: equal for two
    databases that hold the same facts, whatever order their files were imported in."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        tables = [t for t in Base.metadata.sorted_tables if t.name not in LOG_TABLES]
        rows = {
            t.name: [dict(r) for r in conn.execute(f"SELECT * FROM [{t.name}]")] for t in tables
        }
    by_id = {name: {r["id"]: r for r in table_rows} for name, table_rows in rows.items()}
    targets = {
        t.name: {fk.parent.name: fk.column.table.name for fk in t.foreign_keys} for t in tables
    }

    @functools.cache
    def natural(table: str, row_id: int) -> tuple:
        return described(table, by_id[table][row_id])

    def described(table: str, row: dict) -> tuple:
        return tuple(
            (
                column,
                natural(targets[table][column], value)
                if column in targets[table] and value is not None
                else value,
            )
            for column, value in row.items()
            # meetings.key is made of ids; files' stats are not content
            if column not in ("id", "key") and column not in DUMP_EXCLUDE_COLUMNS
        )

    return {
        name: sorted(repr(described(name, r)) for r in table_rows)
        for name, table_rows in rows.items()
    }


def rows_of_article(db: Path, source_name: str) -> dict[str, list[tuple]]:
    """The rows each article table holds for one article, ids included (files' stats not)."""
    with sqlite3.connect(db) as conn:
        (article_id,) = conn.execute(
            "SELECT id FROM articles WHERE source_path LIKE ?", (f"%/{source_name}",)
        ).fetchone()
        return {
            t: conn.execute(
                f"SELECT {content_columns(conn, t)} FROM [{t}] WHERE article_id = ? ORDER BY id",
                (article_id,),
            ).fetchall()
            for t in article_tables()
        }


def entities_named_by(db: Path, source_name: str) -> tuple[set[str], set[str]]:
    """Persons and organisations the article names: (only it, it and others too)."""
    only, shared = set(), set()
    with sqlite3.connect(db) as conn:
        for link, entity, column in (
            ("article_persons", "persons", "person_id"),
            ("article_organisations", "organisations", "organisation_id"),
        ):
            for name, others in conn.execute(
                f"SELECT e.name, (SELECT count(*) FROM {link} o JOIN articles b ON b.id = "
                f"o.article_id WHERE o.{column} = e.id AND b.source_path NOT LIKE :f) "
                f"FROM {entity} e JOIN {link} l ON l.{column} = e.id JOIN articles a "
                "ON a.id = l.article_id WHERE a.source_path LIKE :f",
                {"f": f"%/{source_name}"},
            ):
                (shared if others else only).add(name)
    return only, shared


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds and the dev texts in one private folder a test may change."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for source in sorted(SEEDS.glob("*.txt")) + sorted(DEV_CORPUS.glob("dev_*.txt")):
        shutil.copy(source, folder / source.name)
    return folder


def test_changed_file_changes_only_its_article_rows(corpus, tmp_path):
    db, fresh = tmp_path / "updated.db", tmp_path / "fresh.db"
    invoke("import", str(corpus), "--db", str(db))
    others = [p.name for p in sorted(corpus.iterdir()) if p.name != CHANGED]
    before = {name: rows_of_article(db, name) for name in others}
    changed = corpus / CHANGED
    text = changed.read_text(encoding="utf-8")
    cut = text.rindex("\n\n", 0, len(text) - 2)  # drop the last paragraph, reword one phrase
    changed.write_text(text[:cut].replace("Mở đầu cuộc hội đàm", "Mở đầu buổi hội đàm"))
    result = invoke("import", str(corpus), "--db", str(db))
    assert f"0 imported, 1 updated, {len(others)} unchanged, 0 failed" in result.output
    assert {name: rows_of_article(db, name) for name in others} == before
    assert any("buổi hội đàm" in str(rows) for rows in rows_of_article(db, CHANGED).values())
    invoke("import", str(corpus), "--db", str(fresh))
    assert semantic_dump(db) == semantic_dump(fresh)


def test_deleted_file_is_pruned_with_the_facts_only_it_supported(corpus, tmp_path):
    pruned, fresh = tmp_path / "pruned.db", tmp_path / "fresh.db"
    invoke("import", str(corpus), "--db", str(pruned))
    only, shared = entities_named_by(pruned, CHANGED)
    assert only and shared, "the pruned article should name entities of both kinds"
    (corpus / CHANGED).unlink()
    result = invoke("import", str(corpus), "--db", str(pruned), "--prune")
    assert "1 pruned" in result.output
    with sqlite3.connect(pruned) as conn:
        names = {
            r[0]
            for r in conn.execute("SELECT name FROM persons UNION SELECT name FROM organisations")
        }
        for table in article_tables():
            orphans = conn.execute(
                f"SELECT count(*) FROM [{table}] WHERE article_id NOT IN (SELECT id FROM articles)"
            ).fetchone()
            assert orphans == (0,), table
    assert shared <= names and not only & names
    invoke("import", str(corpus), "--db", str(fresh))
    assert semantic_dump(pruned) == semantic_dump(fresh)


def test_import_killed_mid_run_leaves_whole_articles_and_resumes(tmp_path):
    folder = many_articles(tmp_path / "many", copies=8)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    invoke("import", str(folder), "--db", str(clean_db))
    process = run_import(folder, killed_db)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # let it import a few articles, then kill it
        if killed_db.exists() and _article_count(killed_db) >= 10:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert integrity(killed_db) == "ok"
    done, reference = rows_per_article(killed_db), rows_per_article(clean_db)
    assert 10 <= len(done) < len(reference), "the kill did not land mid-run"
    for name, counts in done.items():
        assert counts == reference[name], f"{name} is half-imported"
    invoke("import", str(folder), "--db", str(killed_db))
    assert dump(killed_db) == dump(clean_db)


def _article_count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=0.1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_two_imports_at_once_wait_for_each_other(tmp_path):
    from archive.db import database_url, import_lock

    folder = many_articles(tmp_path / "many", copies=2)
    shared, single = tmp_path / "shared.db", tmp_path / "single.db"
    with import_lock(database_url(shared)):  # both start while the database is busy
        first, second = run_import(folder, shared), run_import(folder, shared)
        said = b""
        while b"Waiting for another import" not in said and (line := first.stderr.readline()):
            said += line  # until the first waits: then the two race for the database
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert b"Waiting for another import" in said
    assert integrity(shared) == "ok"
    invoke("import", str(folder), "--db", str(single))
    assert dump(shared) == dump(single)


def test_waiting_for_the_lock_has_a_limit(tmp_path):
    from archive.db import database_url, import_lock

    url = database_url(tmp_path / "busy.db")
    program = (
        "import sys\nfrom archive.db import DatabaseBusy, import_lock\n"
        f"try:\n    with import_lock({url!r}, wait_seconds=0.5): pass\n"
        "except DatabaseBusy as error:\n    print(error); sys.exit(3)"
    )
    with import_lock(url):
        child = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, timeout=30
        )
    assert child.returncode == 3 and "another import is still running" in child.stdout
