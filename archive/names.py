"""``search_names``: every spelling of each person (Vietnamese, English or pinyin, the other
spellings articles give), organisation and topic, folded (no diacritics), for the search box
(``archive/datasette/search.py``): one ``instr()`` per spelling in SQLite's own code, in the
order persons, organisations, topics, instead of folding every name per request.

Persons' rows are recomputed for the persons an import changed; organisations' and topics'
(a few thousand) all at once.
"""

from __future__ import annotations

import sqlite_utils

NAMES_TABLE = "search_names"
COLUMNS = (
    "kind INTEGER NOT NULL, target TEXT NOT NULL, id INTEGER NOT NULL, spelling TEXT NOT NULL, "
    "name TEXT, english TEXT, PRIMARY KEY (kind, id, spelling)"
)
# kind, target, id, one spelling, the name shown, the other name shown; {where} on the id
# (a spelling folded alike twice is one row)
SPELLINGS = {
    "persons": """
        SELECT 0 AS kind, 'persons' AS target, p.id, s.spelling, p.name, p.name_en AS english
        FROM persons p
        JOIN (SELECT id, name AS spelling FROM persons
              UNION SELECT id, name_en FROM persons WHERE name_en IS NOT NULL
              UNION SELECT person_id, alias FROM person_aliases) s ON s.id = p.id
        WHERE {where}""",
    "organisations": """
        SELECT 1 AS kind, 'organisations' AS target, o.id, s.spelling, o.name,
               o.name_en AS english
        FROM organisations o
        JOIN (SELECT id, name AS spelling FROM organisations
              UNION SELECT id, name_en FROM organisations WHERE name_en IS NOT NULL) s
          ON s.id = o.id
        WHERE {where}""",
    "topics": """
        SELECT 2 AS kind, 'topics' AS target, t.id, s.spelling, t.name_en AS name,
               t.name_vi AS english
        FROM topics t
        JOIN (SELECT id, name_vi AS spelling FROM topics UNION SELECT id, name_en FROM topics) s
          ON s.id = t.id
        WHERE {where}""",
}


def _insert(db: sqlite_utils.Database, target: str, fold: str, where: str = "1") -> None:
    db.execute(
        f"INSERT OR IGNORE INTO {NAMES_TABLE} (kind, target, id, spelling, name, english) "
        f"SELECT kind, target, id, {fold}(spelling), name, english "
        f"FROM ({SPELLINGS[target].format(where=where)})"
    )


def build_names(db: sqlite_utils.Database, fold: str) -> None:
    """Every spelling afresh; ``fold`` names the SQL function that folds text."""
    db.execute(f"DROP TABLE IF EXISTS {NAMES_TABLE}")
    db.execute(f"CREATE TABLE {NAMES_TABLE} ({COLUMNS}) WITHOUT ROWID")
    for target in SPELLINGS:
        _insert(db, target, fold)


def refresh_names(db: sqlite_utils.Database, fold: str, persons: str) -> None:
    """The spellings of the persons the SQL ``persons`` selects, and of every organisation
    and topic."""
    db.execute(f"DELETE FROM {NAMES_TABLE} WHERE kind = 0 AND id IN ({persons})")
    _insert(db, "persons", fold, f"p.id IN ({persons})")
    db.execute(f"DELETE FROM {NAMES_TABLE} WHERE kind > 0")
    _insert(db, "organisations", fold)
    _insert(db, "topics", fold)
