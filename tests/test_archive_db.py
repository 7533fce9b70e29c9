"""The committed archive.db is what `archive build` makes from seeds/ (content, not bytes)."""

from .conftest import ROOT
from .test_import import dump


def test_committed_archive_matches_a_fresh_build(built_db):
    committed = dump(ROOT / "archive.db")
    fresh = dump(built_db)
    assert committed.keys() == fresh.keys()
    for table in fresh:
        assert committed[table] == fresh[table], f"archive.db table {table} is stale: rebuild it"
    assert len(fresh["articles"]) == 5
