"""Migrations, with pytest-alembic, on SQLite and on a real PostgreSQL: single head,
upgrade, models match the DDL, up/down consistency, a data migration that keeps the seeds,
and the whole import on PostgreSQL.

PostgreSQL comes from ARCHIVE_TEST_POSTGRES_URL (`.ci/run` starts a server and sets it).
Those tests carry the `postgres` marker: without the variable they fail in CI and are
deselected on a developer's machine (tests/conftest.py says so in the summary).
"""

import os
import sqlite3

import pytest
from alembic.config import Config
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import MetaData, create_engine, select, text

from archive.db import MIGRATIONS_DIR, database_url, make_engine
from archive.db import alembic_config as project_alembic_config

from .conftest import invoke

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]

POSTGRES_URL = os.environ.get("ARCHIVE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_url() -> str:
    if not POSTGRES_URL:
        pytest.fail("ARCHIVE_TEST_POSTGRES_URL is not set: CI must start PostgreSQL")
    return POSTGRES_URL


def empty_postgres() -> str:
    url = postgres_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return database_url(tmp_path / "migrations.db")
    return empty_postgres()


@pytest.fixture
def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@pytest.fixture
def alembic_engine(backend_url):
    engine = make_engine(backend_url)
    yield engine
    engine.dispose()


def _copy_rows(source_db, engine) -> dict[str, list[dict]]:
    """Fill the migrated database with the built archive's rows, for the columns it has."""
    target = MetaData()
    target.reflect(engine)
    copied = {}
    with sqlite3.connect(source_db) as source, engine.begin() as conn:
        source.row_factory = sqlite3.Row
        for table in target.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r) for r in source.execute(f"SELECT * FROM [{table.name}] ORDER BY 1")]
            rows = [{c.name: r[c.name] for c in table.columns if c.name in r} for r in rows]
            if rows:
                conn.execute(table.insert(), rows)
            copied[table.name] = rows
    return copied


def _stored(engine, name: str, columns: list[str]) -> list[dict]:
    """The table's rows, in primary-key order, for ``columns`` (every column if none)."""
    meta = MetaData()
    meta.reflect(engine, only=[name])
    table = meta.tables[name]
    selected = [table.c[c] for c in columns] or list(table.columns)
    query = select(*selected).order_by(*table.primary_key.columns)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def test_seed_data_survives_every_upgrade_step(alembic_runner, alembic_engine, built_db):
    """From the first revision up, one step at a time, with the seed archive's rows in: every
    row and every value of the columns the first revision had is still there after each step."""
    revisions = [r for r in alembic_runner.history.revisions if r not in ("base", "heads")]
    alembic_runner.migrate_up_to(revisions[0])
    copied = _copy_rows(built_db, alembic_engine)
    assert len(copied["articles"]) == 5 and copied["meetings"] and copied["article_persons"]
    for revision in revisions[1:]:
        alembic_runner.migrate_up_to(revision)
        for name, rows in copied.items():
            assert _stored(alembic_engine, name, list(rows[0]) if rows else []) == rows, name
    with alembic_engine.connect() as conn:  # 0002 added these; old rows got the defaults
        fields = conn.execute(text("SELECT DISTINCT evidence_field FROM article_persons")).all()
        assert fields == [("body",)]


@pytest.mark.postgres
def test_seeds_import_into_postgresql():
    url = empty_postgres()
    first = invoke("import", "seeds", "--db", url)
    assert "5 imported, 0 updated, 0 unchanged, 0 failed" in first.output
    again = invoke("import", "seeds", "--db", url)
    assert "0 imported, 0 updated, 5 unchanged, 0 failed" in again.output
    engine = create_engine(url)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM persons"))}
        pairs = conn.execute(
            text(
                "SELECT count(*) FROM meeting_participants mp "
                "JOIN persons p ON p.id = mp.person_id WHERE p.name = 'Quách Thanh Côn'"
            )
        ).scalar()
    engine.dispose()
    assert {"Tô Lâm", "Quách Thanh Côn", "Vương Tiểu Hồng"} <= names
    assert pairs >= 2


def test_alembic_check_is_clean_on_sqlite(db_path):
    from alembic import command

    from archive.db import upgrade_to_head

    upgrade_to_head(db_path)
    command.check(project_alembic_config(database_url(db_path)))


def test_upgrade_downgrade_upgrade_on_an_empty_database(db_path):
    from alembic import command

    from archive.db import upgrade_to_head
    from archive.models import Base

    def tables() -> set[str]:
        with sqlite3.connect(db_path) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    upgrade_to_head(db_path)
    assert set(Base.metadata.tables) <= tables()
    command.downgrade(project_alembic_config(database_url(db_path)), "base")
    assert tables() == {"alembic_version"}
    upgrade_to_head(db_path)
    assert set(Base.metadata.tables) <= tables()
