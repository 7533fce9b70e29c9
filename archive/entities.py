"""Persons, organisations, positions, meetings and topics by name, without a query per name.

:class:`EntityMaps` holds name → id and the columns an import may fill in, and the names
looked up and not stored, for one session or for a caller that keeps them across its
sessions within a bound (the import's writer on SQLite, the only writer there). An article's
names are looked up together (``prefetch_*``: one SELECT per table for those the maps do
not hold), so a name the maps say is absent is new and is inserted at once. A rollback, or
a DELETE of entity rows in the session (orphan collection, whoever runs it), empties the
maps: ids they hold may be gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import bindparam, event, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from archive import models as m
from archive.knowledge import load as load_data

PERSONS = m.Person.__table__
ORGANISATIONS = m.Organisation.__table__
POSITIONS = m.Position.__table__
MEETINGS = m.Meeting.__table__
TOPICS = m.Topic.__table__
PERSON_COLUMNS = ("country", "name_en", "name_zh", "wikidata_id")
ORGANISATION_COLUMNS = ("country", "name_en", "name_zh", "wikidata_id", "parent_id")
MEETING_COLUMNS = ("place", "parent_id")
SESSION_KEY = "entity_maps"


class Row:
    """What a map keeps of one entity row: its id and the columns an import may fill in
    (slots, not a dict: a 100,000-article run keeps hundreds of thousands of them)."""

    __slots__ = ("id", "country", "name_en", "name_zh", "wikidata_id", "parent_id", "place")

    def __init__(self, **values: Any) -> None:
        for column in self.__slots__:
            setattr(self, column, values.get(column))


class EntityMaps:
    """What a session knows of the entity tables; see the module docstring. A key mapped to
    None was looked up and is not stored."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.persons: dict[str, Row | None] = {}
        self.organisations: dict[str, Row | None] = {}
        self.positions: dict[tuple[str, int | None], int | None] = {}
        self.meetings: dict[str, Row | None] = {}
        self.topics: dict[str, int] | None = None

    def size(self) -> int:
        return (
            len(self.persons) + len(self.organisations) + len(self.positions) + len(self.meetings)
        )


def _cols(table, names: Iterable[str]) -> list:
    return [table.c[name] for name in names]


def attach(session: Session, maps: EntityMaps) -> None:
    """Let ``session`` use ``maps`` kept by its caller across sessions (emptied if the
    session rolls back or deletes entities)."""
    session.info[SESSION_KEY] = maps


def maps_of(session: Session) -> EntityMaps:
    """The session's maps (attached ones, or maps of this session alone)."""
    if SESSION_KEY not in session.info:
        session.info[SESSION_KEY] = EntityMaps()
    return session.info[SESSION_KEY]


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous) -> None:
    forget(session)


ENTITY_MAPPERS = frozenset(
    model.__mapper__ for model in (m.Person, m.Organisation, m.Position, m.Meeting, m.Topic)
)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_entity_delete(state):
    """Whoever deletes entities in a session (orphan collection), its maps forget them."""
    if not (state.is_delete and ENTITY_MAPPERS.intersection(state.all_mappers)):
        return None
    result = state.invoke_statement()
    if result.rowcount:
        forget(state.session)
    return result


def forget(session: Session) -> None:
    """Empty the session's maps (after a rollback, or after entities were deleted)."""
    maps = session.info.get(SESSION_KEY)
    if maps is not None:
        maps.reset()


# Statements built once (a statement built per name costs more than running it).
PERSON_BY_NAME = select(PERSONS.c.id, *_cols(PERSONS, PERSON_COLUMNS)).where(
    PERSONS.c.name == bindparam("name")
)
ORGANISATION_BY_NAME = select(
    ORGANISATIONS.c.id, *_cols(ORGANISATIONS, ORGANISATION_COLUMNS)
).where(ORGANISATIONS.c.name == bindparam("name"))
POSITION_BY_KEY = select(POSITIONS.c.id).where(
    POSITIONS.c.title == bindparam("title"),
    POSITIONS.c.organisation_id.is_not_distinct_from(bindparam("organisation_id")),
)
MEETING_BY_KEY = select(MEETINGS.c.id, *_cols(MEETINGS, MEETING_COLUMNS)).where(
    MEETINGS.c.key == bindparam("key")
)


@cache
def _insert_statement(table, dialect: str):
    """INSERT … RETURNING id, doing nothing on a conflict where the dialect can say so."""
    builder = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if builder is None:
        return insert(table).returning(table.c.id)
    return builder(table).on_conflict_do_nothing().returning(table.c.id)


def _insert_new(session: Session, table, values: dict, lookup, key: dict) -> int:
    """Insert a row and return its id; if a concurrent writer inserted it first, find it
    (``lookup`` with ``key``)."""
    statement = _insert_statement(table, session.get_bind().dialect.name)
    new_id = session.execute(statement, values).scalar()
    return new_id if new_id is not None else session.execute(lookup, key).scalar_one()


def _known(session: Session, cache: dict, key, query, params: dict) -> Row | None:
    """The row for ``key``, looked up once (None: not stored)."""
    if key not in cache:
        row = session.execute(query, params).first()
        cache[key] = Row(**row._mapping) if row is not None else None
    return cache[key]


def _by_keys(column, columns: list):
    """SELECT of ``columns`` where ``column`` is in a list given at execution (``keys``)."""
    return select(column, *columns).where(column.in_(bindparam("keys", expanding=True)))


PERSONS_BY_NAMES = _by_keys(PERSONS.c.name, [PERSONS.c.id, *_cols(PERSONS, PERSON_COLUMNS)])
ORGANISATIONS_BY_NAMES = _by_keys(
    ORGANISATIONS.c.name, [ORGANISATIONS.c.id, *_cols(ORGANISATIONS, ORGANISATION_COLUMNS)]
)
MEETINGS_BY_KEYS = _by_keys(MEETINGS.c.key, [MEETINGS.c.id, *_cols(MEETINGS, MEETING_COLUMNS)])
POSITIONS_BY_TITLES = _by_keys(
    POSITIONS.c.title, [POSITIONS.c.id, POSITIONS.c.organisation_id]
).where(
    or_(
        POSITIONS.c.organisation_id.in_(bindparam("organisations", expanding=True)),
        POSITIONS.c.organisation_id.is_(None),
    )
)


def _prefetch(session: Session, cache: dict, keys: Iterable, query) -> None:
    """Look up at once the ``keys`` that ``cache`` does not hold (``query`` by ``keys``,
    its first column the key)."""
    missing = {k for k in keys if k and k not in cache}
    if not missing:
        return
    for row in session.connection().execute(query, {"keys": list(missing)}):
        cache[row[0]] = Row(**row._mapping)
    for key in missing:
        cache.setdefault(key, None)


def prefetch_names(session: Session, persons: Iterable[str], organisations: Iterable[str]):
    """Look up an article's persons and organisations, one query per table."""
    maps = maps_of(session)
    _prefetch(session, maps.persons, persons, PERSONS_BY_NAMES)
    _prefetch(session, maps.organisations, organisations, ORGANISATIONS_BY_NAMES)


def prefetch_meetings(session: Session, keys: Iterable[str]) -> None:
    """Look up an article's meetings by key, one query."""
    _prefetch(session, maps_of(session).meetings, keys, MEETINGS_BY_KEYS)


def prefetch_positions(session: Session, keys: Iterable[tuple[str, int | None]]) -> None:
    """Look up an article's positions by (title, organisation), one query."""
    cache = maps_of(session).positions
    missing = {k for k in keys if k not in cache}
    if not missing:
        return
    titles = list({title for title, _ in missing})
    organisations = list({o for _, o in missing if o is not None})
    found = session.connection().execute(
        POSITIONS_BY_TITLES, {"keys": titles, "organisations": organisations}
    )
    for title, position, organisation in found:
        if (title, organisation) in missing:
            cache[(title, organisation)] = position
    for key in missing:
        cache.setdefault(key, None)


def _set(session: Session, table, row: Row, changes: dict) -> None:
    changes = {column: value for column, value in changes.items() if getattr(row, column) != value}
    if changes:
        session.execute(update(table).where(table.c.id == row.id).values(**changes))
        for column, value in changes.items():
            setattr(row, column, value)


def person_id(session: Session, name: str, record) -> int:
    """Get or create a person; fill the columns it lacks from ``record``."""
    maps, key = maps_of(session), {"name": name}
    row = _known(session, maps.persons, name, PERSON_BY_NAME, key)
    values = {c: getattr(record, c) for c in PERSON_COLUMNS if getattr(record, c)}
    if row is None:
        new = {"name": name, **values}
        new_id = _insert_new(session, PERSONS, new, PERSON_BY_NAME, key)
        maps.persons[name] = Row(id=new_id, **values)
        return new_id
    _set(session, PERSONS, row, {c: v for c, v in values.items() if not getattr(row, c)})
    return row.id


def organisation_id(session: Session, name: str | None, records: dict, blank) -> int | None:
    """Get or create an organisation (and its parents); ``records`` says what is known of it."""
    if not name:
        return None
    maps, key = maps_of(session), {"name": name}
    record = records.get(name) or blank(name)
    row = _known(session, maps.organisations, name, ORGANISATION_BY_NAME, key)
    values = {c: getattr(record, c) for c in ORGANISATION_COLUMNS[:-1] if getattr(record, c)}
    if row is None:
        new = {"name": name, **values}
        new_id = _insert_new(session, ORGANISATIONS, new, ORGANISATION_BY_NAME, key)
        maps.organisations[name] = row = Row(id=new_id, **values)
    else:
        _set(session, ORGANISATIONS, row, values)
    if record.parent and record.parent != name:
        parent = organisation_id(session, record.parent, records, blank)
        _set(session, ORGANISATIONS, row, {"parent_id": parent})
    return row.id


def position_id(
    session: Session, title: str, organisation: int | None, title_en: str | None
) -> int:
    maps, key = maps_of(session), (title, organisation)
    params = {"title": title, "organisation_id": organisation}
    if key not in maps.positions:
        maps.positions[key] = session.execute(POSITION_BY_KEY, params).scalar()
    if maps.positions[key] is None:
        values = {**params, "title_en": title_en}
        maps.positions[key] = _insert_new(session, POSITIONS, values, POSITION_BY_KEY, params)
    return maps.positions[key]


def meeting_row(session: Session, key: str, values: dict) -> Row:
    """Get or create the meeting with this key (``values`` are a new meeting's columns)."""
    maps, params = maps_of(session), {"key": key}
    row = _known(session, maps.meetings, key, MEETING_BY_KEY, params)
    if row is None:
        new_id = _insert_new(session, MEETINGS, {**values, "key": key}, MEETING_BY_KEY, params)
        maps.meetings[key] = row = Row(id=new_id, place=values.get("place"))
    return row


def set_meeting(session: Session, row: Row, changes: dict) -> None:
    _set(session, MEETINGS, row, changes)


def topic_ids(session: Session) -> dict[str, int]:
    """Make sure every topic of the taxonomy exists with its labels; return slug → id."""
    maps = maps_of(session)
    if maps.topics is None:
        stored = {r.slug: r for r in session.execute(select(TOPICS))}
        for slug, labels in load_data("topics").items():
            names = {"name_vi": labels["vi"], "name_en": labels["en"]}
            if slug not in stored:
                session.execute(insert(TOPICS).values(slug=slug, **names))
            elif (stored[slug].name_vi, stored[slug].name_en) != tuple(names.values()):
                session.execute(update(TOPICS).where(TOPICS.c.slug == slug).values(**names))
        maps.topics = {
            slug: id_ for slug, id_ in session.execute(select(TOPICS.c.slug, TOPICS.c.id))
        }
    return maps.topics
