"""What the served pages need to turn a value into a link or add an English label: the
archive's names → row ids (read once per immutable database), and the English names of
countries, places and meeting kinds from the knowledge files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.knowledge import load

COUNTRIES: dict[str, dict[str, str]] = load("english_names")["countries"]
PLACES: dict[str, str] = load("english_names")["places"]
KINDS: dict[str, dict[str, str]] = load("meeting_kinds")["kinds"]

# Each linked table: the SQL giving (label, id) pairs; a label names one row.
ENTITY_SQL = {
    "persons": "SELECT name, id FROM persons",
    "organisations": "SELECT name, id FROM organisations",
    "topics": "SELECT name_en, id FROM topics UNION ALL SELECT name_vi, id FROM topics",
}


@dataclass
class Names:
    """Label → row id for each linked table of one database."""

    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    topic_vi: dict[str, str] = field(default_factory=dict)

    def id_of(self, table: str, label: object) -> int | None:
        return self.ids.get(table, {}).get(label) if isinstance(label, str) else None


# database name → (content version, its maps): one entry per database, replaced on change
_CACHE: dict[str, tuple[tuple, Names]] = {}


def _version(db) -> tuple | None:
    """What identifies the database's content: its hash (immutable files), else the file's
    modification time and size; None for an in-memory database."""
    if db.hash:
        return (db.hash,)
    if db.path and Path(db.path).exists():
        stat = Path(db.path).stat()
        return (stat.st_mtime_ns, stat.st_size)
    return None


async def names(datasette, database: str) -> Names:
    """The label → id maps of ``database``, cached while its content stays the same."""
    db = datasette.get_database(database)
    version = _version(db)
    cached = _CACHE.get(database)
    if version is not None and cached and cached[0] == version:
        return cached[1]
    found = Names()
    tables = set(await db.table_names())
    for table, sql in ENTITY_SQL.items():
        if table in tables:
            result = await db.execute(sql)
            found.ids[table] = {label: row_id for label, row_id in result.rows}
    if "topics" in tables:
        result = await db.execute("SELECT name_en, name_vi FROM topics")
        found.topic_vi = dict(result.rows)
    if version is not None:
        _CACHE[database] = (version, found)
    return found


def country_label(code: object) -> str | None:
    """``China`` for ``CN``; None for an unknown code."""
    return COUNTRIES.get(code, {}).get("en") if isinstance(code, str) else None


def place_label(place: object) -> str | None:
    """``Beijing`` for ``Bắc Kinh``; None for an unknown place."""
    return PLACES.get(place) if isinstance(place, str) else None


def kind_label(kind: object) -> tuple[str, str] | None:
    """(English, Vietnamese) labels of a meeting kind code (``talks``)."""
    record = KINDS.get(kind) if isinstance(kind, str) else None
    return (record["en"], record["vi"]) if record else None
