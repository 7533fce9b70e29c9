"""Idempotent, updatable, prunable and crash-safe imports on real articles; two imports at
once; the database stays whole (PRAGMA integrity_check) whatever happens."""

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from archive.load import ARTICLE_CHILDREN

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_import import dump

CHILD_TABLES = tuple(model.__tablename__ for model in ARTICLE_CHILDREN)


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
                for t in CHILD_TABLES
            )
        return counts


def test_deleted_file_is_pruned_with_the_facts_only_it_supported(seeds_copy, db_path):
    invoke("import", str(seeds_copy), "--db", str(db_path))
    (seeds_copy / "002_b60e7491f22b6e69.txt").unlink()
    result = invoke("import", str(seeds_copy), "--db", str(db_path), "--prune")
    assert "1 pruned" in result.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (4,)
        # its reception (Nguyễn Phú Trọng receives Quách Thanh Côn) is gone ...
        assert conn.execute(
            "SELECT count(*) FROM meetings WHERE kind = 'reception' AND date IS NULL"
        ).fetchone() == (0,)
        # ... the people other articles also name stay
        names = {r[0] for r in conn.execute("SELECT name FROM persons")}
        assert {"Nguyễn Phú Trọng", "Quách Thanh Côn", "Tập Cận Bình"} <= names
        orphans = conn.execute(
            "SELECT count(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM "
            "article_persons ap WHERE ap.person_id = p.id)"
        ).fetchone()
        assert orphans == (0,)


def test_pruned_archive_matches_a_fresh_import_of_what_is_left(seeds_copy, tmp_path):
    pruned, fresh = tmp_path / "pruned.db", tmp_path / "fresh.db"
    invoke("import", str(seeds_copy), "--db", str(pruned))
    (seeds_copy / "001_9c86299ff7976ae4.txt").unlink()
    invoke("import", str(seeds_copy), "--db", str(pruned), "--prune")
    invoke("import", str(seeds_copy), "--db", str(fresh))
    left, clean = dump(pruned), dump(fresh)
    assert {t: len(r) for t, r in left.items()} == {t: len(r) for t, r in clean.items()}


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
    folder = many_articles(tmp_path / "many", copies=2)
    shared, single = tmp_path / "shared.db", tmp_path / "single.db"
    first, second = run_import(folder, shared), run_import(folder, shared)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert any(b"Waiting for another import" in err for _out, err in outputs)
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
