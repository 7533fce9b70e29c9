"""The load stage's entity maps never hand out an id the database no longer has: a rollback
or a deletion of entity rows empties them; an article's names are looked up in one query
per table, and maps kept across transactions find what earlier ones stored."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from archive import entities
from archive import models as m
from archive.db import make_engine, upgrade_to_head
from archive.facts import PersonRecord

NAME = "Nguyễn Văn An"


@pytest.fixture
def engine(db_path):
    upgrade_to_head(db_path)
    return make_engine(db_path)


def person(session: Session, name: str = NAME) -> int:
    return entities.person_id(session, name, PersonRecord(name, country="VN"))


def test_a_name_is_stored_once_and_its_empty_columns_filled(engine):
    with Session(engine) as session, session.begin():
        first = entities.person_id(session, NAME, PersonRecord(NAME))
        again = person(session)
        assert first == again
    with Session(engine) as session:
        assert session.execute(select(m.Person.name, m.Person.country)).all() == [(NAME, "VN")]


def test_deleted_entities_are_forgotten(engine):
    with Session(engine) as session, session.begin():
        gone = person(session)
        session.execute(delete(m.Person).where(m.Person.id == gone))
        assert NAME not in entities.maps_of(session).persons
        person(session)
        assert session.scalar(select(func.count()).select_from(m.Person)) == 1


def test_maps_of_a_rolled_back_transaction_are_emptied(engine):
    maps = entities.EntityMaps()
    with Session(engine) as session:
        entities.attach(session, maps)
        with session.begin():
            person(session)
            assert NAME in maps.persons
            session.rollback()
        assert maps.persons == {}
        with session.begin():
            person(session)  # inserted again, not taken from the forgotten map
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Person)) == 1


def test_maps_kept_across_transactions_know_what_earlier_ones_stored(engine):
    maps = entities.EntityMaps()
    with Session(engine) as session, session.begin():
        entities.attach(session, maps)
        stored = person(session)
    with Session(engine) as session, session.begin():
        entities.attach(session, maps)
        assert person(session) == stored and maps.persons[NAME].id == stored
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Person)) == 1


def test_an_articles_names_are_looked_up_in_one_query_per_table(engine):
    names = [NAME, "Trần Thị Bình", "Lê Văn Cường"]
    with Session(engine) as session, session.begin():
        stored = [person(session, name) for name in names[:2]]
    statements: list[str] = []
    with Session(engine) as session, session.begin():
        # every statement SQLite runs, those on the driver's own cursor included
        session.connection().connection.dbapi_connection.set_trace_callback(statements.append)
        entities.prefetch_names(session, names, [])
        ids = [person(session, name) for name in names]
    lookups = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM persons" in s]
    assert len(lookups) == 1
    assert ids[:2] == stored and len(set(ids)) == 3
