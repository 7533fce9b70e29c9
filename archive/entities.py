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
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from archive import models as m
from archive import statements
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


# An entity's key column, and the columns a map keeps of it (its id first).
PERSON_FIELDS = ("id", *PERSON_COLUMNS)
ORGANISATION_FIELDS = ("id", *ORGANISATION_COLUMNS)
MEETING_FIELDS = ("id", *MEETING_COLUMNS)
POSITION_FIELDS = ("title", "id", "organisation_id")


def _row(fields: tuple[str, ...], values) -> Row:
    return Row(**dict(zip(fields, values, strict=True)))


def _known(session: Session, cache: dict, key, table, column: str, fields) -> Row | None:
    """The row whose ``column`` is ``key``, looked up once (None: not stored)."""
    if key not in cache:
        found = statements.cursor(session).find(table.name, fields, {column: key})
        cache[key] = _row(fields, found) if found is not None else None
    return cache[key]


def _insert_new(session: Session, table, values: dict, key: dict) -> int:
    """Insert a row and return its id; if a concurrent writer inserted it first (a unique
    conflict), find it by ``key`` (column → value)."""
    cursor = statements.cursor(session)
    ignore = cursor.dialect.name in ("sqlite", "postgresql")
    inserted = cursor.first(cursor.sql.insert(table.name, values, True, ignore), values)
    if inserted is not None:
        return inserted[0]
    return cursor.find(table.name, ("id",), key)[0]


def _prefetch(session: Session, cache: dict, keys: Iterable, table, column: str, fields) -> None:
    """Look up at once the ``keys`` (values of ``column``) that ``cache`` does not hold."""
    missing = sorted({k for k in keys if k and k not in cache})
    if not missing:
        return
    cursor = statements.cursor(session)
    query = cursor.sql.select_in(table.name, (column, *fields), {column: len(missing)})
    for found in cursor.execute(query, statements.in_params(column, missing)).fetchall():
        cache[found[0]] = _row(fields, found[1:])
    for key in missing:
        cache.setdefault(key, None)


def prefetch_names(session: Session, persons: Iterable[str], organisations: Iterable[str]):
    """Look up an article's persons and organisations, one query per table."""
    maps = maps_of(session)
    _prefetch(session, maps.persons, persons, PERSONS, "name", PERSON_FIELDS)
    _prefetch(
        session, maps.organisations, organisations, ORGANISATIONS, "name", ORGANISATION_FIELDS
    )


def prefetch_meetings(session: Session, keys: Iterable[str]) -> None:
    """Look up an article's meetings by key, one query."""
    _prefetch(session, maps_of(session).meetings, keys, MEETINGS, "key", MEETING_FIELDS)


def prefetch_positions(session: Session, keys: Iterable[tuple[str, int | None]]) -> None:
    """Look up an article's positions by (title, organisation), one query."""
    cache = maps_of(session).positions
    missing = {k for k in keys if k not in cache}
    if not missing:
        return
    titles = sorted({title for title, _ in missing})
    organisations = sorted({o for _, o in missing if o is not None})
    lists = {"title": len(titles), "organisation_id": len(organisations)}
    params = statements.in_params("title", titles) | statements.in_params(
        "organisation_id", organisations
    )
    cursor = statements.cursor(session)
    query = cursor.sql.select_in(POSITIONS.name, POSITION_FIELDS, lists, "organisation_id")
    for title, position, organisation in cursor.execute(query, params).fetchall():
        if (title, organisation) in missing:
            cache[(title, organisation)] = position
    for key in missing:
        cache.setdefault(key, None)


def _set(session: Session, table, row: Row, changes: dict) -> None:
    changes = {column: value for column, value in changes.items() if getattr(row, column) != value}
    if changes:
        cursor = statements.cursor(session)
        cursor.execute(cursor.sql.update(table.name, changes), {**changes, "id": row.id})
        for column, value in changes.items():
            setattr(row, column, value)


def person_id(session: Session, name: str, record) -> int:
    """Get or create a person; fill the columns it lacks from ``record``."""
    values = {c: value for c in PERSON_COLUMNS if (value := getattr(record, c))}
    return person_id_filling(session, name, values)


def person_id_filling(session: Session, name: str, values: dict[str, Any]) -> int:
    """Get or create a person; fill the columns it lacks from ``values`` (column → value)."""
    maps = maps_of(session)
    row = _known(session, maps.persons, name, PERSONS, "name", PERSON_FIELDS)
    if row is None:
        new_id = _insert_new(session, PERSONS, {"name": name, **values}, {"name": name})
        maps.persons[name] = Row(id=new_id, **values)
        return new_id
    _set(session, PERSONS, row, {c: v for c, v in values.items() if not getattr(row, c)})
    return row.id


NO_RECORD: tuple[dict[str, Any], str | None] = ({}, None)


def organisation_id(
    session: Session, name: str | None, records: dict[str, tuple[dict[str, Any], str | None]]
) -> int | None:
    """Get or create an organisation (and its parents); ``records`` says what is known of
    each name: the columns to fill (column → value) and its parent's name."""
    if not name:
        return None
    maps = maps_of(session)
    values, parent_name = records.get(name) or NO_RECORD
    row = _known(session, maps.organisations, name, ORGANISATIONS, "name", ORGANISATION_FIELDS)
    if row is None:
        new = {"name": name, **values}
        new_id = _insert_new(session, ORGANISATIONS, new, {"name": name})
        maps.organisations[name] = row = Row(id=new_id, **values)
    else:
        _set(session, ORGANISATIONS, row, values)
    if parent_name and parent_name != name:
        parent = organisation_id(session, parent_name, records)
        _set(session, ORGANISATIONS, row, {"parent_id": parent})
    return row.id


def position_id(
    session: Session, title: str, organisation: int | None, title_en: str | None
) -> int:
    maps, key = maps_of(session), (title, organisation)
    if key not in maps.positions:
        prefetch_positions(session, [key])
    if maps.positions[key] is None:
        values = {"title": title, "organisation_id": organisation, "title_en": title_en}
        params = {"title": title, "organisation_id": organisation}
        maps.positions[key] = _insert_new(session, POSITIONS, values, params)
    return maps.positions[key]


def meeting_row(session: Session, key: str, values: dict) -> Row:
    """Get or create the meeting with this key (``values`` are a new meeting's columns)."""
    maps = maps_of(session)
    row = _known(session, maps.meetings, key, MEETINGS, "key", MEETING_FIELDS)
    if row is None:
        new_id = _insert_new(session, MEETINGS, {**values, "key": key}, {"key": key})
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
