"""Several ``archive import`` runs writing into one PostgreSQL database at once end with the
same content as one run: no lost rows, no unique-constraint failure (their write
transactions take turns on an advisory lock, each getting or creating entities after seeing
what the others committed; migrations of an empty database take turns too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_export_sqlite import content
from .test_reliability import semantic_dump

pytestmark = pytest.mark.postgres


def start_import(folder: Path, url: str, workers: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", url]
        + ["--workers", workers],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )


def test_imports_at_once_into_postgresql_give_the_content_of_one_run(tmp_path):
    from .test_migrations import empty_postgres

    folder = tmp_path / "corpus"
    folder.mkdir()
    for source in sorted(SEEDS.glob("*.txt")) + sorted(DEV_CORPUS.glob("dev_*.txt"))[:30]:
        shutil.copy(source, folder / source.name)
    url = empty_postgres()  # the runs migrate it at once, too
    runs = [start_import(folder, url, workers) for workers in ("1", "1", "2")]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    summaries = [out.strip().splitlines()[-1] for out, _err in outputs]
    imported = sum(int(line.split(" imported")[0]) for line in summaries)
    assert imported >= len(list(folder.iterdir())), summaries  # each file stored by one run

    together, alone = tmp_path / "together.db", tmp_path / "alone.db"
    invoke("export-sqlite", "--from", url, "--to", str(together))
    invoke("import", str(folder), "--db", str(alone))
    assert _facts(together) == _facts(alone)


def _facts(db: Path) -> dict[str, list[str]]:
    """The content without ids (the runs interleave, so ids differ from one run's)."""
    content(db)  # fingerprints dropped in a copy
    return semantic_dump(db.with_name(db.stem + "-content.db"))
