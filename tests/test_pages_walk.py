"""An organisation's page finds the first rows of its lists by walking the candidates in
the page's order (``sql/organisation_*_walk.sql``, archive/datasette/pages.py): whatever
the walk's length, rows it returns in full are the list's own first rows, on the built
seed archive through Datasette's own database."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path, pages, template_dir

LISTS = ("organisation_people", "organisation_meetings", "organisation_articles")
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


def listed(database, sql: str, organisation: int, wanted: int, walked: int = EVERYTHING):
    params = {"id": organisation, "listed": wanted, "walked": walked}
    return [dict(row) for row in asyncio.run(database.execute(sql, params)).rows]


def own_rows(database, name: str, organisation: int, wanted: int) -> list[dict]:
    return listed(database, f"{pages.SQL[name]}\nLIMIT {wanted}", organisation, wanted)


def organisations(database) -> list[int]:
    return [row[0] for row in asyncio.run(database.execute("SELECT id FROM organisations")).rows]


@pytest.mark.parametrize("name", LISTS)
def test_a_whole_walk_is_the_list(database, name):
    found = 0
    for organisation in organisations(database):
        expected = own_rows(database, name, organisation, EVERYTHING)
        walk = listed(database, pages.SQL[f"{name}_walk"], organisation, EVERYTHING)
        assert walk == expected, (name, organisation)
        found += len(expected)
    assert found > 10, name  # the seed archive has such rows


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("wanted", [1, 2, 3])
def test_a_short_walk_that_finds_enough_rows_found_the_first(database, name, wanted):
    """A walk of the first N candidates returns at most the rows asked; when it returns
    them all, they are the list's first rows (else the page asks the list's own query)."""
    answered = 0
    for organisation in organisations(database):
        first = own_rows(database, name, organisation, wanted)
        for walked in (1, 2, 3, 5, 8, 13, 40):
            walk = listed(database, pages.SQL[f"{name}_walk"], organisation, wanted, walked)
            assert len(walk) <= wanted
            if len(walk) == wanted:
                assert walk == first, (name, organisation, walked)
                answered += 1
    assert answered, name  # some walks were long enough


def test_the_page_lists_what_the_lists_own_queries_give(database):
    """The lists of every organisation page, walked (as the shares say), equal the lists'
    own queries."""
    walked = 0
    for organisation in organisations(database):
        shown = asyncio.run(pages.organisation_page(database, str(organisation), None))
        [shares] = listed(database, pages.SQL["organisation_shares"], organisation, 0)
        for key in ("people", "meetings", "articles"):
            name = f"organisation_{key}"
            expected = own_rows(database, name, organisation, EVERYTHING)
            pages.with_lists(expected, *(["participants"] if key == "meetings" else []))
            assert shown[key] == expected[: pages.LISTED_AT_MOST], (key, organisation)
            assert shown[f"{key}_more"] == (len(expected) > pages.LISTED_AT_MOST)
            walked += bool(expected and pages.walk_length(shares[name]))
    assert walked  # some lists were walked


def test_the_walk_is_as_long_as_the_share_says_and_bounded():
    assert pages.walk_length(None) is None and pages.walk_length(0.0) is None
    assert pages.walk_length(1.0) == 2 * (pages.LISTED_AT_MOST + 1)
    assert pages.walk_length(0.5) == 4 * (pages.LISTED_AT_MOST + 1)
    assert pages.walk_length(2 * (pages.LISTED_AT_MOST + 1) / pages.WALKED_AT_MOST / 2) is None
