"""Shared fixtures: the real seed files, the dev corpus (read from ../shared at run time)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The shared material (dev corpus, gold) lives beside the checkout; ARCHIVE_SHARED overrides.
SHARED = Path(os.environ.get("ARCHIVE_SHARED", ROOT.parent / "shared"))
DEV_CORPUS = SHARED / "corpus" / "dev"
GOLD_DIR = Path(__file__).resolve().parent / "gold"


def invoke(*args: str, expect: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/ that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The archive built from seeds/ once per test session, as `archive build` makes it."""
    path = tmp_path_factory.mktemp("built") / "archive.db"
    invoke("build", "--seeds", str(SEEDS), "--output", str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
