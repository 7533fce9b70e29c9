"""Load stage: one article and its facts into the database, in one transaction.

Which article row a file fills is decided in ``archive/sources.py``; this module writes
the article's content and facts, and removes entities no article supports any more
(:func:`collect_orphans`).
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from archive import models as m
from archive.facts import OrganisationRecord, PersonRecord, ResolvedFacts, Span
from archive.knowledge import load as load_data
from archive.parse import ParsedArticle
from archive.read import SourceText

PIPELINE_VERSION = "1"
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


def _evidence(span: Span) -> dict:
    return {
        "evidence_field": span.field,
        "evidence_start": span.start,
        "evidence_end": span.end,
        "evidence": span.sentence,
    }


def ensure_topics(session: Session) -> dict[str, int]:
    """Make sure every topic of the taxonomy exists; return slug → id."""
    existing = {t.slug: t for t in session.scalars(select(m.Topic))}
    for slug, labels in load_data("topics").items():
        topic = existing.get(slug) or m.Topic(slug=slug)
        topic.name_vi, topic.name_en = labels["vi"], labels["en"]
        session.add(topic)
        existing[slug] = topic
    session.flush()
    return {slug: topic.id for slug, topic in existing.items()}


class _EntityCache:
    """Get-or-create of persons, organisations and positions within one session."""

    def __init__(self, session: Session, resolved: ResolvedFacts):
        self.session = session
        self.resolved = resolved

    def organisation(self, name: str | None) -> int | None:
        if not name:
            return None
        record = self.resolved.organisations.get(name) or OrganisationRecord(name)
        row = self.session.scalar(select(m.Organisation).where(m.Organisation.name == name))
        if row is None:
            row = m.Organisation(name=name)
            self.session.add(row)
        row.country = record.country or row.country
        row.name_en, row.name_zh = record.name_en or row.name_en, record.name_zh or row.name_zh
        row.wikidata_id = record.wikidata_id or row.wikidata_id
        if record.parent and record.parent != name:
            row.parent_id = self.organisation(record.parent)
        self.session.flush()
        return row.id

    def person(self, name: str) -> int:
        record = self.resolved.persons.get(name) or PersonRecord(name)
        row = self.session.scalar(select(m.Person).where(m.Person.name == name))
        if row is None:
            row = m.Person(name=name)
            self.session.add(row)
        for column in ("country", "name_en", "name_zh", "wikidata_id"):
            value = getattr(record, column)
            if value and not getattr(row, column):
                setattr(row, column, value)
        self.session.flush()
        return row.id

    def position(self, title: str, organisation: str | None) -> int:
        organisation_id = self.organisation(organisation)
        row = self.session.scalar(
            select(m.Position).where(
                m.Position.title == title,
                m.Position.organisation_id.is_not_distinct_from(organisation_id),
            )
        )
        if row is None:
            row = m.Position(title=title, organisation_id=organisation_id)
            row.title_en = self.resolved.position_titles_en.get(title)
            self.session.add(row)
            self.session.flush()
        return row.id


def _save_facts(session: Session, article: m.Article, resolved: ResolvedFacts) -> None:
    facts, entities = resolved.facts, _EntityCache(session, resolved)
    topic_ids = ensure_topics(session)
    person_ids: dict[str, int] = {}
    for person in facts.persons:
        person_ids[person.name] = entities.person(person.name)
        session.add(
            m.ArticlePerson(
                article_id=article.id,
                person_id=person_ids[person.name],
                surface=person.surface,
                rank=person.rank,
                mentions=person.mentions,
                **_evidence(person.span),
            )
        )
        for alias in person.alt_names:
            session.add(
                m.PersonAlias(
                    person_id=person_ids[person.name],
                    alias=alias,
                    article_id=article.id,
                    **_evidence(person.span),
                )
            )
        for post in person.posts:
            session.add(
                m.PersonPosition(
                    person_id=person_ids[person.name],
                    position_id=entities.position(post.title, post.organisation),
                    article_id=article.id,
                    rank=person.rank,
                    date=facts.event_date,
                    date_precision=facts.event_date_precision,
                    **_evidence(post.span),
                )
            )
    for org in facts.organisations:
        session.add(
            m.ArticleOrganisation(
                article_id=article.id,
                organisation_id=entities.organisation(org.name),
                surface=org.surface,
                **_evidence(org.span),
            )
        )
    for topic in facts.topics:
        session.add(
            m.ArticleTopic(
                article_id=article.id, topic_id=topic_ids[topic.slug], **_evidence(topic.span)
            )
        )
    _save_meetings(session, article, resolved, person_ids, topic_ids)


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


def _save_meetings(session, article, resolved, person_ids, topic_ids) -> None:
    meeting_ids: list[int] = []
    for fact in resolved.facts.meetings:
        ids = [person_ids[p.name] for p in fact.participants]
        key = meeting_key(fact.kind, fact.date, ids, article.id, fact.month_day)
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == key))
        if meeting is None:
            meeting = m.Meeting(
                key=key,
                kind=fact.kind,
                date=fact.date,
                date_precision=fact.date_precision,
                month_day=fact.month_day,
                place=fact.place,
            )
            session.add(meeting)
            session.flush()
        meeting.place = meeting.place or fact.place
        if fact.parent_index is not None and fact.parent_index < len(meeting_ids):
            meeting.parent_id = meeting_ids[fact.parent_index]
        meeting_ids.append(meeting.id)
        session.add(
            m.MeetingSource(
                meeting_id=meeting.id,
                article_id=article.id,
                date_basis=fact.date_basis,
                **_evidence(fact.span),
            )
        )
        for participant in fact.participants:
            session.add(
                m.MeetingParticipant(
                    meeting_id=meeting.id,
                    person_id=person_ids[participant.name],
                    article_id=article.id,
                    side=participant.side,
                    role=participant.role,
                    **_evidence(fact.span),
                )
            )
        for topic in {t.slug: t for t in reversed(fact.topics)}.values():
            session.add(
                m.MeetingTopic(
                    meeting_id=meeting.id,
                    topic_id=topic_ids[topic.slug],
                    article_id=article.id,
                    **_evidence(topic.span),
                )
            )
        session.flush()


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
    for table in ARTICLE_CHILDREN:
        session.execute(delete(table).where(table.article_id == article_id))


def collect_orphans(session: Session) -> None:
    """Remove meetings, persons, positions and organisations no article supports any more."""
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
    article: m.Article,
    source: SourceText,
    parsed: ParsedArticle,
    resolved: ResolvedFacts,
) -> None:
    """Write an article's fields, credits and facts into ``article`` (a row without facts)."""
    for column, value in _article_fields(source, parsed).items():
        setattr(article, column, value)
    session.flush()
    for credit in parsed.credits:
        session.add(m.ArticleCredit(article_id=article.id, kind=credit.kind, credit=credit.text))
    _save_facts(session, article, resolved)
    session.flush()
