"""The pages that were slow at 100,000 articles answer as before, on the seed archive and on
the dev corpus: the canned timeline and a person's meetings choose their first rows by
their order alone before reading them whole; links are written in Python, as the
template macros wrote them (the facets: ``test_datasette_fast_facets.py``)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment
from markupsafe import Markup

from archive.datasette import labels, metadata_path, pages
from archive.datasette.cells import ENTITY_COLUMNS, CellRenderer, as_list, place_text
from archive.datasette.labels import place_label

from .conftest import DEV_CORPUS, SEEDS, invoke
from .test_facet_counts import datasette_on

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


DEV_ARCHIVES: dict[int, Path] = {}  # the one dev archive of a test session, by its factory


def dev_archive(tmp_path_factory) -> Path:
    """The seeds and the dev corpus imported into one archive (once a session)."""
    session = id(tmp_path_factory)
    if session not in DEV_ARCHIVES:
        path = tmp_path_factory.mktemp("dev") / "archive.db"
        invoke("import", str(SEEDS), "--db", str(path))
        invoke("import", str(DEV_CORPUS), "--db", str(path))
        DEV_ARCHIVES[session] = path
    return DEV_ARCHIVES[session]


PERSON_POSTS_BEFORE = """
SELECT pos.title, pos.title_en, o.name AS organisation, min(pp.date) AS first_date,
       max(pp.date) AS last_date, count(DISTINCT pp.article_id) AS articles,
       min(pp.evidence) AS evidence
FROM person_positions pp
JOIN positions pos ON pos.id = pp.position_id
LEFT JOIN organisations o ON o.id = pos.organisation_id
WHERE pp.person_id = :id
GROUP BY pos.id
ORDER BY first_date IS NULL, first_date, pos.title
"""


@pytest.fixture(params=["seeds", "dev"])
def archive(request, built_db, tmp_path_factory):
    return built_db if request.param == "seeds" else dev_archive(tmp_path_factory)


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


def test_a_persons_posts_are_those_listed_before(archive):
    conn = connect(archive)
    ids = [r[0] for r in conn.execute("SELECT id FROM persons")] + [0]
    for person in ids:
        new = conn.execute(pages.SQL["person_posts"], {"id": person}).fetchall()
        assert new == conn.execute(PERSON_POSTS_BEFORE, {"id": person}).fetchall(), person


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
