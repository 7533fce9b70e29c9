"""Shared fixtures: the real seed files, the dev corpus (read from ../shared at run time)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_db):
    """`archive serve` on a free 127.0.0.1 port, for the module's tests."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "serve", "--db", str(built_db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=10)


# --- PostgreSQL tests (issue 6) ---
# Tests marked `postgres` use the server named by ARCHIVE_TEST_POSTGRES_URL. Without it, on a
# workstation they are deselected (and the summary says so); in CI (CI set) they are kept and
# fail, so a missing server can never pass unnoticed.
POSTGRES_ENV = "ARCHIVE_TEST_POSTGRES_URL"


def pytest_collection_modifyitems(config, items) -> None:
    if os.environ.get(POSTGRES_ENV) or os.environ.get("CI"):
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        config._archive_postgres_deselected = len(deselected)


def pytest_terminal_summary(terminalreporter, config) -> None:
    count = getattr(config, "_archive_postgres_deselected", 0)
    if count:
        terminalreporter.write_line(
            f"{count} PostgreSQL tests deselected: set {POSTGRES_ENV} to run them "
            "(CI sets it and runs them)"
        )
