"""Alembic environment: batch mode for SQLite, FTS tables left out of comparisons."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from archive.models import Base

config = context.config
target_metadata = Base.metadata

# Tables made by post-processing (full-text search, sqlite-utils helpers), not by models.
UNMANAGED_TABLE_MARKERS = ("_fts", "sqlite_", "_datasette", "search_")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and reflected and compare_to is None:
        return not any(marker in name for marker in UNMANAGED_TABLE_MARKERS)
    if type_ == "index" and reflected and compare_to is None:  # post-processing's own indexes
        return not name.startswith("search_")
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
    if isinstance(connectable, Connection):
        _run(connectable)
        return
    with connectable.connect() as connection:  # an Engine (e.g. from pytest-alembic)
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
