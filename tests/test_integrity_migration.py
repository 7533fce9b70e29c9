"""Issue 10, item 1: migration 0004 converts an existing database, on SQLite and PostgreSQL.

The database is made as the old code left it: the seeds imported, then the same five files
imported again by their absolute paths (ten articles for five files, an operator's absolute
path in ``source_path`` and ``import_errors``). After the upgrade: five articles with two
sources each, the same facts as before, no absolute path; importing the seeds again finds
every file unchanged and adopts the migrated root of that name."""

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, func, insert, select, text

from archive.db import alembic_config, database_url, upgrade_to_head

from .conftest import invoke
from .test_migrations import BACKENDS, empty_postgres

FACT_TABLES = (
    "meetings",
    "meeting_sources",
    "meeting_participants",
    "persons",
    "organisations",
    "positions",
    "person_positions",
    "article_persons",
    "article_topics",
)


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return database_url(tmp_path / "old.db")
    return empty_postgres()


def counts(engine) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(engine, only=FACT_TABLES)
    with engine.connect() as conn:
        return {
            t: conn.scalar(select(func.count()).select_from(meta.tables[t])) for t in FACT_TABLES
        }


def import_again_by_absolute_paths(engine, folder) -> None:
    """What the old code did with ``archive import /abs/seeds``: a second article per file."""
    meta = MetaData()
    meta.reflect(engine)
    articles = meta.tables["articles"]
    children = [t for t in meta.sorted_tables if "article_id" in t.columns]
    with engine.begin() as conn:
        for old in conn.execute(select(articles).order_by(articles.c.id)).mappings().all():
            copy = {k: v for k, v in old.items() if k != "id"}
            copy["source_path"] = f"{folder}/{old['source_path'].split('/')[-1]}"
            new_id = conn.execute(insert(articles).values(copy).returning(articles.c.id)).scalar()
            for table in children:
                for row in conn.execute(
                    select(table).where(table.c.article_id == old["id"])
                ).mappings():
                    values = {k: v for k, v in row.items() if k != "id"} | {"article_id": new_id}
                    conn.execute(insert(table).values(values))
        conn.execute(
            text(
                "INSERT INTO import_errors (file, reason, time) "
                "VALUES (:file, 'binary data', '2026-01-01T00:00:00')"
            ),
            {"file": f"{folder}/broken.txt"},
        )


def test_old_database_is_converted(url, seeds_copy):
    invoke("import", str(seeds_copy), "--db", url)
    engine = create_engine(url)
    facts = counts(engine)
    command.downgrade(alembic_config(url), "0003")
    import_again_by_absolute_paths(engine, seeds_copy)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM articles")) == 10
    upgrade_to_head(url)
    with engine.connect() as conn:
        paths = conn.execute(text("SELECT source_path FROM articles ORDER BY id")).scalars().all()
        errors = conn.execute(text("SELECT file FROM import_errors")).scalars().all()
        roots = conn.execute(text("SELECT name FROM import_roots ORDER BY name")).scalars().all()
        sources = conn.scalar(text("SELECT count(*) FROM article_sources"))
    assert paths == sorted(f"seeds/{p.name}" for p in seeds_copy.glob("*.txt"))
    assert errors == ["seeds~2/broken.txt"] and roots == ["seeds", "seeds~2"]
    assert sources == 10 and counts(engine) == facts
    again = invoke("import", str(seeds_copy), "--db", url).output.splitlines()[-1]
    assert again == "0 imported, 0 updated, 5 unchanged, 0 failed"
    with engine.connect() as conn:
        roots = conn.execute(text("SELECT name, fingerprint FROM import_roots ORDER BY name"))
        roots = roots.all()
    assert [name for name, _fingerprint in roots] == ["seeds", "seeds~2"]
    assert roots[0][1] is not None and roots[1][1] is None  # adopted; the other never seen
    engine.dispose()
