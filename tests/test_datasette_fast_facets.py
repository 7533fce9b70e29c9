"""Facets of filtered pages at 100,000 articles answer as before, on the seed archive and
on the dev corpus: a column facet of the column a page filters on one value, or of the
other of a view's two column facets (counted pairs); a large page of a view with lists
counted from the values held in memory, its keys read once (by its count); an index by
key holding the column facets."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import sqlite3
from urllib.parse import quote

import pytest
import sqlite_utils
from datasette.tracer import capture_traces

from archive import counts
from archive.datasette import configured_facets, listed
from archive.datasette.facets import HELD_VIEWS, LISTED, PAIRED, held_reader
from archive.lists import ITEMS_TABLE
from archive.postprocess import is_current, refresh_search

from .test_datasette_fast_pages import connect, dev_archive
from .test_facet_counts import datasette_on, facets, imported_twice


@pytest.fixture(params=["seeds", "dev"])
def archive(request, built_db, tmp_path_factory):
    return built_db if request.param == "seeds" else dev_archive(tmp_path_factory)


# sqlite_stat1 of the 100,000-article archive for the tables a list item's page reads
LARGE_STATISTICS = {
    ("search_list_items", "search_list_items"): "3356618 372958 21 1",
    ("search_articles_browse", "ix_search_articles_browse_article_id"): "99967 1",
    ("search_articles_browse", "ix_search_articles_browse_by_key"): "99967 1 1 1",
    ("search_articles_browse", "ix_search_articles_browse_outlet"): "99967 4544 834",
    ("search_articles_browse", "ix_search_articles_browse_year"): "99967 4544 834",
}


def test_a_list_item_page_facets_columns_through_the_index_by_key(built_db, tmp_path):
    """The index by key holds the view's column facets: with a large archive's statistics,
    a page filtered on a list item finds its rows by key and reads their column facets
    from that index alone, no row of the table."""
    conn = connect(built_db)
    for name, (_table, columns) in counts.key_indexes().items():
        found = [r[0] for r in conn.execute("SELECT name FROM pragma_index_info(?)", [name])]
        assert tuple(found) == columns, name
    path = tmp_path / "archive.db"
    shutil.copy(built_db, path)
    with sqlite3.connect(path) as conn:
        for (table, index), stat in LARGE_STATISTICS.items():
            conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = ? AND idx = ?", [table, index])
            conn.execute("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", [table, index, stat])
    sql = (
        "select outlet as value, count(*) as count from (select * from articles_browse "
        "where [article_id] IN (SELECT row_id FROM search_list_items "
        "WHERE list = 'articles_browse.topics' AND value = :p0)) where outlet is not null "
        "group by outlet order by count desc, value limit 31"
    )
    plan = [r[3] for r in connect(path).execute("EXPLAIN QUERY PLAN " + sql, {"p0": "x"})]
    covering = "SEARCH search_articles_browse USING COVERING INDEX ix_search_articles_browse_by_key"
    assert any(step.startswith(covering) for step in plan), plan


def test_an_archive_without_the_index_by_key_is_rebuilt(built_db, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(built_db, path)
    [name] = [n for n, (t, _c) in counts.key_indexes().items() if t == "search_persons_browse"]
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP INDEX [{name}]")
    assert not is_current(path)
    refresh_search(path)
    assert is_current(path)
    db = sqlite_utils.Database(path)
    assert counts.is_complete(db)
    db.close()


def test_filtered_pages_facet_as_before_after_two_imports(tmp_path):
    """The index by key kept by SQLite as imports change the rows: a page filtered on a
    list item still counts its own rows."""
    ds = datasette_on(imported_twice(tmp_path))
    top = facets(ds, "/archive/articles_browse.json?_size=1")["topics"][2][0][0]
    path = f"/archive/articles_browse.json?topics__arraycontains={top}"
    assert facets(ds, path) == facets(ds, path + "&_where=1%3D1")


async def traced(ds, path: str) -> list[dict]:
    """The SQL a request runs (traces are kept per asyncio task: captured inside it)."""
    traces: list[dict] = []
    with capture_traces(traces):
        response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return traces


def counted(found: dict) -> dict:
    """Each facet's values and counts, and whether it was cut (not which is selected)."""
    return {
        name: (kind, cut, [(v, n) for v, _l, n, _s in values])
        for name, (kind, cut, values) in found.items()
    }


@pytest.mark.parametrize(
    "table, column, value",
    [
        ("evidence", "fact", "post"),
        ("evidence", "evidence_field", "captions"),
        ("article_persons", "person_id", "1"),
        ("persons", "country", "VN"),
        ("meetings_browse", "kind_en", "Talks"),
        ("articles_browse", "year", "year not stated"),
        ("evidence", "fact", "nothing"),
    ],
)
def test_a_column_filtered_on_one_value_facets_as_datasette_does(archive, table, column, value):
    """``column=value``: that column's facet is the value with the page's count, read from
    one row (no grouping of the column); every facet as Datasette computes it when the same
    condition comes as ``_where`` (its own grouping)."""
    ds = datasette_on(archive)
    path = f"/archive/{table}.json?_size=1&{column}={quote(value)}"
    where = quote(f"[{column}] = {value if value.isdigit() else repr(value)}")
    pinned = facets(ds, path)
    assert counted(pinned) == counted(facets(ds, f"/archive/{table}.json?_size=1&_where={where}"))
    traces = asyncio.run(traced(ds, path))
    assert any(trace["sql"].startswith("select ") for trace in traces)  # (traced)
    if value != "nothing":
        assert pinned[column][2][0][3] is True  # selected
    grouped = f"select {column} as value, count(*)"
    assert not any(trace["sql"].startswith(grouped) for trace in traces)


def brute_top(values: dict[str, list[int]], keys: set, limit: int) -> list[dict]:
    counted = [(sum(1 for r in rows if r in keys), v) for v, rows in values.items()]
    ordered = sorted((cv for cv in counted if cv[0]), key=lambda cv: (-cv[0], cv[1]))
    return [{"value": v, "count": c} for c, v in ordered[:limit]]


def test_the_top_values_of_held_items_are_those_counting_every_item_gives():
    """Random lists (values shared unevenly, ties, values absent from the page, values held
    as keys and as bits): the values counted until no other can be shown are the top
    values of counting all."""
    rng = random.Random(11)
    kinds = {True: 0, False: 0}
    for _ in range(300):
        rows = sorted(rng.sample(range(1, rng.choice([60, 5000])), rng.randrange(1, 50)))
        names = sorted({f"v{rng.randrange(40)}" for _ in range(rng.randrange(1, 12))})
        values: dict[str, list[int]] = {}
        for row in rows:
            for name in rng.sample(names, rng.randrange(len(names) + 1)):
                values.setdefault(name, []).append(row)
        conn = sqlite3.connect(":memory:")
        conn.execute(
            f"CREATE TABLE {ITEMS_TABLE} (list, value, row_id, PRIMARY KEY (list, value, row_id))"
        )
        conn.executemany(
            f"INSERT INTO {ITEMS_TABLE} VALUES ('l', ?, ?)",
            [(v, r) for v, ids in values.items() for r in ids],
        )
        items = listed.read_items(conn, "l")
        keys = {r for r in rows if rng.random() < 0.5}
        limit = rng.randrange(1, 8)
        page = listed.Page(frozenset(keys))
        assert listed.top_values(items, page, limit) == brute_top(values, keys, limit)
        for _value, _rows, _rank, held_keys, _bits in items.values:
            kinds[held_keys is None] += 1
    assert kinds[True] > 100 and kinds[False] > 100  # values held as bits, and as keys


@pytest.mark.parametrize("view, column", sorted(LISTED))
def test_a_large_pages_facets_are_counted_from_the_held_values(archive, view, column, monkeypatch):
    """Every page a click on a list facet's value gives (and with a column facet's value
    too), at the default facet size and at the largest: the same facets, list and column,
    from the values held in memory (every page counted as large) as from the page's
    queries (none)."""
    shown = facets(datasette_on(archive), f"/archive/{view}.json?_size=1")
    columns = [c for kind, c in configured_facets()[view] if kind == "column"]
    every = f"/archive/{view}.json?_size=1&_where=1%3D1"
    paths = [every, every + "&_facet_size=max"]
    for value, *_ in shown[column][2][:3]:
        paths.append(f"/archive/{view}.json?_size=1&{column}__arraycontains={quote(str(value))}")
    for name in columns:
        [value, *_] = shown[name][2][0]
        paths.append(f"{paths[2]}&_facet_size=max&{name}={quote(str(value))}")
    found = {}
    for large in (0, 10**9):
        monkeypatch.setattr(listed, "LARGE_PAGE", large)
        ds = datasette_on(archive)
        found[large] = [facets(ds, path) for path in paths]
    assert found[0] == found[10**9]
    assert all(found[0])


def test_a_large_pages_keys_are_read_once_for_all_its_facets(built_db, monkeypatch):
    monkeypatch.setattr(listed, "LARGE_PAGE", 0)
    ds = datasette_on(built_db)
    traces = asyncio.run(traced(ds, "/archive/articles_browse.json?_where=1%3D1"))
    lists = [c for kind, c in configured_facets()["articles_browse"] if kind == "array"]
    assert len(lists) == 3
    assert sum("json_group_array" in trace["sql"] for trace in traces) == 1
    assert not any("json_each" in trace["sql"] for trace in traces)
    assert not any(" as value, count(*)" in trace["sql"] for trace in traces)  # columns'


@pytest.mark.parametrize("view", sorted(PAIRED))
def test_a_page_filtered_on_one_of_two_column_facets_reads_the_others_pairs(archive, view):
    """Every value of either column facet (and one no row holds): the other's facet read
    from the counts of their pairs, as Datasette computes it over the rows, no grouping."""
    ds = datasette_on(archive)
    conn = connect(archive)
    for column in PAIRED[view]:
        other = PAIRED[view][1 - PAIRED[view].index(column)]
        values = [v for (v,) in conn.execute(f"SELECT DISTINCT [{column}] FROM [{view}]")]
        for value in [v for v in values if v is not None] + ["none of them"]:
            path = f"/archive/{view}.json?_size=1&{column}={quote(str(value))}"
            where = quote(f"[{column}] = '{value}'")
            expected = counted(facets(ds, f"/archive/{view}.json?_size=1&_where={where}"))
            assert counted(facets(ds, path)) == expected, (column, value)
            traces = asyncio.run(traced(ds, path))
            grouped = f"select {other} as value, count(*)"
            assert not any(trace["sql"].startswith(grouped) for trace in traces)


def test_an_archive_without_the_pairs_facets_through_its_rows(built_db, tmp_path):
    """An archive an earlier version built (no counts of pairs) is served as before."""
    path = tmp_path / "archive.db"
    shutil.copy(built_db, path)
    with sqlite3.connect(path) as conn:
        for table in (counts.COUNTED_FACETS, counts.FACET_COUNTS):
            conn.execute(f"DELETE FROM {table} WHERE facet LIKE '%|%'")
    ds = datasette_on(path)
    for fact in ("post", "person", "meeting"):
        where = quote(f"fact = '{fact}'")
        expected = counted(facets(ds, f"/archive/evidence.json?_where={where}"))
        assert counted(facets(ds, f"/archive/evidence.json?fact={fact}")) == expected
        assert expected["evidence_field"][2]


def test_a_filtered_page_of_a_view_with_lists_reads_its_rows_once(built_db, monkeypatch):
    """Its count reads the page's keys, which its facets use: no count(*), one read of the
    keys, and the count Datasette's own gives."""
    monkeypatch.setattr(listed, "LARGE_PAGE", 0)
    ds = datasette_on(built_db)
    top = facets(ds, "/archive/articles_browse.json?_size=1")["topics"][2][0][0]
    path = f"/archive/articles_browse.json?topics__arraycontains={quote(top)}"
    traces = asyncio.run(traced(ds, path))
    assert sum("json_group_array" in trace["sql"] for trace in traces) == 1
    assert not any(trace["sql"].startswith("select count(*)") for trace in traces)
    answer = asyncio.run(ds.client.get(path + "&_shape=objects&_size=max")).json()
    rows = connect(built_db).execute(
        "SELECT article_id, topics FROM articles_browse ORDER BY article_id"
    )
    holding = [key for key, topics in rows if top in json.loads(topics)]
    assert answer["filtered_table_rows_count"] == len(holding) > 0
    assert sorted(row["article_id"] for row in answer["rows"]) == holding


def test_a_count_a_reader_types_is_sqlites_own(built_db):
    """SQL typed in the query editor is not taken for the table page's count."""
    ds = datasette_on(built_db)
    sql = "select count(*) from articles_browse where 1 limit 1"
    answer = asyncio.run(ds.client.get(f"/archive.json?sql={quote(sql)}&_shape=array")).json()
    total = connect(built_db).execute("SELECT count(*) FROM articles_browse").fetchone()[0]
    assert answer == [{"count(*)": total}] and total > 1


@pytest.mark.parametrize("large, held", [(2, True), (10**9, False)])
def test_the_values_of_large_pages_are_read_at_startup(archive, monkeypatch, large, held):
    """Served immutable, a database whose views with lists can give a large page has every
    facet's held values read at startup (the first reader's click then costs what the next
    ones do); one whose views cannot has none read."""
    monkeypatch.setattr(listed, "LARGE_PAGE", large)
    ds = datasette_on(archive)

    asyncio.run(ds.invoke_startup())
    values = ds.get_database("archive").__dict__.get("archive_held_values", {})
    found = {name for name, held_values in values.items() if held_values.values}
    expected = {
        held_reader(view, kind, column)[0]
        for view in HELD_VIEWS
        for kind, column in configured_facets()[view]
    }
    assert found == (expected if held else set())
    assert len(expected) >= 2 * len(HELD_VIEWS)  # lists and columns of each view
