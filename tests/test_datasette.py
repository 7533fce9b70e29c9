"""Datasette serves the built archive read-only (Datasette's own test client)."""

import asyncio

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path


@pytest.fixture(scope="module")
def datasette(built_db):
    metadata = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
    metadata["databases"]["archive"] = metadata["databases"].pop("archive")
    ds = Datasette([], immutables=[str(built_db)], metadata=metadata, settings=SETTINGS)
    return ds


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_articles_table_lists_the_seeds(datasette):
    response = get(datasette, "/archive/articles.json?_shape=array&_col=title")
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()]
    assert "Bộ trưởng Tô Lâm gặp Bộ trưởng An ninh Quốc gia Trung Quốc" in titles
    assert len(titles) == 5


def test_metadata_title_is_shown(datasette):
    response = get(datasette, "/")
    assert "Vietnam–China Security Cooperation Archive" in response.text


def test_writes_are_refused(datasette):
    response = get(datasette, "/archive.json?sql=" + "delete from articles")
    assert response.status_code == 400
    insert = asyncio.run(datasette.client.post("/archive/articles/-/insert", json={}))
    assert insert.status_code in (403, 404, 405)
    count = get(datasette, "/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array")
    assert count.json() == [{"n": 5}]
