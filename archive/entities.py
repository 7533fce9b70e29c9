"""Persons, organisations, positions, meetings and topics by name, without a query per name.

:class:`EntityMaps` holds name → id (and the columns an import may fill in) for each entity
table. Scoped to one import run and preloaded (one SELECT per table), a name it does not
know is new and is inserted at once; scoped to one session (the default), a name it does
not know is looked up once. A rollback, or a DELETE of entity rows in the session (orphan
collection, whoever runs it), empties the maps: ids they hold may be gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
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

    def __getitem__(self, column: str) -> Any:
        return getattr(self, column)

    def get(self, column: str) -> Any:
        return getattr(self, column)

    def update(self, changes: dict[str, Any]) -> None:
        for column, value in changes.items():
            setattr(self, column, value)


class EntityMaps:
    """What an import knows of the entity tables; see the module docstring."""

    def __init__(self, preload: bool = False) -> None:
        self.preload = preload
        self.reset()

    def reset(self) -> None:
        self.loaded = False
        self.persons: dict[str, Row] = {}
        self.organisations: dict[str, Row] = {}
        self.positions: dict[tuple[str, int | None], int] = {}
        self.meetings: dict[str, Row] = {}
        self.topics: dict[str, int] | None = None

    def load(self, session: Session) -> None:
        """Read every entity table once (preloaded maps only)."""
        if not self.preload or self.loaded:
            return
        for row in session.execute(
            select(PERSONS.c.id, PERSONS.c.name, *_cols(PERSONS, PERSON_COLUMNS))
        ):
            self.persons[row.name] = Row(**row._mapping)
        organisation_columns = _cols(ORGANISATIONS, ORGANISATION_COLUMNS)
        for row in session.execute(
            select(ORGANISATIONS.c.id, ORGANISATIONS.c.name, *organisation_columns)
        ):
            self.organisations[row.name] = Row(**row._mapping)
        for row in session.execute(
            select(POSITIONS.c.id, POSITIONS.c.title, POSITIONS.c.organisation_id)
        ):
            self.positions[(row.title, row.organisation_id)] = row.id
        for row in session.execute(
            select(MEETINGS.c.id, MEETINGS.c.key, *_cols(MEETINGS, MEETING_COLUMNS))
        ):
            self.meetings[row.key] = Row(**row._mapping)
        self.loaded = True


def _cols(table, names: Iterable[str]) -> list:
    return [table.c[name] for name in names]


def attach(session: Session, maps: EntityMaps) -> None:
    """Let ``session`` use run-scoped ``maps`` (emptied if the session rolls back)."""
    session.info[SESSION_KEY] = maps


def maps_of(session: Session) -> EntityMaps:
    """The session's maps: attached ones, or maps for this session alone."""
    if SESSION_KEY not in session.info:
        session.info[SESSION_KEY] = EntityMaps()
    maps = session.info[SESSION_KEY]
    maps.load(session)
    return maps


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


def _known(session: Session, maps: EntityMaps, cache: dict, key, query, params: dict):
    """The cached row for ``key``, looked up once when the maps are not preloaded."""
    if key not in cache and not maps.preload:
        row = session.execute(query, params).first()
        if row is not None:
            cache[key] = Row(**row._mapping)
    return cache.get(key)


def _set(session: Session, table, row: Row, changes: dict) -> None:
    changes = {column: value for column, value in changes.items() if row.get(column) != value}
    if changes:
        session.execute(update(table).where(table.c.id == row["id"]).values(**changes))
        row.update(changes)


def person_id(session: Session, name: str, record) -> int:
    """Get or create a person; fill the columns it lacks from ``record``."""
    maps, key = maps_of(session), {"name": name}
    row = _known(session, maps, maps.persons, name, PERSON_BY_NAME, key)
    values = {c: getattr(record, c) for c in PERSON_COLUMNS if getattr(record, c)}
    if row is None:
        new = {"name": name, **values}
        new_id = _insert_new(session, PERSONS, new, PERSON_BY_NAME, key)
        maps.persons[name] = Row(id=new_id, **values)
        return new_id
    _set(session, PERSONS, row, {c: v for c, v in values.items() if not row.get(c)})
    return row["id"]


def organisation_id(session: Session, name: str | None, records: dict, blank) -> int | None:
    """Get or create an organisation (and its parents); ``records`` says what is known of it."""
    if not name:
        return None
    maps, key = maps_of(session), {"name": name}
    record = records.get(name) or blank(name)
    row = _known(session, maps, maps.organisations, name, ORGANISATION_BY_NAME, key)
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
    return row["id"]


def position_id(
    session: Session, title: str, organisation: int | None, title_en: str | None
) -> int:
    maps, key = maps_of(session), (title, organisation)
    params = {"title": title, "organisation_id": organisation}
    if key not in maps.positions and not maps.preload:
        found = session.execute(POSITION_BY_KEY, params).scalar()
        if found is not None:
            maps.positions[key] = found
    if key not in maps.positions:
        values = {**params, "title_en": title_en}
        maps.positions[key] = _insert_new(session, POSITIONS, values, POSITION_BY_KEY, params)
    return maps.positions[key]


def meeting_row(session: Session, key: str, values: dict) -> Row:
    """Get or create the meeting with this key (``values`` are a new meeting's columns)."""
    maps, params = maps_of(session), {"key": key}
    row = _known(session, maps, maps.meetings, key, MEETING_BY_KEY, params)
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
