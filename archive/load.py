"""Load stage: an article and its facts into the database, with bulk inserts.

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
from archive.facts import OrganisationRecord, PersonRecord, ResolvedFacts, Span
from archive.parse import ParsedArticle
from archive.read import SourceText

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


def _evidence(span: Span) -> tuple:
    return (span.field, span.start, span.end, span.sentence)


class _Facts:
    """One article's facts being written: the rows of its child tables (tuples in the order
    of ``COLUMNS``, one INSERT per table at the end), and the id of each organisation it
    names (got or made once: a second call would find and change nothing)."""

    def __init__(self, session: Session, article_id: int, resolved: ResolvedFacts):
        self.session, self.article_id, self.resolved = session, article_id, resolved
        self.tables: dict = defaultdict(list)
        self.organisation_ids: dict[str | None, int | None] = {None: None}

    def add(self, model, row: tuple) -> None:
        self.tables[model].append(row)

    def organisation(self, name: str | None) -> int | None:
        found = self.organisation_ids.get(name, self)
        if found is self:
            records = self.resolved.organisations
            found = entities.organisation_id(self.session, name, records, OrganisationRecord)
            self.organisation_ids[name] = found
        return found

    def write(self) -> None:
        cursor = statements.cursor(self.session)
        for model, rows in self.tables.items():
            cursor.executemany(cursor.sql.insert_rows(model.__tablename__, COLUMNS[model]), rows)


def _prefetch(session: Session, resolved: ResolvedFacts, article: _Facts) -> None:
    """Look up the article's persons and positions, one query per table; its organisations
    are looked up the same way and made if new (a position is keyed by its organisation)."""
    facts = resolved.facts
    named = [o.name for o in facts.organisations]
    posted = [post.organisation for person in facts.persons for post in person.posts]
    parents = [r.parent for r in resolved.organisations.values() if r.parent]
    entities.prefetch_names(session, [p.name for p in facts.persons], named + posted + parents)
    entities.prefetch_positions(
        session,
        [
            (post.title, article.organisation(post.organisation))
            for person in facts.persons
            for post in person.posts
        ],
    )


def _save_persons(session: Session, resolved: ResolvedFacts, article: _Facts) -> dict:
    facts, article_id, person_ids = resolved.facts, article.article_id, {}
    date, precision = facts.event_date, facts.event_date_precision
    for person in facts.persons:
        record = resolved.persons.get(person.name) or PersonRecord(person.name)
        person_id = person_ids[person.name] = entities.person_id(session, person.name, record)
        evidence = _evidence(person.span)
        row = (article_id, person_id, person.surface, person.rank, person.mentions)
        article.add(m.ArticlePerson, row + evidence)
        for alias in person.alt_names:
            article.add(m.PersonAlias, (person_id, alias, article_id) + evidence)
        for post in person.posts:
            organisation = article.organisation(post.organisation)
            title_en = resolved.position_titles_en.get(post.title)
            position = entities.position_id(session, post.title, organisation, title_en)
            row = (person_id, position, article_id, person.rank, date, precision)
            article.add(m.PersonPosition, row + _evidence(post.span))
    return person_ids


def _save_facts(session: Session, resolved: ResolvedFacts, article: _Facts) -> None:
    facts, article_id = resolved.facts, article.article_id
    topic_ids = entities.topic_ids(session)
    _prefetch(session, resolved, article)
    person_ids = _save_persons(session, resolved, article)
    for org in facts.organisations:
        organisation = article.organisation(org.name)
        row = (article_id, organisation, org.surface) + _evidence(org.span)
        article.add(m.ArticleOrganisation, row)
    for topic in facts.topics:
        article.add(m.ArticleTopic, (article_id, topic_ids[topic.slug]) + _evidence(topic.span))
    _save_meetings(session, resolved, person_ids, topic_ids, article)


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


def _save_meetings(session, resolved, person_ids, topic_ids, article: _Facts) -> None:
    article_id, meeting_ids = article.article_id, []
    keys = [
        meeting_key(
            fact.kind,
            fact.date,
            [person_ids[p.name] for p in fact.participants],
            article_id,
            fact.month_day,
        )
        for fact in resolved.facts.meetings
    ]
    entities.prefetch_meetings(session, keys)
    for fact, key in zip(resolved.facts.meetings, keys, strict=True):
        new = {
            "kind": fact.kind,
            "date": fact.date,
            "date_precision": fact.date_precision,
            "month_day": fact.month_day,
            "place": fact.place,
        }
        meeting = entities.meeting_row(session, key, new)
        changes = {"place": meeting.place or fact.place}
        if fact.parent_index is not None and fact.parent_index < len(meeting_ids):
            changes["parent_id"] = meeting_ids[fact.parent_index]
        entities.set_meeting(session, meeting, changes)
        meeting_id = meeting.id
        meeting_ids.append(meeting_id)
        evidence = _evidence(fact.span)
        article.add(m.MeetingSource, (meeting_id, article_id, fact.date_basis) + evidence)
        for participant in fact.participants:
            person_id = person_ids[participant.name]
            row = (meeting_id, person_id, article_id, participant.side, participant.role)
            article.add(m.MeetingParticipant, row + evidence)
        for topic in {t.slug: t for t in reversed(fact.topics)}.values():
            row = (meeting_id, topic_ids[topic.slug], article_id) + _evidence(topic.span)
            article.add(m.MeetingTopic, row)


def _article_fields(source: SourceText, parsed: ParsedArticle) -> dict:
    return {
        "sha256": source.sha256,
        "url": parsed.url,
        "outlet": parsed.outlet,
        "title": parsed.title,
        "published_date": parsed.published_date,
        "date_precision": parsed.date_precision,
        "date_source": parsed.date_source,
        "agency": parsed.agency,
        "body": parsed.body,
        "captions": parsed.captions,
        "raw_text": source.raw,
        "format": parsed.format,
        "encoding": source.encoding,
        "repairs": "; ".join(source.repairs) or None,
        "pipeline_version": PIPELINE_VERSION,
    }


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
    session: Session,
    article_id: int | None,
    source: SourceText,
    parsed: ParsedArticle,
    resolved: ResolvedFacts,
    source_path: str | None = None,
) -> int:
    """Write an article's fields, credits and facts into the row ``article_id`` (a row
    without facts), or into a new row shown as ``source_path``; return the row's id."""
    fields = _article_fields(source, parsed)
    cursor = statements.cursor(session)
    if article_id is None:
        fields["source_path"] = source_path
        inserted = cursor.sql.insert(ARTICLES.name, fields, returning=True)
        (article_id,) = cursor.first(inserted, fields)
    else:
        cursor.execute(cursor.sql.update(ARTICLES.name, fields), {**fields, "id": article_id})
    article = _Facts(session, article_id, resolved)
    for credit in parsed.credits:
        article.add(m.ArticleCredit, (article_id, credit.kind, credit.text))
    _save_facts(session, resolved, article)
    article.write()
    return article_id
