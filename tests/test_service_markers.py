"""Tests needing Chromium or PostgreSQL: deselected with a count on a machine without them,
kept (and failing) in CI, so the README's test command passes on a fresh workstation and a
missing service never passes unnoticed in CI."""

import os
import subprocess
import sys

from .conftest import ROOT


def run_pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "ARCHIVE_CHROMIUM")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_browser_tests_are_deselected_with_a_count_without_chromium():
    result = run_pytest("tests/test_browser.py", ARCHIVE_CHROMIUM="/nonexistent/chromium")
    assert result.returncode == 5, result.stdout  # pytest's "no tests ran"
    assert "browser tests deselected: /nonexistent/chromium missing" in result.stdout
    collected = run_pytest("--collect-only", "tests/test_browser.py", CI="1")
    count = int(collected.stdout.split(" tests collected")[0].split()[-1])
    assert f"{count} browser tests deselected" in result.stdout


def test_browser_tests_fail_in_ci_without_chromium():
    result = run_pytest(
        "tests/test_browser.py::test_home_page_offers_questions_search_and_browsing",
        ARCHIVE_CHROMIUM="/nonexistent/chromium",
        CI="1",
    )
    assert result.returncode == 1, result.stdout
    assert "/nonexistent/chromium missing" in result.stdout
