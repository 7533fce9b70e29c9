"""Facets of the derived views read from stored counts (archive/counts.py,
archive/datasette/facets.py) answer exactly as Datasette's own facet queries do, on the
built seed archive and on an archive kept in step by imports; the slow canned queries
read indexes first."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from datasette.app import Datasette

from archive.counts import COUNTED_VIEWS, counted_facets
from archive.datasette import (
    SETTINGS,
    configured_facets,
    functions,
    metadata_path,
    template_dir,
)
from archive.datasette.facets import LISTED

from .conftest import DEV_CORPUS, SEEDS, invoke

METADATA = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
VIEWS = sorted({view for view, _kind, _column in counted_facets()})
# Datasette's own queries, never cut short here: they are the reference
UNLIMITED = SETTINGS | {"facet_time_limit_ms": 60_000, "sql_time_limit_ms": 60_000}


def datasette_on(db) -> Datasette:
    return Datasette(
        [],
        immutables=[str(db)],
        metadata=METADATA,
        settings=UNLIMITED,
        template_dir=str(template_dir()),
    )


def facets(ds: Datasette, path: str) -> dict:
    """Each facet's name, type and values with their counts, as the JSON gives them."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return {
        name: (
            facet["type"],
            facet["truncated"],
            [(r["value"], r["label"], r["count"], r["selected"]) for r in facet["results"]],
        )
        for name, facet in response.json()["facet_results"].items()
    }


def assert_stored_counts_equal_datasettes(db) -> None:
    """An unfiltered page (stored counts) against the same rows filtered by an always-true
    condition (computed per request), at the default facet size and at the largest, and
    against counting every row of the view in Python."""
    ds = datasette_on(db)
    for view in VIEWS:
        for size in ("", "&_facet_size=max"):
            stored = facets(ds, f"/archive/{view}.json?_size=1{size}")
            computed = facets(ds, f"/archive/{view}.json?_size=1&_where=1%3D1{size}")
            assert stored == computed, view
            assert set(stored) == {column for _kind, column in configured_facets()[view]}
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        every = [dict(r) for r in conn.execute(f"SELECT * FROM [{view}]")]
        shown = facets(ds, f"/archive/{view}.json?_size=1&_facet_size=max")
        counted = {c: [(v, n) for v, _l, n, _s in f[2]] for c, f in shown.items()}
        assert counted == expected_facets(every, view, 1000), view


def test_every_derived_view_with_facets_is_counted():
    assert set(VIEWS) == set(COUNTED_VIEWS) & set(configured_facets())
    assert {"meetings_browse", "persons_browse", "evidence", "who_met_whom"} <= set(VIEWS)


def test_stored_counts_answer_as_datasette_does(built_db):
    assert_stored_counts_equal_datasettes(built_db)


def imported_twice(tmp_path: Path) -> Path:
    """An archive of the seeds, then of ten dev texts imported into it (the second import
    changing what the first stored)."""
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SEEDS, first)
    second.mkdir()
    for source in sorted(DEV_CORPUS.glob("dev_*.txt"))[:10]:
        shutil.copy(source, second / source.name)
    db = tmp_path / "archive.db"
    invoke("import", str(first), "--db", str(db))
    invoke("import", str(second), "--db", str(db))
    return db


def test_counts_kept_by_imports_answer_as_datasette_does(tmp_path):
    """Two imports, the second changing what the first stored: the counts kept in step."""
    assert_stored_counts_equal_datasettes(imported_twice(tmp_path))


@pytest.mark.parametrize("words", ["hợp tác", "Bộ Công an", "zzzz"])
def test_a_searched_wide_table_facets_its_matches_through_indexes(built_db, words):
    """articles?_search= reads its facets from the columns' indexes (no _where): the same
    answer as reading the rows (_where=1=1)."""
    ds = datasette_on(built_db)
    path = f"/archive/articles.json?_search={quote(words)}"
    assert facets(ds, path) == facets(ds, path + "&_where=1%3D1")
    conn = sqlite3.connect(built_db)
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(articles)")}
    assert {f"search_ix_articles_{c}" for _k, c in configured_facets()["articles"]} <= indexes


def test_a_filtered_page_counts_its_own_rows(built_db):
    ds = datasette_on(built_db)
    found = facets(ds, "/archive/meetings_browse.json?kind_en=Talks")
    assert [count for _v, _l, count, _s in found["kind_en"][2]] == [
        len(
            sqlite3.connect(built_db)
            .execute("SELECT meeting_id FROM meetings_browse WHERE kind_en = 'Talks'")
            .fetchall()
        )
    ]


@pytest.mark.parametrize("query", ["meetings_between_organisations", "fact_evidence"])
def test_slow_canned_queries_start_from_an_index(built_db, query):
    """No full scan of a fact or link table: the plan reads them through an index."""
    sql = METADATA["databases"]["archive"]["queries"][query]["sql"]
    conn = sqlite3.connect(built_db)
    functions.register(conn)
    params = dict.fromkeys(("org_a", "org_b", "subject", "name"), "Bộ")
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    bare = [s.split()[1] for s in plan if s.startswith("SCAN ") and " USING " not in s]
    bare = [name for name in bare if not name.startswith("(")]  # a step's own rows
    assert set(bare) <= FILTERED_FIRST | {"oa", "ob"}, plan  # oa, ob: a person's list


# What a canned query may read whole: the names its parameters are looked up in.
FILTERED_FIRST = {"persons", "organisations", "orgs_a", "orgs_b", "search_sentences_fts", "pairs"}


def expected_facets(rows: list[dict], view: str, size: int = 30) -> dict:
    """Each configured facet of ``rows`` counted in Python: (value, count), most first."""
    found = {}
    for kind, column in configured_facets()[view]:
        counts: dict = {}
        for row in rows:
            values = json.loads(row[column]) if kind == "array" else [row[column]]
            for value in {v for v in values if v is not None}:
                counts[value] = counts.get(value, 0) + 1
        found[column] = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))[:size]
    return found


@pytest.mark.parametrize("view, column", sorted(LISTED))
def test_a_page_filtered_on_a_list_item_is_the_rows_holding_it(built_db, view, column):
    """What clicking a list facet's value gives: the rows whose list holds it (through the
    items index), faceted as counting those rows gives, the value selected."""
    ds = datasette_on(built_db)
    top = facets(ds, f"/archive/{view}.json?_size=1")[column][2][0][0]
    path = f"/archive/{view}.json?{column}__arraycontains={quote(top)}&_size=max"
    response = asyncio.run(ds.client.get(path + "&_shape=objects"))
    assert response.status_code == 200, response.text
    answer = response.json()
    conn = sqlite3.connect(built_db)
    conn.row_factory = sqlite3.Row
    every = [dict(r) for r in conn.execute(f"SELECT * FROM [{view}]")]
    holding = [r for r in every if top in json.loads(r[column])]
    key = COUNTED_VIEWS[view][1]
    assert sorted(r[key] for r in answer["rows"]) == sorted(r[key] for r in holding)
    assert answer["filtered_table_rows_count"] == len(holding)
    shown = facets(ds, path)
    assert {c: [(v, n) for v, _l, n, _s in f[2]] for c, f in shown.items()} == expected_facets(
        holding, view
    )
    assert [v for v, _l, _n, selected in shown[column][2] if selected] == [top]
