"""Issue 10, item 11: `archive build` is reproducible byte for byte (no clock time in the
file), and the committed archive.db is exactly what it makes (same SQLite library assumed:
its version is in the file header)."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEEDS


def build(project: Path, hash_seed: str) -> bytes:
    """``archive build`` run in ``project`` (seeds/ beside archive.db, as in the repository)."""
    subprocess.run(
        [sys.executable, "-m", "archive.cli", "build"],
        cwd=project,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        check=True,
        capture_output=True,
        timeout=600,
    )
    return (project / "archive.db").read_bytes()


def test_two_builds_give_the_same_bytes_and_hold_no_clock_time(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for project in (first, second):
        shutil.copytree(SEEDS, project / "seeds")
    assert build(first, "1") == build(second, "2")
    with sqlite3.connect(first / "archive.db") as conn:
        assert conn.execute("SELECT started_at, finished_at FROM import_runs").fetchall() == [
            ("", None)
        ]
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)


def test_the_committed_archive_is_what_the_build_makes(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    fresh = build(tmp_path, "3")
    assert fresh == (ROOT / "archive.db").read_bytes(), "archive.db is stale: run archive build"
