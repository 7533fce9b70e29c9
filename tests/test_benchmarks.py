"""Smoke runs of the benchmarks at a small N: the generated corpus is deterministic and is
real work for extraction, and each benchmark prints its figures (no speed is asserted:
speed targets live in the benchmarks, not in timed tests)."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest

from archive.knowledge import load
from tests.conftest import ROOT, invoke

sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import import_speed  # noqa: E402
import serve_speed  # noqa: E402

SMALL = 40
FIGURE = r"[\d,]+(?:\.\d+)?"


def texts(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    corpus.write_corpus(folder, SMALL, seed=7)
    return folder


def test_corpus_is_deterministic_for_a_seed(generated, tmp_path):
    corpus.write_corpus(tmp_path / "again", SMALL, seed=7)
    corpus.write_corpus(tmp_path / "other", SMALL, seed=8)
    assert texts(tmp_path / "again") == texts(generated)
    other = texts(tmp_path / "other")
    assert other.keys() == texts(generated).keys() and other != texts(generated)


def test_corpus_files_are_distinct_articles_without_slots_left(generated):
    files = texts(generated)
    assert len(files) == SMALL and len(set(files.values())) == SMALL
    assert not any(b"\x00" in text for text in files.values())


def test_corpus_imports_with_new_people_meetings_and_every_layout(generated, tmp_path):
    db = tmp_path / "bench.db"
    result = invoke("import", str(generated), "--db", str(db))
    assert f"{SMALL} imported, 0 updated, 0 unchanged, 0 failed" in result.output
    with sqlite3.connect(db) as connection:
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        formats = {row[0] for row in connection.execute("SELECT DISTINCT format FROM articles")}
        names = {row[0] for row in connection.execute("SELECT name FROM persons")}
        assert formats == {"url_separated", "date_prefix", "titled", "plain"}
        known = {person["name"] for person in load("people")}
        assert len(names) >= SMALL and len(names - known) >= 0.8 * len(names)
        assert one("SELECT count(*) FROM meetings") >= SMALL // 2
        assert one("SELECT count(DISTINCT date) FROM meetings") >= SMALL // 4
        assert one("SELECT count(*) FROM person_positions") >= SMALL
        assert one("SELECT count(*) FROM meeting_participants WHERE side = 'CN'") > 0


def test_changed_files_are_other_texts_and_can_be_restored(tmp_path):
    folder = tmp_path / "c"
    corpus.write_corpus(folder, 30, seed=7)
    before = texts(folder)
    originals = corpus.change_files(folder, 30, 0.1)
    changed = [name for name, text in texts(folder).items() if before[name] != text]
    assert len(originals) == len(changed) == 3
    corpus.restore_files(originals)
    assert texts(folder) == before


def test_import_benchmark_prints_every_figure(capsys, tmp_path):
    folder, kept = tmp_path / "corpus", tmp_path / "kept.db"
    import_speed.main([str(SMALL), "--corpus", str(folder), "--keep-db", str(kept)])
    out = capsys.readouterr().out
    cpu = rf"\({FIGURE} s CPU"
    assert re.search(rf"\(a\) bare .* \(best of 3\): {FIGURE} s {cpu}\), {FIGURE} articles/s", out)
    assert re.search(
        rf"\(b\) archive import.*: {FIGURE} s {cpu}, {FIGURE} x \(a\)'s\), "
        rf"{FIGURE} articles/s, {FIGURE} x \(a\)",
        out,
    )
    total = float(re.search(rf"\(b\) archive import.*: {FIGURE} s \(({FIGURE}) s CPU", out)[1])
    until = re.search(rf"CPU until the last article .*: ({FIGURE}) s, {FIGURE} ms an article", out)
    assert 0 < float(until[1]) <= total
    tenths = re.search(r"articles/s by tenth: (.*)", out)[1].split()
    assert len(tenths) == 10 and all(float(t.replace(",", "")) > 0 for t in tenths)
    peak = float(re.search(rf"peak memory, whole process tree: ({FIGURE}) MiB", out)[1])
    assert 20 < peak < 2000
    imported, failed = map(
        int, re.search(r"(\d+) imported, 0 updated, 0 unchanged, (\d+) failed", out).groups()
    )
    assert imported + failed == SMALL and imported >= 0.9 * SMALL
    assert re.search(
        rf"\(c\) re-import, unchanged: .* 0 imported, 0 updated, {imported} unchanged", out
    )
    assert re.search(r"\(d\) re-import, 1 files \(1 %\) changed: .* 0 imported, 1 updated", out)

    before = texts(folder)  # (d) restored the changed file, its time too: (c) sees no change
    import_speed.main([str(SMALL), "--corpus", str(folder), "--reuse-db", str(kept)])
    again = capsys.readouterr().out
    assert "(a)" not in again and "(b)" not in again and texts(folder) == before
    per_cpu = rf"{FIGURE} files/s \({FIGURE} per CPU s\)"
    assert re.search(rf"\(c\) re-import, unchanged: .*{per_cpu}; .* {imported} unchanged", again)
    assert re.search(rf"\(d\) re-import, 1 files .*{per_cpu}; 0 imported, 1 updated", again)


@pytest.mark.postgres
def test_import_benchmark_runs_against_postgresql(generated, capsys):
    from tests.test_migrations import postgres_url

    import_speed.main([str(SMALL), "--corpus", str(generated), "--db", postgres_url()])
    out = capsys.readouterr().out
    server = rf"; PostgreSQL server: {FIGURE} s CPU"
    assert re.search(rf"\(b\) archive import.* x \(a\){server}", out)
    assert re.search(rf"\(c\) re-import, unchanged: .* 0 imported, 0 updated, .*{server}", out)
    assert re.search(rf"\(d\) re-import, 1 files .* 0 imported, 1 updated, .*{server}", out)


def test_serve_benchmark_times_every_facet_page_search_and_canned_query(built_db, capsys):
    serve_speed.main(["--db", str(built_db), "--repeat", "2"])
    out = capsys.readouterr().out
    labels = set(serve_speed.pages(built_db))
    measured = re.findall(
        rf"^(\S+ \S+)\s+p50\s+{FIGURE} ms\s+p95\s+{FIGURE} ms\s+(\d+) rows", out, re.M
    )
    assert {label for label, _ in measured if not label.startswith("click ")} == labels
    assert {"facets persons_browse", "search articles", "query find_who_met_whom"} <= labels
    assert {"page organisations", "page topics", "page persons"} <= labels
    assert {"click persons_browse", "click meetings"} <= {label for label, _ in measured}
    assert all(int(rows) > 0 for label, rows in measured if label.startswith(("query", "click")))
    assert "pages: slowest p95: " in out and "facets dropped for time: 0; pages failed: 0" in out


def test_serve_benchmark_times_only_the_pages_asked(built_db, capsys):
    """--only: the pages whose label holds one of the texts (a click: its facet page is
    asked once for the value, not timed)."""
    only = ["search articles", "click persons_browse"]
    serve_speed.main(["--db", str(built_db), "--repeat", "1", *(f"--only={o}" for o in only)])
    measured = re.findall(rf"^(\S+ \S+)\s+p50\s+{FIGURE} ms", capsys.readouterr().out, re.M)
    assert measured == ["click persons_browse", "search articles"]
