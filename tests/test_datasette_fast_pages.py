"""The pages that were slow at 100,000 articles answer as before, on the seed archive and on
the dev corpus: the canned timeline and a person's meetings choose their first rows by
their order alone before reading them whole; a page filtered on a list item reads its
count and column facets from an index by key; links are built without ``Markup.format``."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import sqlite3
from urllib.parse import quote

import pytest
import sqlite_utils
import yaml
from datasette.tracer import capture_traces
from jinja2 import Environment
from markupsafe import Markup

from archive import counts
from archive.datasette import configured_facets, labels, listed, metadata_path, pages
from archive.datasette.cells import ENTITY_COLUMNS, CellRenderer, as_list, place_text
from archive.datasette.facets import LISTED, PAIRED
from archive.datasette.labels import place_label
from archive.lists import ITEMS_TABLE
from archive.postprocess import is_current, refresh_search

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_facet_counts import datasette_on, facets

QUERIES = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))["databases"]["archive"][
    "queries"
]
# The queries as they read before: every entry read whole, then sorted (the reference).
TIMELINE_BEFORE = """
SELECT * FROM (
  SELECT pp.date AS date, p.name AS person, 'post' AS entry,
         COALESCE(pos.title_en, pos.title) AS entry_en,
         pos.title || COALESCE(' — ' || o.name, '') AS detail,
         a.id AS article_id, a.title AS article, pp.evidence
  FROM person_positions pp
  JOIN persons p ON p.id = pp.person_id
  JOIN positions pos ON pos.id = pp.position_id
  LEFT JOIN organisations o ON o.id = pos.organisation_id
  JOIN articles a ON a.id = pp.article_id
  WHERE pp.person_id IN (SELECT id FROM persons WHERE name LIKE '%' || :name || '%'
                 OR name_en LIKE '%' || :name || '%')
  UNION ALL
  SELECT m.date, p.name, 'meeting: ' || m.kind, COALESCE(k.name_en, m.kind),
         (SELECT group_concat(p2.name, ', ') FROM meeting_participants mp2
          JOIN persons p2 ON p2.id = mp2.person_id
          WHERE mp2.meeting_id = m.id AND mp2.article_id = mp.article_id
            AND mp2.person_id != p.id),
         a.id, a.title, ms.evidence
  FROM meeting_participants mp
  JOIN persons p ON p.id = mp.person_id
  JOIN meetings m ON m.id = mp.meeting_id
  LEFT JOIN search_meeting_kinds k ON k.kind = m.kind
  JOIN meeting_sources ms ON ms.meeting_id = m.id AND ms.article_id = mp.article_id
  JOIN articles a ON a.id = mp.article_id
  WHERE mp.person_id IN (SELECT id FROM persons WHERE name LIKE '%' || :name || '%'
                 OR name_en LIKE '%' || :name || '%')
)
ORDER BY date IS NULL, date, article_id, entry
LIMIT :limit
"""
PERSON_MEETINGS_BEFORE = """
SELECT m.id AS meeting_id, mb."when", m.kind, COALESCE(k.name_en, m.kind) AS kind_en, m.place,
       json_remove(mb.participants, '$[' || (SELECT key FROM json_each(mb.participants)
            WHERE value = (SELECT name FROM persons WHERE id = :id)) || ']') AS with_whom,
       mb.topics,
       ms.article_id, ms.evidence_start, ms.evidence_end, ms.evidence
FROM meetings m
JOIN meetings_browse mb ON mb.meeting_id = m.id
LEFT JOIN search_meeting_kinds k ON k.kind = m.kind
LEFT JOIN meeting_sources ms ON ms.id = (SELECT id FROM meeting_sources
    WHERE meeting_id = m.id ORDER BY article_id LIMIT 1)
WHERE m.id IN (SELECT meeting_id FROM meeting_participants WHERE person_id = :id)
ORDER BY m.date IS NULL, m.date, m.id
LIMIT :listed
"""


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory):
    """The seeds and the dev corpus imported into one archive."""
    folder = tmp_path_factory.mktemp("dev")
    path = folder / "archive.db"
    invoke("import", str(SEEDS), "--db", str(path))
    invoke("import", str(DEV_CORPUS), "--db", str(path))
    return path


@pytest.fixture(params=["seeds", "dev"])
def archive(request, built_db, dev_db):
    return built_db if request.param == "seeds" else dev_db


def connect(path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def order_key(row: tuple) -> tuple:
    """The timeline's order: date (undated last), article, entry."""
    return (row[0] is None, row[0] or "", row[5], row[2])


def test_the_timeline_gives_the_entries_it_gave(archive):
    """For every person's name and some parts of names: the same entries, in the same
    order wherever the order is defined (entries of the same date, article and kind now
    follow their links' ids)."""
    conn = connect(archive)
    timeline = QUERIES["person_timeline"]["sql"]
    names = [r[0] for r in conn.execute("SELECT name FROM persons ORDER BY id")]
    assert names
    for name in [*names, "", "a", "Nguyễn", "Tô", "zzzz"]:
        new = conn.execute(timeline, {"name": name}).fetchall()
        old = conn.execute(TIMELINE_BEFORE, {"name": name, "limit": 1000}).fetchall()
        assert sorted(new, key=repr) == sorted(old, key=repr), name
        assert [order_key(r) for r in new] == [order_key(r) for r in old], name
    assert len(conn.execute(timeline, {"name": ""}).fetchall()) > 3


def test_the_timeline_reads_its_first_entries_before_the_rest(built_db):
    """Titles and sentences are read for the 1,000 entries shown, not for every entry."""
    conn = connect(built_db)
    plan = [
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + QUERIES["person_timeline"]["sql"], {"name": "x"}
        )
    ]
    assert any("MATERIALIZE first" in step for step in plan), plan
    assert any("SCAN f" in step for step in plan), plan


def test_a_persons_meetings_are_those_listed_before(archive):
    conn = connect(archive)
    conn.row_factory = sqlite3.Row
    sql = pages.SQL["person_meetings"]
    ids = [r[0] for r in conn.execute("SELECT id FROM persons")] + [0]
    for wanted in (1, 2, 201):
        for person in ids:
            params = {"id": person, "listed": wanted, "walked": None}
            new = conn.execute(f"{sql.rstrip()}\nLIMIT {wanted}", params).fetchall()
            old = conn.execute(PERSON_MEETINGS_BEFORE, params).fetchall()
            assert [tuple(r) for r in new] == [tuple(r) for r in old], (person, wanted)


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
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SEEDS, first)
    second.mkdir()
    for source in sorted(DEV_CORPUS.glob("dev_*.txt"))[:10]:
        shutil.copy(source, second / source.name)
    db = tmp_path / "archive.db"
    invoke("import", str(first), "--db", str(db))
    invoke("import", str(second), "--db", str(db))
    ds = datasette_on(db)
    top = facets(ds, "/archive/articles_browse.json?_size=1")["topics"][2][0][0]
    path = f"/archive/articles_browse.json?topics__arraycontains={top}"
    assert facets(ds, path) == facets(ds, path + "&_where=1%3D1")


def test_links_are_escaped_as_markup_format_escaped_them(built_db):
    ds = datasette_on(built_db)

    class Known:
        topic_vi = {"Drug <crime>": 'Ma "túy"'}

        @staticmethod
        def id_of(table, label):
            return 7 if label != "nobody" else None

    renderer = CellRenderer(ds, "archive", Known())
    assert renderer.link("persons", "Tô <Lâm> & co") == Markup(
        '<a href="/archive/persons/7">Tô &lt;Lâm&gt; &amp; co</a>'
    )
    assert renderer.link("topics", "Drug <crime>") == Markup(
        '<a href="/archive/topics/7" title="Ma &#34;túy&#34;">Drug &lt;crime&gt;</a>'
    )
    assert renderer.link("persons", "nobody") == Markup("nobody")
    assert renderer.url("persons", 12) == str(ds.urls.row("archive", "persons", "12"))
    assert as_list(["a<b", Markup("<i>c</i>")], lambda item: item) == Markup(
        '<ul class="cell-list"><li>a&lt;b</li><li><i>c</i></li></ul>'
    )


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


# The macros as they were, a loop of the template each (the reference for the Python links)
MACROS_BEFORE = """
{% macro row_link(table, id, label) -%}
<a href="{{ urls.row(database, table, id) }}">{{ label }}</a>
{%- endmacro %}
{% macro evidence_link(article_id, start, end, field="body", label="in the article") -%}
{% if start is not none %}<a href="{{ urls.row(database, 'articles', article_id) }}?span={{ start }}-{{ end }}&amp;field={{ field or 'body' }}#focus">{{ label }}</a>{% else %}<a href="{{ urls.row(database, 'articles', article_id) }}">{{ label }}</a>{% endif %}
{%- endmacro %}
{% macro people(names) -%}
{% for name in names %}{{ entity_link("persons", name) }}{{ ", " if not loop.last }}{% endfor %}
{%- endmacro %}
{% macro topics(names) -%}
{% for name in names %}{{ entity_link("topics", name) }}{{ ", " if not loop.last }}{% endfor %}
{%- endmacro %}
{% macro place(name) -%}
{% if name %}{{ name }}{% if place_label(name) %} <span class="en">({{ place_label(name) }})</span>{% endif %}{% endif %}
{%- endmacro %}
"""  # noqa: E501


def test_the_links_in_python_are_the_macros_links(archive):
    """Every meeting's link, participants, subjects and place, every fact's evidence link
    (with and without a span), as the template macros wrote them."""
    ds = datasette_on(archive)
    known = asyncio.run(labels.names(ds, "archive"))
    renderer = CellRenderer(ds, "archive", known)
    macros = (
        Environment(autoescape=True)
        .from_string(MACROS_BEFORE)
        .make_module(
            {
                "urls": ds.urls,
                "database": "archive",
                "place_label": place_label,
                "entity_link": lambda column, value: renderer.entity(ENTITY_COLUMNS[column], value),
            }
        )
    )
    conn = connect(archive)
    meetings = conn.execute(
        'SELECT meeting_id, "when", participants, topics, place FROM meetings_browse'
    ).fetchall()
    assert meetings
    for meeting_id, when, participants, topics, place in meetings:
        assert renderer.row_link("meetings", meeting_id, when) == macros.row_link(
            "meetings", meeting_id, when
        )
        for column, shown in (("persons", macros.people), ("topics", macros.topics)):
            for listed_names in (json.loads(participants), json.loads(topics), []):
                assert renderer.entity_links(column, listed_names) == shown(listed_names)
        assert place_text(place) == macros.place(place)
    assert place_text(None) == macros.place(None)
    facts = conn.execute(
        "SELECT article_id, evidence_start, evidence_end, evidence_field FROM evidence"
    ).fetchall()
    for article_id, start, end, field in [*facts, (1, None, None, None)]:
        for label in ("in the article", "(article)", "<b>x</b>"):
            assert renderer.evidence_link(article_id, start, end, field, label) == (
                macros.evidence_link(article_id, start, end, field, label)
            )


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
