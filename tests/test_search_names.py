"""The search box finds names in ``search_names`` (archive/names.py) exactly as folding every
name, English name and other spelling per request does."""

from __future__ import annotations

import sqlite3

import pytest

from archive.datasette import functions
from archive.datasette.search import NAMES
from archive.vietnamese import normalise

PER_REQUEST = """
SELECT 'persons' AS target, p.id, p.name, p.name_en AS english FROM persons p
WHERE instr(vi_fold(p.name), vi_fold(:q)) OR instr(vi_fold(COALESCE(p.name_en, '')), vi_fold(:q))
   OR p.id IN (SELECT person_id FROM person_aliases WHERE instr(vi_fold(alias), vi_fold(:q)))
UNION ALL
SELECT 'organisations', o.id, o.name, o.name_en FROM organisations o
WHERE instr(vi_fold(o.name), vi_fold(:q)) OR instr(vi_fold(COALESCE(o.name_en, '')), vi_fold(:q))
UNION ALL
SELECT 'topics', t.id, t.name_en, t.name_vi FROM topics t
WHERE instr(vi_fold(t.name_vi), vi_fold(:q)) OR instr(vi_fold(t.name_en), vi_fold(:q))
LIMIT 50
"""


@pytest.mark.parametrize(
    "query", ["Tô Lâm", "to lam", "Guo Shengkun", "Bộ Công an", "ma tuy", "Drug", "an", "zzz"]
)
def test_names_found_as_folding_each_name_finds_them(built_db, query):
    conn = sqlite3.connect(built_db)
    functions.register(conn)
    params = {"q": normalise(query)}
    found = conn.execute(NAMES, params).fetchall()
    assert found == conn.execute(PER_REQUEST, params).fetchall()
    if query != "zzz":
        assert found
