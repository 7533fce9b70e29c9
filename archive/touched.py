"""What an article's change touches: the meetings, persons, posts and organisations its facts
name. Before its facts are deleted they are noted, so that after the change only they are
checked for orphans (never a scan of every entity per article), and on SQLite the article,
its meetings and its persons are marked for the search tables' refresh (``search_stale``,
see ``postprocess.refresh_search``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, exists, select, text
from sqlalchemy.orm import Session

from archive import entities, statements
from archive import models as m

STALE_TABLE = "search_stale"  # (kind, id): articles, meetings, persons whose rows are stale

ENTITY_QUERIES = {
    "persons": """
        SELECT person_id FROM article_persons WHERE article_id = :a
        UNION SELECT person_id FROM person_positions WHERE article_id = :a
        UNION SELECT person_id FROM meeting_participants WHERE article_id = :a
        UNION SELECT person_id FROM person_aliases WHERE article_id = :a""",
    "meetings": """
        SELECT meeting_id FROM meeting_sources WHERE article_id = :a
        UNION SELECT meeting_id FROM meeting_participants WHERE article_id = :a
        UNION SELECT meeting_id FROM meeting_topics WHERE article_id = :a""",
    "positions": "SELECT position_id FROM person_positions WHERE article_id = :a",
    "organisations": """
        SELECT organisation_id FROM article_organisations WHERE article_id = :a
        UNION SELECT p.organisation_id FROM positions p
        JOIN person_positions pp ON pp.position_id = p.id
        WHERE pp.article_id = :a AND p.organisation_id IS NOT NULL""",
}

MARK_STALE = f"""
    INSERT OR IGNORE INTO {STALE_TABLE} (kind, id)
    SELECT 'article', :a
    UNION SELECT 'meeting', meeting_id FROM meeting_sources WHERE article_id = :a
    UNION SELECT 'person', person_id FROM article_persons WHERE article_id = :a
    UNION SELECT 'person', person_id FROM person_positions WHERE article_id = :a
    UNION SELECT 'person', person_id FROM meeting_participants WHERE article_id = :a
"""
IS_TRACKED = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"
TRACKED = "search_stale_tracked"  # the session's answer to IS_TRACKED


@dataclass
class Touched:
    """Ids of entities whose support may have changed within one transaction."""

    persons: set[int] = field(default_factory=set)
    meetings: set[int] = field(default_factory=set)
    positions: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)

    def note(self, session: Session, article_id: int) -> None:
        """Add the entities the article's facts name now (call before deleting them)."""
        for name, sql in ENTITY_QUERIES.items():
            getattr(self, name).update(session.execute(text(sql), {"a": article_id}).scalars())


def mark_stale(session: Session, article_id: int) -> None:
    """Mark the article, and the meetings and persons its facts name now, for the search
    tables' refresh (SQLite, while ``search_stale`` exists); call before deleting its facts
    and after storing them."""
    if session.bind.dialect.name != "sqlite":
        return
    cursor = statements.cursor(session)
    if TRACKED not in session.info:  # the table is made or dropped between transactions
        session.info[TRACKED] = cursor.first(IS_TRACKED, {"n": STALE_TABLE}) is not None
    if session.info[TRACKED]:
        cursor.execute(MARK_STALE, {"a": article_id})


# The session holds no entity objects to keep in step (the maps are emptied below), so a
# DELETE is not preceded by a SELECT of the rows it matches.
UNSYNCHRONISED = {"synchronize_session": False}


def _chunks(ids: set[int], size: int = 500) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def collect_orphans_among(session: Session, touched: Touched) -> None:
    """Remove the touched meetings, posts, persons and organisations no article supports any
    more (the rules of ``load.collect_orphans``, on these ids only); an organisation's parent
    is checked in turn once the child is gone. The session's entity maps are emptied if
    anything went (they may hold its id)."""
    if not (touched.meetings or touched.positions or touched.persons or touched.organisations):
        return  # a new article's (most of a run's): nothing to check
    deleted = 0
    for table, link, ids in (
        (m.Meeting, m.MeetingSource.meeting_id, touched.meetings),
        (m.Position, m.PersonPosition.position_id, touched.positions),
        (m.Person, m.ArticlePerson.person_id, touched.persons),
    ):
        for chunk in _chunks(ids):
            deleted += session.execute(
                delete(table).where(table.id.in_(chunk), ~exists().where(link == table.id)),
                execution_options=UNSYNCHRONISED,
            ).rowcount
    child = m.Organisation.__table__.alias("child")
    organisations = set(touched.organisations)
    while organisations:
        parents: set[int] = set()
        for chunk in _chunks(organisations):
            parents.update(
                session.scalars(
                    select(m.Organisation.parent_id).where(
                        m.Organisation.id.in_(chunk), m.Organisation.parent_id.is_not(None)
                    )
                )
            )
            deleted += session.execute(
                delete(m.Organisation).where(
                    m.Organisation.id.in_(chunk),
                    ~exists().where(m.ArticleOrganisation.organisation_id == m.Organisation.id),
                    ~exists().where(m.Position.organisation_id == m.Organisation.id),
                    ~exists().where(child.c.parent_id == m.Organisation.id),
                ),
                execution_options=UNSYNCHRONISED,
            ).rowcount
        remaining = set(
            session.scalars(select(m.Organisation.id).where(m.Organisation.id.in_(parents)))
        )
        organisations = {p for p in parents if p in remaining} - organisations
    if deleted:
        entities.forget(session)
