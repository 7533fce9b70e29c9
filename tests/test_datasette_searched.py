"""``articles`` searched by full text (archive/datasette/searched.py): the page's count and
column facets read an index of the table, never the articles' rows, and answer exactly as
Datasette's own queries do (the same page with an always-true condition, which Datasette
counts and facets itself)."""

from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import quote

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path, template_dir
from archive.datasette.searched import SEARCH_COUNT

METADATA = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
# Datasette's own queries, never cut short here: they are the reference
UNLIMITED = SETTINGS | {"facet_time_limit_ms": 60_000, "sql_time_limit_ms": 60_000}
ALWAYS_TRUE = "&_where=1%3D1"  # a condition: Datasette counts and facets the page itself


def recording_datasette(db) -> tuple[Datasette, list[str]]:
    """Datasette on ``db`` and the list of the SQL statements its database runs, as run."""
    ds = Datasette(
        [],
        immutables=[str(db)],
        metadata=METADATA,
        settings=UNLIMITED,
        template_dir=str(template_dir()),
    )
    database = ds.get_database("archive")
    run, statements = database.execute, []

    async def recording(sql, *args, **kwargs):
        statements.append(sql)
        return await run(sql, *args, **kwargs)

    database.execute = recording  # before start-up: the plugin's count wraps it
    asyncio.run(ds.invoke_startup())
    return ds, statements


def page(ds: Datasette, path: str) -> dict:
    """The count, the rows shown and each facet's values, counts, labels, links and
    truncation."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    found = response.json()
    return {
        "count": found["filtered_table_rows_count"],
        "rows": [row[found["columns"].index("id")] for row in found["rows"]],
        "facets": {
            name: (facet["type"], facet["truncated"], facet["results"])
            for name, facet in found["facet_results"].items()
        },
    }


@pytest.mark.parametrize("words", ["hợp tác", "Bộ Công an", "Trung Quốc", "zzzz"])
@pytest.mark.parametrize(
    "extra", ["", "&_facet_size=2", "&_facet=agency", "&_size=3", "&_nocount=1", "&_next=40"]
)
def test_a_searched_page_counts_and_facets_as_datasette_does(built_db, words, extra):
    ds, _statements = recording_datasette(built_db)
    path = f"/archive/articles.json?_search={quote(words)}{extra}"
    ours, datasettes = page(ds, path), page(ds, path + ALWAYS_TRUE)
    assert ours["count"] == datasettes["count"]
    assert ours["rows"] == datasettes["rows"]
    # facet links keep the page's own parameters (no _where on ours)
    for facet in datasettes["facets"].values():
        for value in facet[2]:
            value["toggle_url"] = value["toggle_url"].replace(ALWAYS_TRUE, "")
    assert ours["facets"] == datasettes["facets"]
    if words != "zzzz" and not extra:
        assert ours["count"] > 0 and ours["facets"]["outlet"][2]


@pytest.mark.parametrize("extra", ["", "&_nocount=1"])
def test_a_searched_page_reads_no_article_row_but_the_ones_it_shows(built_db, extra):
    """One statement reads articles' rows (the page's 50); one groups the matches through
    the covering index (the plan says so), for the count and the three column facets (for
    the facets alone when the page is not counted)."""
    ds, statements = recording_datasette(built_db)
    page(ds, f"/archive/articles.json?_search={quote('hợp tác')}{extra}")
    over_articles = [sql for sql in statements if " from articles " in sql]
    shown = [sql for sql in over_articles if "INDEXED BY" not in sql]
    assert len(shown) == 1 and shown[0].rstrip().endswith("limit 51")
    [grouped] = [sql for sql in over_articles if "INDEXED BY" in sql]
    assert grouped.startswith("SELECT [outlet], [format], [date_precision], count(*) AS n")
    conn = sqlite3.connect(built_db)
    conn.create_function("escape_fts", 1, lambda text: text)
    plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {grouped}", {"search": "x"})]
    assert "SCAN articles USING COVERING INDEX search_ix_articles_outlet" in plan, plan
    assert not any(step.startswith("SEARCH articles") for step in plan), plan


def test_only_a_search_alone_is_counted_through_the_index(built_db):
    """With a column filter or another condition the count is Datasette's own statement."""
    ds, statements = recording_datasette(built_db)
    page(ds, f"/archive/articles.json?_search={quote('hợp tác')}&format=titled")
    page(ds, f"/archive/articles.json?_search={quote('hợp tác')}{ALWAYS_TRUE}")
    counts = [sql for sql in statements if sql.startswith("select count(*) from articles ")]
    assert len(counts) == 2 and not any(SEARCH_COUNT.fullmatch(sql) for sql in counts)
    assert not any(sql.startswith("SELECT [outlet]") for sql in statements)
