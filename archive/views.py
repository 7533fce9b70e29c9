"""SQL views that publish the archive: facts with their evidence, and browse views with
JSON-array columns (Datasette facets them with ``_facet_array``) for the many-to-many links."""

from __future__ import annotations


def _json_list(select: str) -> str:
    """A JSON array of the distinct, sorted values a one-column query returns."""
    return f"(SELECT json_group_array(v) FROM (SELECT DISTINCT v FROM ({select}) ORDER BY v))"


POSTS = "FROM person_positions pp JOIN positions pos ON pos.id = pp.position_id"
MEETING_PARTICIPANTS = _json_list(
    "SELECT p.name AS v FROM meeting_participants mp JOIN persons p ON p.id = mp.person_id "
    "WHERE mp.meeting_id = m.id"
)
MEETING_SIDES = _json_list(
    "SELECT mp.side AS v FROM meeting_participants mp "
    "WHERE mp.meeting_id = m.id AND mp.side IS NOT NULL"
)
MEETING_TOPICS = _json_list(
    "SELECT t.name_en AS v FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id "
    "WHERE mt.meeting_id = m.id"
)
ARTICLE_PERSONS = _json_list(
    "SELECT p.name AS v FROM article_persons ap JOIN persons p ON p.id = ap.person_id "
    "WHERE ap.article_id = a.id"
)
ARTICLE_ORGANISATIONS = _json_list(
    "SELECT o.name AS v FROM article_organisations ao "
    "JOIN organisations o ON o.id = ao.organisation_id WHERE ao.article_id = a.id"
)
ARTICLE_TOPICS = _json_list(
    "SELECT t.name_en AS v FROM article_topics at JOIN topics t ON t.id = at.topic_id "
    "WHERE at.article_id = a.id"
)
PERSON_POSTS = _json_list(f"SELECT pos.title AS v {POSTS} WHERE pp.person_id = p.id")
PERSON_POSTS_EN = _json_list(
    f"SELECT pos.title_en AS v {POSTS} WHERE pp.person_id = p.id AND pos.title_en IS NOT NULL"
)
NOT_STATED = "year not stated"


def _year(date: str) -> str:
    """The year of an ISO date prefix, or 'year not stated' (so facets and charts count it)."""
    return f"COALESCE(substr({date}, 1, 4), '{NOT_STATED}')"


def _when(meeting: str) -> str:
    """A meeting's date as the text gives it: the ISO date, ``13/1, year not stated`` when
    only day and month are known (``month_day``), else ``date not stated``."""
    day = f"CAST(substr({meeting}.month_day, 4, 2) AS INTEGER)"
    month = f"CAST(substr({meeting}.month_day, 1, 2) AS INTEGER)"
    return (
        f"COALESCE({meeting}.date, {day} || '/' || {month} || ', {NOT_STATED}', 'date not stated')"
    )


def _reported(meeting: str) -> str:
    """The earliest date of the articles reporting a meeting."""
    return (
        "(SELECT min(ar.published_date) FROM meeting_sources ms "
        f"JOIN articles ar ON ar.id = ms.article_id WHERE ms.meeting_id = {meeting}.id)"
    )


PERSON_ORGANISATIONS = _json_list(
    f"SELECT o.name AS v {POSTS} JOIN organisations o ON o.id = pos.organisation_id "
    "WHERE pp.person_id = p.id"
)


# The browse views read tables ensure_db_shape() fills from these queries (search_<view>,
# indexed on their key and on every facet and sort column): Datasette's array facet joins a
# view with json_each() of its own column and takes DISTINCT over every column, which would
# run each row's subqueries once per array item, and a facet over a view computed per
# request scans and joins whole tables. ``{where}`` takes a condition on the key
# (BROWSE_KEYS), so the rows of some meetings, articles or persons are recomputed alone
# (postprocess.refresh_search). Order matters: who_met_whom reads participations.
BROWSE_QUERIES: dict[str, str] = {
    "meetings_browse": f"""
        SELECT m.id AS meeting_id, m.kind, k.name_en AS kind_en, {_when("m")} AS "when",
               {_reported("m")} AS reported, m.date, {_year("m.date")} AS year, m.place,
               {MEETING_PARTICIPANTS} AS participants,
               {MEETING_SIDES} AS sides,
               {MEETING_TOPICS} AS topics,
               (SELECT count(*) FROM meeting_sources ms WHERE ms.meeting_id = m.id) AS sources,
               (SELECT ms.evidence FROM meeting_sources ms WHERE ms.meeting_id = m.id
                ORDER BY ms.article_id LIMIT 1) AS evidence
        FROM meetings m LEFT JOIN search_meeting_kinds k ON k.kind = m.kind {{where}}
    """,
    "articles_browse": f"""
        SELECT a.id AS article_id, a.title, a.outlet, a.published_date,
               {_year("a.published_date")} AS year, a.url,
               {ARTICLE_PERSONS} AS persons,
               {ARTICLE_ORGANISATIONS} AS organisations,
               {ARTICLE_TOPICS} AS topics,
               (SELECT count(*) FROM meeting_sources ms WHERE ms.article_id = a.id) AS meetings
        FROM articles a {{where}}
    """,
    "persons_browse": f"""
        SELECT p.id AS person_id, p.name, p.name_en, p.name_zh, p.country,
               {PERSON_POSTS} AS posts,
               {PERSON_POSTS_EN} AS posts_en,
               {PERSON_ORGANISATIONS} AS organisations,
               (SELECT count(*) FROM article_persons ap WHERE ap.person_id = p.id) AS articles,
               (SELECT count(DISTINCT mp.meeting_id) FROM meeting_participants mp
                WHERE mp.person_id = p.id) AS meetings
        FROM persons p {{where}}
    """,
    "participations": f"""
        SELECT mp.meeting_id, m.kind, k.name_en AS kind_en, {_when("m")} AS "when", m.date,
               {_year("m.date")} AS year, m.place, p.name AS person, p.name_en AS person_en,
               p.country, mp.side, mp.role
        FROM meeting_participants mp
        JOIN meetings m ON m.id = mp.meeting_id
        JOIN persons p ON p.id = mp.person_id
        LEFT JOIN search_meeting_kinds k ON k.kind = m.kind {{where}}
        GROUP BY mp.meeting_id, mp.person_id
    """,
    "who_met_whom": """
        SELECT a.meeting_id, a.kind, a.kind_en, a."when", a.date, a.year, a.place,
               a.person AS person_a, a.side AS side_a, b.person AS person_b, b.side AS side_b
        FROM search_participations a JOIN search_participations b
          ON a.meeting_id = b.meeting_id AND a.person < b.person
         AND (a.side IS NULL OR b.side IS NULL OR a.side != b.side) {where}
    """,
}
# Indexes the browse queries read instead of the archive's rows (post-processing products,
# like the tables): a person's positions and meetings found without reading each link's
# row and its evidence (at 100,000 articles, persons_browse 4.3 -> 1.8 s of CPU). The id
# after the person keeps a person's links in the order of the indexes already there, so a
# query reading these instead sees its rows in the same order.
BROWSE_INDEXES: dict[str, str] = {
    "search_ix_person_positions_by_person": "person_positions (person_id, id, position_id)",
    "search_ix_meeting_participants_by_person": "meeting_participants (person_id, id, meeting_id)",
}
# Each browse table's key column, and the expression the query computes it from.
BROWSE_KEYS: dict[str, tuple[str, str]] = {
    "meetings_browse": ("meeting_id", "m.id"),
    "articles_browse": ("article_id", "a.id"),
    "persons_browse": ("person_id", "p.id"),
    "participations": ("meeting_id", "mp.meeting_id"),
    "who_met_whom": ("meeting_id", "a.meeting_id"),
}


def browse_query(view: str, only: str | None = None) -> str:
    """The query of a browse table's rows: all, or those whose key is in the ids the SQL
    ``only`` selects."""
    _column, key = BROWSE_KEYS[view]
    where = f"WHERE {key} IN ({only})" if only else ""
    return BROWSE_QUERIES[view].replace("{where}", where).strip()


BROWSE_TABLES: dict[str, str] = {view: browse_query(view) for view in BROWSE_QUERIES}


def table_of(view: str) -> str:
    """The table holding a browse view's rows."""
    return f"search_{view}"


# Every fact with its evidence sentence: the rows of ``search_facts`` (numbered and faceted
# there, searched through their sentences), which the ``evidence`` view lists. Each kind of
# fact: what it states, the link table ``{t}`` holding its article and evidence, and the
# tables it reads. ``{where}`` is a condition on ``article_id``, in each part (SQLite would
# not push it into a compound subquery).
FACT_KINDS: list[tuple[str, str, str]] = [
    (
        "'person' AS fact, ap.article_id, p.name AS subject, ap.surface AS detail",
        "ap",
        "article_persons ap JOIN persons p ON p.id = ap.person_id",
    ),
    (
        "'post', pp.article_id, p.name, pos.title || COALESCE(' — ' || o.name, '')",
        "pp",
        "person_positions pp JOIN persons p ON p.id = pp.person_id "
        "JOIN positions pos ON pos.id = pp.position_id "
        "LEFT JOIN organisations o ON o.id = pos.organisation_id",
    ),
    (
        "'organisation', ao.article_id, o.name, ao.surface",
        "ao",
        "article_organisations ao JOIN organisations o ON o.id = ao.organisation_id",
    ),
    (
        "'meeting', ms.article_id, mt.kind || COALESCE(' ' || mt.date, ''), "
        "(SELECT group_concat(name, ', ') FROM (SELECT p.name FROM meeting_participants mp "
        "JOIN persons p ON p.id = mp.person_id "
        "WHERE mp.meeting_id = mt.id AND mp.article_id = ms.article_id ORDER BY p.name))",
        "ms",
        "meeting_sources ms JOIN meetings mt ON mt.id = ms.meeting_id",
    ),
    (
        "'topic', at.article_id, t.name_en, t.name_vi",
        "at",
        "article_topics at JOIN topics t ON t.id = at.topic_id",
    ),
]


def _facts(columns: str, where: str) -> str:
    """Every kind of fact's ``columns`` (``{what}`` and ``{t}``, the link table)."""
    return "\nUNION ALL\n".join(
        f"SELECT {columns.format(what=what, t=t)} FROM {tables} WHERE {where}"
        for what, t, tables in FACT_KINDS
    )


def facts_query(where: str = "1") -> str:
    """The facts of the articles matching ``where`` (a condition on ``article_id``)."""
    columns = "{what}, {t}.evidence_field, {t}.evidence_start, {t}.evidence_end, {t}.evidence"
    return _facts(columns, where)


def sentence_keys_query(where: str = "1") -> str:
    """The article, field and sentence of each of those facts (what numbers the sentences),
    without what they state."""
    return _facts("{t}.article_id, {t}.evidence_field, {t}.evidence", where)


FACT_NAMES = (
    "fact, article_id, subject, detail, evidence_field, evidence_start, evidence_end, evidence"
)

VIEWS: dict[str, str] = {
    # each fact's sentence is stored once, in search_sentences (archive/evidence.py); read
    # by a subquery, which a page that does not show it (a count, a facet) never runs
    "evidence": """
        SELECT f.fact, f.article_id, f.subject, f.detail, f.evidence_field, f.evidence_start,
               f.evidence_end,
               (SELECT s.evidence FROM search_sentences s WHERE s.id = f.sentence_id) AS evidence
        FROM search_facts f
    """,
    **{name: f"SELECT * FROM [{table_of(name)}]" for name in BROWSE_TABLES},
    # articles naming each subject per year: counted from articles_browse (counts.py)
    "topics_by_year": """
        SELECT t.slug, t.name_en, t.name_vi, c.year, c.articles
        FROM search_topics_by_year c JOIN topics t ON t.name_en = c.topic
    """,
    "meeting_places": f"""
        SELECT m.id AS meeting_id, m.kind, {_when("m")} AS "when", m.date, m.place,
               sp.name_en AS place_en, sp.country, sp.latitude,
               sp.longitude, mb.participants
        FROM meetings m JOIN search_places sp ON sp.name = m.place
        JOIN search_meetings_browse mb ON mb.meeting_id = m.id
        WHERE sp.latitude IS NOT NULL
    """,
}
