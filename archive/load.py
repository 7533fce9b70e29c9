"""Load stage: an article and its facts (its plan, ``archive/plan.py``) into the database,
with bulk inserts.

Which article row a file fills is decided in ``archive/sources.py``; this module writes
the article's content and its facts (one multi-row INSERT per table), resolving entities
through :mod:`archive.entities` (no query per known name), and removes the entities no
article supports any more (:func:`collect_orphans`).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, exists
from sqlalchemy.orm import Session

from archive import entities, statements
from archive import models as m
from archive.plan import ArticlePlan

PIPELINE_VERSION = "1"
ARTICLES = m.Article.__table__
ARTICLE_CHILDREN = (
    m.ArticleCredit,
    m.PersonPosition,
    m.ArticlePerson,
    m.PersonAlias,
    m.ArticleOrganisation,
    m.MeetingTopic,
    m.MeetingParticipant,
    m.MeetingSource,
    m.ArticleTopic,
)


EVIDENCE = ("evidence_field", "evidence_start", "evidence_end", "evidence")
# Each child table's columns, in the order its rows (tuples) are built below.
COLUMNS = {
    m.ArticleCredit: ("article_id", "kind", "credit"),
    m.ArticlePerson: ("article_id", "person_id", "surface", "rank", "mentions", *EVIDENCE),
    m.PersonAlias: ("person_id", "alias", "article_id", *EVIDENCE),
    m.PersonPosition: (
        "person_id",
        "position_id",
        "article_id",
        "rank",
        "date",
        "date_precision",
        *EVIDENCE,
    ),
    m.ArticleOrganisation: ("article_id", "organisation_id", "surface", *EVIDENCE),
    m.ArticleTopic: ("article_id", "topic_id", *EVIDENCE),
    m.MeetingSource: ("meeting_id", "article_id", "date_basis", *EVIDENCE),
    m.MeetingParticipant: ("meeting_id", "person_id", "article_id", "side", "role", *EVIDENCE),
    m.MeetingTopic: ("meeting_id", "topic_id", "article_id", *EVIDENCE),
}


class _Facts:
    """One article's facts being written: the rows of its child tables (tuples in the order
    of ``COLUMNS``, one INSERT per table at the end), and the id of each organisation it
    names (got or made once: a second call would find and change nothing)."""

    def __init__(self, session: Session, article_id: int, plan: ArticlePlan):
        self.session, self.article_id, self.plan = session, article_id, plan
        self.tables: dict = defaultdict(list)
        self.organisation_ids: dict[str | None, int | None] = {None: None}

    def add(self, model, row: tuple) -> None:
        self.tables[model].append(row)

    def organisation(self, name: str | None) -> int | None:
        found = self.organisation_ids.get(name, self)
        if found is self:
            records = self.plan.organisations
            found = self.organisation_ids[name] = entities.organisation_id(
                self.session, name, records
            )
        return found

    def write(self) -> None:
        cursor = statements.cursor(self.session)
        for model, rows in self.tables.items():
            cursor.executemany(cursor.sql.insert_rows(model.__tablename__, COLUMNS[model]), rows)


def _prefetch(session: Session, plan: ArticlePlan, article: _Facts) -> None:
    """Look up the article's persons and positions, one query per table; its organisations
    are looked up the same way and made if new (a position is keyed by its organisation)."""
    named = [mention[0] for mention in plan.mentions]
    posted = [post[1] for person in plan.persons for post in person[7]]
    parents = [parent for _columns, parent in plan.organisations.values() if parent]
    entities.prefetch_names(
        session, [person[0] for person in plan.persons], named + posted + parents
    )
    entities.prefetch_positions(
        session,
        [(post[0], article.organisation(post[1])) for person in plan.persons for post in person[7]],
    )


def _save_persons(session: Session, plan: ArticlePlan, article: _Facts) -> dict:
    article_id, person_ids = article.article_id, {}
    date, precision = plan.event_date, plan.event_date_precision
    for name, columns, surface, rank, mentions, evidence, aliases, posts in plan.persons:
        person_id = person_ids[name] = entities.person_id_filling(session, name, columns)
        article.add(m.ArticlePerson, (article_id, person_id, surface, rank, mentions) + evidence)
        for alias in aliases:
            article.add(m.PersonAlias, (person_id, alias, article_id) + evidence)
        for title, organisation_name, title_en, post_evidence in posts:
            organisation = article.organisation(organisation_name)
            position = entities.position_id(session, title, organisation, title_en)
            row = (person_id, position, article_id, rank, date, precision)
            article.add(m.PersonPosition, row + post_evidence)
    return person_ids


def _save_facts(session: Session, plan: ArticlePlan, article: _Facts) -> None:
    article_id = article.article_id
    topic_ids = entities.topic_ids(session)
    _prefetch(session, plan, article)
    person_ids = _save_persons(session, plan, article)
    for name, surface, evidence in plan.mentions:
        row = (article_id, article.organisation(name), surface) + evidence
        article.add(m.ArticleOrganisation, row)
    for slug, evidence in plan.topics:
        article.add(m.ArticleTopic, (article_id, topic_ids[slug]) + evidence)
    _save_meetings(session, plan, person_ids, topic_ids, article)


def meeting_key(
    kind: str,
    date: str | None,
    person_ids: list[int],
    article_id: int,
    month_day: str | None = None,
) -> str:
    """Same kind, same day and same participants is the same meeting, whoever reports it.

    Without a full date nothing proves two reports describe one event, so the key
    stays private to the reporting article.
    """
    people = ",".join(str(i) for i in sorted(person_ids))
    if date and len(date) == 10:
        return f"{kind}|{date}|{people}"
    return f"{kind}|{date or month_day or '?'}|{people}|article:{article_id}"


def _save_meetings(session, plan: ArticlePlan, person_ids, topic_ids, article: _Facts) -> None:
    article_id, meeting_ids = article.article_id, []
    keys = [
        meeting_key(
            new["kind"],
            new["date"],
            [person_ids[participant[0]] for participant in participants],
            article_id,
            new["month_day"],
        )
        for new, _parent, _basis, _evidence, participants, _topics in plan.meetings
    ]
    entities.prefetch_meetings(session, keys)
    for meeting_plan, key in zip(plan.meetings, keys, strict=True):
        new, parent_index, date_basis, evidence, participants, topics = meeting_plan
        meeting = entities.meeting_row(session, key, new)
        changes = {"place": meeting.place or new["place"]}
        if parent_index is not None and parent_index < len(meeting_ids):
            changes["parent_id"] = meeting_ids[parent_index]
        entities.set_meeting(session, meeting, changes)
        meeting_id = meeting.id
        meeting_ids.append(meeting_id)
        article.add(m.MeetingSource, (meeting_id, article_id, date_basis) + evidence)
        for name, side, role in participants:
            row = (meeting_id, person_ids[name], article_id, side, role)
            article.add(m.MeetingParticipant, row + evidence)
        for slug, topic_evidence in topics:
            article.add(m.MeetingTopic, (meeting_id, topic_ids[slug], article_id) + topic_evidence)


def delete_article_rows(session: Session, article_id: int) -> None:
    connection = session.connection()  # plain DELETEs: no ORM objects of these to keep in step
    for model in ARTICLE_CHILDREN:
        table = model.__table__
        connection.execute(delete(table).where(table.c.article_id == article_id))


def collect_orphans(session: Session) -> None:
    """Remove every meeting, person, position and organisation no article supports (a scan
    of each table: once per run; an article's change checks only what it touched, see
    ``archive/touched.py``)."""
    session.execute(
        delete(m.Meeting).where(~exists().where(m.MeetingSource.meeting_id == m.Meeting.id))
    )
    session.execute(
        delete(m.Position).where(~exists().where(m.PersonPosition.position_id == m.Position.id))
    )
    session.execute(
        delete(m.Person).where(~exists().where(m.ArticlePerson.person_id == m.Person.id))
    )
    parent = m.Organisation.__table__.alias("child")
    while session.execute(
        delete(m.Organisation).where(
            ~exists().where(m.ArticleOrganisation.organisation_id == m.Organisation.id),
            ~exists().where(m.Position.organisation_id == m.Organisation.id),
            ~exists().where(parent.c.parent_id == m.Organisation.id),
        )
    ).rowcount:
        pass


def store_article(
    session: Session, article_id: int | None, plan: ArticlePlan, source_path: str | None = None
) -> int:
    """Write an article's fields, credits and facts into the row ``article_id`` (a row
    without facts), or into a new row shown as ``source_path``; return the row's id."""
    fields = {**plan.fields, "pipeline_version": PIPELINE_VERSION}
    cursor = statements.cursor(session)
    if article_id is None:
        fields["source_path"] = source_path
        inserted = cursor.sql.insert(ARTICLES.name, fields, returning=True)
        (article_id,) = cursor.first(inserted, fields)
    else:
        cursor.execute(cursor.sql.update(ARTICLES.name, fields), {**fields, "id": article_id})
    article = _Facts(session, article_id, plan)
    for kind, text in plan.credits:
        article.add(m.ArticleCredit, (article_id, kind, text))
    _save_facts(session, plan, article)
    article.write()
    return article_id
