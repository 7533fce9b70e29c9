"""Migrations: upgrade → downgrade → upgrade, and no drift between models and migrations."""

import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from archive.db import alembic_config, database_url, make_engine, upgrade_to_head
from archive.models import Base


def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_upgrade_downgrade_upgrade_on_empty_database(db_path):
    upgrade_to_head(db_path)
    assert set(Base.metadata.tables) <= tables(db_path)
    command.downgrade(alembic_config(database_url(db_path)), "base")
    assert tables(db_path) == {"alembic_version"}
    upgrade_to_head(db_path)
    assert set(Base.metadata.tables) <= tables(db_path)


def test_models_and_migrations_do_not_drift(db_path):
    upgrade_to_head(db_path)
    engine = make_engine(db_path)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_alembic_check_command_is_clean(db_path):
    upgrade_to_head(db_path)
    command.check(alembic_config(database_url(db_path)))
