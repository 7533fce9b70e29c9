"""Issue 10, item 1: one file is one article wherever it is imported from. Sources are paths
within an import root known by an opaque id; identical bytes are one article with a source
per place; --prune touches only the given folders; no absolute path of the operator's machine
reaches the database or the bundle. Real seed files, real command runs in other folders."""

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from .conftest import SEEDS, invoke

SEED = "002_b60e7491f22b6e69.txt"


def archive(*args: str, cwd: Path, expect: int = 0) -> str:
    """``archive ...`` as an operator runs it, from the folder ``cwd``."""
    run = subprocess.run(
        [sys.executable, "-m", "archive.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == expect, run.stdout + run.stderr
    return run.stdout.splitlines()[-1]


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def count(db: Path, table: str) -> int:
    return rows(db, f"SELECT count(*) FROM {table}")[0][0]


def test_any_spelling_from_any_folder_is_the_same_article(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "seeds")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = project / "archive.db"
    first = archive("import", "seeds", "--db", "archive.db", cwd=project)
    assert first == "5 imported, 0 updated, 0 unchanged, 0 failed"
    for spelling, cwd in [
        (str(project / "seeds"), elsewhere),
        ("../project/seeds/", elsewhere),
        ("./seeds/../seeds", project),
        (f"seeds/{SEED}", project),
    ]:
        summary = archive("import", spelling, "--db", str(db), cwd=cwd)
        assert " 0 imported, 0 updated, " in f" {summary}", spelling
    assert count(db, "articles") == count(db, "article_sources") == 5
    assert rows(db, "SELECT name FROM import_roots") == [("seeds",)]


def test_same_relative_name_in_two_folders_is_two_articles(tmp_path: Path):
    first, second = tmp_path / "a" / "seeds", tmp_path / "b" / "seeds"
    shutil.copytree(SEEDS, first)
    shutil.copytree(SEEDS, second)
    changed = second / SEED
    changed.write_text(changed.read_text(encoding="utf-8") + "\nBản tin bổ sung.\n", "utf-8")
    db = tmp_path / "archive.db"
    assert archive("import", str(first), "--db", str(db), cwd=first) == (
        "5 imported, 0 updated, 0 unchanged, 0 failed"
    )
    before = rows(db, "SELECT id, sha256, body FROM articles ORDER BY id")
    summary = archive("import", str(second), "--db", str(db), cwd=second)
    assert summary == "1 imported, 0 updated, 4 unchanged, 0 failed"
    assert rows(db, "SELECT id, sha256, body FROM articles ORDER BY id")[:5] == before
    paths = rows(db, "SELECT source_path FROM articles ORDER BY id")
    assert paths[-1] == (f"seeds~2/{SEED}",) and (f"seeds/{SEED}",) in paths
    assert count(db, "article_sources") == 10 and count(db, "import_roots") == 2


def test_identical_bytes_in_two_places_are_one_article_with_two_sources(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(SEEDS, one)
    shutil.copytree(SEEDS, two)
    db = tmp_path / "archive.db"
    invoke("import", str(one), "--db", str(db))
    second = invoke("import", str(two), "--db", str(db))
    assert "0 imported, 0 updated, 5 unchanged, 0 failed" in second.output
    assert count(db, "articles") == 5 and count(db, "article_sources") == 10
    sources = rows(
        db,
        "SELECT r.name || '/' || s.path FROM article_sources s JOIN import_roots r "
        f"ON r.id = s.root_id JOIN articles a ON a.id = s.article_id WHERE s.path = '{SEED}'",
    )
    assert sorted(sources) == [(f"one/{SEED}",), (f"two/{SEED}",)]
    # one copy gone: the article stays with the other source; both gone: the article goes
    (one / SEED).unlink()
    pruned = invoke("import", str(one), "--db", str(db), "--prune").output.splitlines()[-1]
    assert pruned == "0 imported, 0 updated, 4 unchanged, 0 failed"
    assert count(db, "articles") == 5 and count(db, "article_sources") == 9
    (two / SEED).unlink()
    assert ", 1 pruned" in invoke("import", str(two), "--db", str(db), "--prune").output
    assert count(db, "articles") == 4 and count(db, "article_sources") == 8


def test_prune_in_one_folder_keeps_the_articles_of_another(tmp_path: Path):
    first, second = tmp_path / "a" / "seeds", tmp_path / "b" / "seeds"
    shutil.copytree(SEEDS, first)
    second.mkdir(parents=True)
    only = second / "extra.txt"
    only.write_text((SEEDS / SEED).read_text(encoding="utf-8") + "\nThêm.\n", "utf-8")
    db = tmp_path / "archive.db"
    archive("import", "seeds", "--db", str(db), cwd=first.parent)
    archive("import", "seeds", "--db", str(db), cwd=second.parent)
    only.unlink()
    summary = archive("import", "--prune", "seeds", "--db", str(db), cwd=second.parent)
    assert summary == "0 imported, 0 updated, 0 unchanged, 0 failed, 1 pruned"
    assert count(db, "articles") == 5
    assert {p for (p,) in rows(db, "SELECT source_path FROM articles")} == {
        f"seeds/{p.name}" for p in SEEDS.glob("*.txt")
    }


def test_no_absolute_path_in_the_database_or_the_bundle(tmp_path: Path):
    folder = tmp_path / "private-operator-folder" / "incoming"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    db = tmp_path / "archive.db"
    archive("import", str(folder), "--db", str(db), cwd=Path("/"), expect=1)
    archive("import", str(folder / SEED), "--db", str(db), cwd=Path("/"))
    dist = tmp_path / "dist"
    invoke("publish", str(dist), "--db", str(db))
    secret = str(tmp_path).encode()
    assert secret not in db.read_bytes()
    leaks = [p.name for p in dist.iterdir() if secret in p.read_bytes()]
    assert leaks == []
    assert rows(db, "SELECT file FROM import_errors") == [("incoming/broken.txt",)]


def test_a_changed_copy_leaves_the_other_copy_its_article(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(SEEDS, one)
    shutil.copytree(SEEDS, two)
    db = tmp_path / "archive.db"
    invoke("import", str(one), "--db", str(db))
    invoke("import", str(two), "--db", str(db))
    changed = one / SEED
    changed.write_text(changed.read_text(encoding="utf-8") + "\nCập nhật.\n", encoding="utf-8")
    summary = invoke("import", str(one), "--db", str(db)).output.splitlines()[-1]
    assert summary == "0 imported, 1 updated, 4 unchanged, 0 failed"
    by_path = dict(
        rows(
            db,
            "SELECT r.name || '/' || s.path, a.sha256 FROM article_sources s "
            "JOIN import_roots r ON r.id = s.root_id JOIN articles a ON a.id = s.article_id "
            f"WHERE s.path = '{SEED}'",
        )
    )
    digest = {p: hashlib.sha256((tmp_path / p).read_bytes()).hexdigest() for p in by_path}
    assert by_path == digest and len(set(digest.values())) == 2
    assert (f"two/{SEED}",) in rows(db, "SELECT source_path FROM articles")
    assert count(db, "articles") == 6
