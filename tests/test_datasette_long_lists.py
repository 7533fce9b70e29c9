"""An entity's page lists the first rows of a long list and links to the whole list, so a
page stays the same size however large the archive grows."""

from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import quote

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path, pages, template_dir


@pytest.fixture
def datasette(built_db, monkeypatch):
    monkeypatch.setattr(pages, "LISTED_AT_MOST", 1)
    return Datasette(
        [],
        immutables=[str(built_db)],
        metadata=yaml.safe_load(metadata_path().read_text(encoding="utf-8")),
        settings=SETTINGS,
        template_dir=str(template_dir()),
    )


def page(ds: Datasette, path: str) -> str:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response.text


def test_a_topic_page_lists_the_first_meetings_and_articles_and_links_to_all(datasette, built_db):
    conn = sqlite3.connect(built_db)
    topic_id, name = conn.execute(
        "SELECT t.id, t.name_en FROM topics t JOIN article_topics at ON at.topic_id = t.id "
        "GROUP BY t.id HAVING count(DISTINCT at.article_id) > 1 LIMIT 1"
    ).fetchone()
    text = page(datasette, f"/archive/topics/{topic_id}")
    assert "Articles naming it (1+)" in text
    assert "Only the first 1 are listed" in text
    assert f"/archive/articles_browse?topics__arraycontains={quote(name)}" in text


def test_a_person_page_lists_the_first_meetings(datasette, built_db):
    conn = sqlite3.connect(built_db)
    person_id, name = conn.execute(
        "SELECT p.id, p.name FROM persons p JOIN meeting_participants mp ON mp.person_id = p.id "
        "GROUP BY p.id HAVING count(DISTINCT mp.meeting_id) > 1 LIMIT 1"
    ).fetchone()
    text = page(datasette, f"/archive/persons/{person_id}")
    assert "Meetings (1+)" in text
    assert f"/archive/meetings_browse?participants__arraycontains={quote(name)}" in text


def test_a_short_list_is_listed_whole(built_db):
    ds = Datasette(
        [], immutables=[str(built_db)], settings=SETTINGS, template_dir=str(template_dir())
    )
    text = page(ds, "/archive/topics/1")
    assert "Only the first" not in text
