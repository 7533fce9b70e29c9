"""The parallel import: worker processes give the same database as one process (ids
included), a file over the time budget is logged and never holds up the files after it,
the known-people switch reaches the workers, and ``import_paths()`` from Python finishes
the database as the CLI does."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from archive.db import make_engine
from archive.importer import import_paths

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_import import dump

SLOW_COPIES = 150  # ~0.75 MB of a seed's paragraphs: about 2 s of extraction
BUDGET = "0.5"  # far over what any other file takes (tens of ms), even on a busy machine


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Seeds and dev texts in a subfolder, read after the files at the top."""
    folder = tmp_path / "mixed"
    (folder / "texts").mkdir(parents=True)
    for source in sorted(SEEDS.glob("*.txt")) + sorted(DEV_CORPUS.glob("dev_*.txt"))[:15]:
        shutil.copy(source, folder / "texts" / source.name)
    return folder


def slow_file(folder: Path) -> Path:
    """A real article, its body repeated until extraction takes seconds (before the body's
    end mark, after which the parser reads nothing)."""
    seed = sorted(SEEDS.glob("*.txt"))[3].read_text(encoding="utf-8")
    head, body = seed.split("\n\n", 1)
    copies = "".join(
        f"\n\n{paragraph} ({copy})" for copy in range(SLOW_COPIES) for paragraph in body.split("\n")
    )
    path = folder / "a_slow.txt"
    path.write_text(head + copies + "\n\n" + body, encoding="utf-8")  # before the end mark
    return path


def errors(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT file, reason FROM import_errors"))


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_over_the_time_budget_is_logged_and_the_rest_imported(
    mixed, tmp_path, monkeypatch, workers
):
    # In one process the budget's alarm rings again until the file is given up: a ring may
    # land where Python ignores the exception (a garbage collector's callback: see
    # test_an_alarm_that_rings_...), and the next one inside the hook reporting that. Both
    # are expected here; pytest's hook would fail the test on the second.
    monkeypatch.setattr(sys, "unraisablehook", lambda _unraisable: None)
    slow_file(mixed)
    files = len(list((mixed / "texts").iterdir()))
    monkeypatch.setenv("ARCHIVE_FILE_TIME_BUDGET_S", BUDGET)
    db = tmp_path / "budget.db"
    result = invoke("import", str(mixed), "--db", str(db), "--workers", workers, expect=1)
    assert f"{files} imported, 0 updated, 0 unchanged, 1 failed" in result.output
    reason = errors(db)["mixed/a_slow.txt"]
    assert reason.startswith(f"extraction took longer than {BUDGET} s; the file is skipped")
    assert "ARCHIVE_FILE_TIME_BUDGET_S" in reason
    assert count(db, "articles") == files and count(db, "search_facts") > 0
    # with the default budget the same file is imported
    again = invoke("import", str(mixed), "--db", str(db), "--time-budget", "0")
    assert f"1 imported, 0 updated, {files} unchanged, 0 failed" in again.output


def test_the_budget_is_a_keyword_of_import_paths(mixed, tmp_path):
    slow_file(mixed)
    engine = make_engine(tmp_path / "kw.db")
    summary = import_paths(engine, [mixed], workers=2, time_budget=float(BUDGET))
    engine.dispose()
    assert summary.failed == 1
    assert summary.errors[0][1].startswith(f"extraction took longer than {BUDGET} s")


def test_workers_give_the_same_database_as_one_process(mixed, tmp_path):
    (mixed / "texts" / "copy.txt").write_bytes(next((mixed / "texts").glob("00*")).read_bytes())
    (mixed / "texts" / "broken.txt").write_bytes(b"\x00\x01 binary")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    first = invoke("import", str(mixed), "--db", str(one), "--workers", "1", expect=1)
    second = invoke("import", str(mixed), "--db", str(two), "--workers", "2", expect=1)
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]
    assert dump(one) == dump(two)  # ids included: one writer, in the files' order


def test_import_paths_from_python_finishes_the_database_as_the_cli(mixed, tmp_path):
    by_cli, by_python = tmp_path / "cli.db", tmp_path / "python.db"
    invoke("import", str(mixed), "--db", str(by_cli))
    engine = make_engine(by_python)
    summary = import_paths(engine, [mixed])
    engine.dispose()
    assert summary.failed == 0 and summary.counts["imported"] > 0
    assert dump(by_python) == dump(by_cli)  # migrations, search tables and views included


def test_the_search_build_starts_after_the_writers_connection_is_closed(
    mixed, tmp_path, monkeypatch
):
    """The writer's idle connection (its page cache: 32 MiB) is not held through the
    search build, the import's memory peak."""
    from archive import postprocess

    engine, idle = make_engine(tmp_path / "a.db"), []
    refresh = postprocess.refresh_search

    def observed(path):
        idle.append(engine.pool.checkedin())
        refresh(path)

    monkeypatch.setattr(postprocess, "refresh_search", observed)
    summary = import_paths(engine, [mixed], workers=1)
    engine.dispose()
    assert summary.counts["imported"] > 0 and idle == [0]
    assert count(tmp_path / "a.db", "search_facts") > 0


def test_known_people_switch_reaches_the_workers(mixed, tmp_path, monkeypatch):
    def persons(db: Path) -> set[tuple]:
        with sqlite3.connect(db) as conn:
            return set(conn.execute("SELECT name, name_en, wikidata_id, country FROM persons"))

    on = tmp_path / "on.db"
    invoke("import", str(mixed), "--db", str(on), "--workers", "2")
    monkeypatch.setenv("ARCHIVE_KNOWN_PEOPLE", "off")
    off_pool, off_here = tmp_path / "off2.db", tmp_path / "off1.db"
    invoke("import", str(mixed), "--db", str(off_pool), "--workers", "2")
    invoke("import", str(mixed), "--db", str(off_here), "--workers", "1")
    assert persons(off_pool) == persons(off_here) != persons(on)


def test_entities_orphaned_and_named_again_in_one_batch(tmp_path):
    """a.txt changes from one seed to another (its people go), b.txt, read next in the same
    transaction, names them again: the result is a fresh import's."""
    from .test_reliability import semantic_dump

    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    folder = tmp_path / "swap"
    folder.mkdir()
    (folder / "a.txt").write_bytes(first.read_bytes())
    db, fresh = tmp_path / "swap.db", tmp_path / "fresh.db"
    invoke("import", str(folder), "--db", str(db))
    (folder / "a.txt").write_bytes(second.read_bytes())
    (folder / "b.txt").write_bytes(first.read_bytes())
    result = invoke("import", str(folder), "--db", str(db))
    assert "1 imported, 1 updated, 0 unchanged, 0 failed" in result.output
    invoke("import", str(folder), "--db", str(fresh))
    assert semantic_dump(db) == semantic_dump(fresh)


def test_a_worker_that_ignores_the_alarm_is_abandoned(mixed, tmp_path, monkeypatch):
    """A file stuck where the alarm cannot reach (signals blocked, as inside one long C call):
    the parent gives up on its chunk once it is late for all its files' budgets, starts a
    fresh pool that prepares the chunk's files one by one (only the stuck one fails), and the
    files pending behind it are imported."""
    import signal
    import time

    from archive import pipeline

    real = pipeline.run_stages

    def stuck_on_one(path):
        if Path(path).name == "a_stuck.txt":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(120)
        return real(path)

    (mixed / "a_stuck.txt").write_bytes(next((mixed / "texts").glob("00*")).read_bytes() + b"\n")
    monkeypatch.setattr(pipeline, "run_stages", stuck_on_one)  # forked workers inherit it
    engine = make_engine(tmp_path / "stuck.db")
    started = time.monotonic()
    summary = import_paths(engine, [mixed], workers=2, time_budget=float(BUDGET))
    engine.dispose()
    assert time.monotonic() - started < 60, "the stuck worker held up the import"
    assert summary.failed == 1 and summary.errors[0][0].endswith("a_stuck.txt"), summary.errors
    assert summary.errors[0][1].startswith(f"extraction took longer than {BUDGET} s")
    assert summary.counts["imported"] == len(list((mixed / "texts").iterdir()))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_that_rings_where_exceptions_are_ignored_rings_again():
    """The budget's alarm can ring inside a weak reference's callback, where Python ignores
    the exception it raises (this let a 2 s file through a 0.5 s budget): it rings again."""
    import time
    import weakref

    from archive import pipeline

    class Thing:
        pass

    def busy(_reference, seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    with pytest.raises(pipeline.OverBudget), pipeline._time_limit(0.1):
        thing = Thing()
        reference = weakref.ref(thing, busy)
        del thing  # the callback runs now, past the first ring
        busy(reference, 2.0)
