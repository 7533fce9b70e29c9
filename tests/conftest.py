"""Shared fixtures: the real seed files, the dev corpus (read from ../shared at run time)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
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
    project = tmp_path_factory.mktemp("built")
    shutil.copytree(SEEDS, project / "seeds")  # beside the output, as in the repository
    path = project / "archive.db"
    invoke("build", "--seeds", str(project / "seeds"), "--output", str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(db: Path):
    """`archive serve --db db` on a free 127.0.0.1 port: yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)],
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
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(built_db):
    """`archive serve` on a free 127.0.0.1 port, for the module's tests."""
    with serving(built_db) as base:
        yield base


# --- Tests that need a service the machine may lack (issues 6 and 10) ---
# Tests marked `postgres` use the server named by ARCHIVE_TEST_POSTGRES_URL; tests marked
# `browser` drive Chromium (ARCHIVE_CHROMIUM, default Debian's /usr/bin/chromium). Without
# them, on a workstation those tests are deselected (and the summary says how many); in CI
# (CI set) they are kept and fail, so a missing service can never pass unnoticed.
POSTGRES_ENV = "ARCHIVE_TEST_POSTGRES_URL"
CHROMIUM = os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium")


def _missing_services() -> dict[str, str]:
    """marker → why its tests cannot run here."""
    missing = {}
    if not os.environ.get(POSTGRES_ENV):
        missing["postgres"] = f"PostgreSQL tests deselected: set {POSTGRES_ENV} to run them"
    if not Path(CHROMIUM).exists():
        missing["browser"] = f"browser tests deselected: {CHROMIUM} missing (install chromium)"
    return missing


def pytest_collection_modifyitems(config, items) -> None:
    if os.environ.get("CI"):
        return
    config._archive_deselected = {}
    for marker, reason in _missing_services().items():
        deselected = [item for item in items if item.get_closest_marker(marker)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if not item.get_closest_marker(marker)]
            config._archive_deselected[reason] = len(deselected)


def pytest_terminal_summary(terminalreporter, config) -> None:
    for reason, count in getattr(config, "_archive_deselected", {}).items():
        terminalreporter.write_line(f"{count} {reason} (CI runs them)")
