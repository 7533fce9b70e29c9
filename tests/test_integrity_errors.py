"""Issue 10, items 6, 8 and 9: operator errors end in one line, a non-zero exit and (for an
import) the summary of what was done — never a traceback. Real files, real locks, a real
file-size limit, real command runs; the foreign database is left byte for byte as it was."""

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_hostile_input import unprivileged
from .test_migrations import empty_postgres

SUMMARY_END = " failed"


def archive(*args: str, env: dict | None = None, preexec=None, privileged: bool = True):
    command = [sys.executable, "-m", "archive.cli", *args]
    return subprocess.run(
        command if privileged else unprivileged(command),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec,
    )


def one_line_error(run, *words: str) -> str:
    """The run failed with exit code 1 and one ``Error:`` line holding ``words``."""
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, run.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_database(path: Path, table: str) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute(f"INSERT INTO {table} (title) VALUES ('a note of mine')")
    return path


@pytest.mark.parametrize("table", ["notes", "articles"])
@pytest.mark.parametrize("command", ["migrate", "import"])
def test_a_foreign_database_is_refused_and_left_as_it_was(tmp_path, table, command):
    db = foreign_database(tmp_path / "mine.db", table)
    before = digest(db)
    args = ["migrate"] if command == "migrate" else ["import", str(SEEDS)]
    run = archive(*args, "--db", str(db))
    one_line_error(run, "is not an archive database", f"tables of its own: {table}")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.db"]


def test_publishing_a_foreign_or_empty_database_is_refused(tmp_path):
    for db, words in (
        (foreign_database(tmp_path / "mine.db", "notes"), "is not an archive database"),
        (tmp_path / "empty.db", "is empty"),
    ):
        db.touch()
        one_line_error(archive("publish", str(tmp_path / "dist"), "--db", str(db)), words)
    assert not (tmp_path / "dist").exists()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, just notes\n" * 100)
    before = digest(notes)
    one_line_error(archive("migrate", "--db", str(notes)), "is not an SQLite database")
    assert digest(notes) == before


def test_a_database_from_a_newer_archive_is_refused(tmp_path):
    db = tmp_path / "newer.db"
    invoke("migrate", "--db", str(db))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    one_line_error(archive("migrate", "--db", str(db)), "schema revision 9999")


@pytest.mark.postgres
def test_a_foreign_postgresql_database_is_refused_and_left_as_it_was():
    url = empty_postgres()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE articles (id serial PRIMARY KEY, title text)"))
    one_line_error(archive("migrate", "--db", url), "is not an archive database")
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        assert sorted(tables) == ["articles"]
    engine.dispose()


@pytest.mark.parametrize(
    ("make_bad", "words"),
    [
        (lambda tmp: tmp, ["is a folder, not a database file"]),  # --db names a folder
        (lambda tmp: tmp / "file.txt" / "archive.db", ["file.txt"]),  # its folder is a file
    ],
)
def test_a_bad_database_path_is_one_line(tmp_path, make_bad, words):
    (tmp_path / "file.txt").write_text("x")
    for args in (["migrate"], ["import", str(SEEDS)]):
        one_line_error(archive(*args, "--db", str(make_bad(tmp_path))), *words)


def test_a_lock_held_past_the_timeout_stops_the_import_with_its_summary(tmp_path):
    db = tmp_path / "archive.db"
    invoke("import", str(SEEDS / "000_2e5f7d23c231756c.txt"), "--db", str(db))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        run = archive("import", str(SEEDS), "--db", str(db), env={"ARCHIVE_BUSY_TIMEOUT_MS": "500"})
    finally:
        holder.close()
    one_line_error(run, "import stopped", "is locked by another program")
    assert run.stdout.splitlines()[-1].endswith(SUMMARY_END)


def test_a_read_only_database_or_folder_is_one_line(tmp_path):
    folder = tmp_path / "shelf"
    folder.mkdir()
    db = folder / "archive.db"
    invoke("import", str(SEEDS / "000_2e5f7d23c231756c.txt"), "--db", str(db))
    db.chmod(0o444)
    run = archive("import", str(SEEDS), "--db", str(db), privileged=False)
    one_line_error(run, "import stopped", "is read-only")
    assert run.stdout.splitlines()[-1] == "0 imported, 0 updated, 0 unchanged, 0 failed"
    db.chmod(0o644)
    folder.chmod(0o555)  # the file may be written, its folder not (no journal file)
    try:
        run = archive("import", str(SEEDS), "--db", str(db), privileged=False)
        one_line_error(run, "import stopped", str(db))
        fresh = archive("import", str(SEEDS), "--db", str(folder / "new.db"), privileged=False)
        one_line_error(fresh, "new.db", "Permission denied")
    finally:
        folder.chmod(0o755)


def test_a_full_disk_stops_the_import_with_its_summary_and_a_whole_database(tmp_path):
    db = tmp_path / "archive.db"
    invoke("import", str(SEEDS), "--db", str(db))
    limit = db.stat().st_size + 64 * 1024  # the OS refuses to grow the file past this

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    corpus = tmp_path / "corpus"
    shutil.copytree(DEV_CORPUS, corpus)
    run = archive("import", str(corpus), "--db", str(db), preexec=small_disk)
    one_line_error(run, "import stopped", "cannot write", "disk")
    summary = run.stdout.splitlines()[-1]  # what was committed (the folder's skipped files too)
    assert summary.endswith(SUMMARY_END) or summary.split(", ")[-2].endswith(SUMMARY_END)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 5


def test_a_lock_met_while_refreshing_search_says_so_and_the_next_import_mends_it(
    tmp_path, monkeypatch
):
    from archive import importer

    db = tmp_path / "archive.db"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    finish = importer._finish_run

    def finish_then_lock(engine, summary):  # another program starts writing right then
        finish(engine, summary)
        holder.execute("BEGIN EXCLUSIVE")

    monkeypatch.setattr(importer, "_finish_run", finish_then_lock)
    result = invoke("import", str(SEEDS), "--db", str(db), expect=1)
    holder.execute("ROLLBACK")
    lines = result.output.splitlines()
    assert lines[-2] == "5 imported, 0 updated, 0 unchanged, 0 failed"
    assert lines[-1].startswith("Error: the articles are stored but search tables")
    assert "is locked" in lines[-1] and lines[-1].endswith("run the import again to refresh them")
    monkeypatch.undo()
    invoke("import", str(SEEDS), "--db", str(db))
    with sqlite3.connect(db) as conn:
        facts = conn.execute("SELECT count(*) FROM search_facts").fetchone()[0]
        assert facts == conn.execute("SELECT count(*) FROM evidence").fetchone()[0] > 0
    holder.close()
