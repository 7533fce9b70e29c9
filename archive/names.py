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
# kind, target, id, one spelling, the name shown, the other name shown: one query per
# spelling; {where} is a condition on the id of ``x`` (a spelling folded alike twice is one row)


def _row(kind: int, target: str, spelling: str, name: str, english: str) -> str:
    return (
        f"SELECT {kind} AS kind, '{target}' AS target, x.id AS id, {spelling} AS spelling, "
        f"{name} AS name, {english} AS english"
    )


PERSON = _row(0, "persons", "{spelling}", "x.name", "x.name_en")
ORGANISATION = _row(1, "organisations", "{spelling}", "x.name", "x.name_en")
TOPIC = _row(2, "topics", "{spelling}", "x.name_en", "x.name_vi")
SPELLINGS = {
    "persons": [
        f"{PERSON.format(spelling='x.name')} FROM persons x WHERE {{where}}",
        f"{PERSON.format(spelling='x.name_en')} FROM persons x "
        "WHERE x.name_en IS NOT NULL AND {where}",
        f"{PERSON.format(spelling='a.alias')} FROM persons x "
        "JOIN person_aliases a ON a.person_id = x.id WHERE {where}",
    ],
    "organisations": [
        f"{ORGANISATION.format(spelling='x.name')} FROM organisations x WHERE {{where}}",
        f"{ORGANISATION.format(spelling='x.name_en')} FROM organisations x "
        "WHERE x.name_en IS NOT NULL AND {where}",
    ],
    "topics": [
        f"{TOPIC.format(spelling='x.name_vi')} FROM topics x WHERE {{where}}",
        f"{TOPIC.format(spelling='x.name_en')} FROM topics x WHERE {{where}}",
    ],
}


def _insert(db: sqlite_utils.Database, target: str, fold: str, where: str = "1") -> None:
    for spellings in SPELLINGS[target]:
        db.execute(
            f"INSERT OR IGNORE INTO {NAMES_TABLE} (kind, target, id, spelling, name, english) "
            f"SELECT kind, target, id, {fold}(spelling), name, english "
            f"FROM ({spellings.format(where=where)})"
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
    _insert(db, "persons", fold, f"x.id IN ({persons})")
    db.execute(f"DELETE FROM {NAMES_TABLE} WHERE kind > 0")
    _insert(db, "organisations", fold)
    _insert(db, "topics", fold)
