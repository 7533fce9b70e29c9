"""The pages of an organisation and a topic find the first rows of their lists by walking
the candidates in the page's order (``sql/*_walk.sql``, archive/datasette/pages.py):
whatever the walk's length, rows it returns in full are the list's own first rows, on the
built seed archive through Datasette's own database."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path, pages, template_dir

# list → the table of the entities whose pages show it
LISTS = {
    "organisation_people": "organisations",
    "organisation_meetings": "organisations",
    "organisation_articles": "organisations",
    "topic_meetings": "topics",
    "topic_articles": "topics",
}
EVERYTHING = 10**9


@pytest.fixture(scope="module")
def database(built_db):
    ds = Datasette(
        [],
        immutables=[str(built_db)],
        metadata=yaml.safe_load(metadata_path().read_text(encoding="utf-8")),
        settings=SETTINGS,
        template_dir=str(template_dir()),
    )
    return ds.get_database("archive")


def listed(database, sql: str, entity: int, wanted: int, walked: int = EVERYTHING):
    params = {"id": entity, "listed": wanted, "walked": walked}
    return [dict(row) for row in asyncio.run(database.execute(sql, params)).rows]


def own_rows(database, name: str, entity: int, wanted: int) -> list[dict]:
    return listed(database, f"{pages.SQL[name]}\nLIMIT {wanted}", entity, wanted)


def entities(database, table: str) -> list[int]:
    return [row[0] for row in asyncio.run(database.execute(f"SELECT id FROM {table}")).rows]


@pytest.mark.parametrize("name", LISTS)
def test_a_whole_walk_is_the_list(database, name):
    found = 0
    for entity in entities(database, LISTS[name]):
        expected = own_rows(database, name, entity, EVERYTHING)
        walk = listed(database, pages.SQL[f"{name}_walk"], entity, EVERYTHING)
        assert walk == expected, (name, entity)
        found += len(expected)
    assert found > 10, name  # the seed archive has such rows


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("wanted", [1, 2, 3])
def test_a_short_walk_that_finds_enough_rows_found_the_first(database, name, wanted):
    """A walk of the first N candidates returns at most the rows asked; when it returns
    them all, they are the list's first rows (else the page asks the list's own query)."""
    answered = 0
    for entity in entities(database, LISTS[name]):
        first = own_rows(database, name, entity, wanted)
        for walked in (1, 2, 3, 5, 8, 13, 40):
            walk = listed(database, pages.SQL[f"{name}_walk"], entity, wanted, walked)
            assert len(walk) <= wanted
            if len(walk) == wanted:
                assert walk == first, (name, entity, walked)
                answered += 1
    assert answered, name  # some walks were long enough


@pytest.mark.parametrize(
    "page, table, keys",
    [
        (pages.organisation_page, "organisations", ("people", "meetings", "articles")),
        (pages.topic_page, "topics", ("meetings", "articles")),
    ],
)
def test_the_page_lists_what_the_lists_own_queries_give(database, page, table, keys):
    """The lists of every page, walked (as the shares say), equal the lists' own queries."""
    walked = 0
    prefix = table.removesuffix("s")
    for entity in entities(database, table):
        shown = asyncio.run(page(database, str(entity), None))
        [shares] = listed(database, pages.SQL[f"{prefix}_shares"], entity, 0)
        for key in keys:
            name = f"{prefix}_{key}"
            expected = own_rows(database, name, entity, EVERYTHING)
            pages.with_lists(expected, *(["participants"] if key == "meetings" else []))
            assert shown[key] == expected[: pages.LISTED_AT_MOST], (key, entity)
            assert shown[f"{key}_more"] == (len(expected) > pages.LISTED_AT_MOST)
            walked += bool(expected and pages.walk_length(shares[name]))
    assert walked  # some lists were walked


def test_the_walk_is_as_long_as_the_share_says_and_bounded():
    assert pages.walk_length(None) is None and pages.walk_length(0.0) is None
    assert pages.walk_length(1.0) == 2 * (pages.LISTED_AT_MOST + 1)
    assert pages.walk_length(0.5) == 4 * (pages.LISTED_AT_MOST + 1)
    assert pages.walk_length(2 * (pages.LISTED_AT_MOST + 1) / pages.WALKED_AT_MOST / 2) is None
