"""Evidence is indexed by sentence (archive/evidence.py): each sentence once, with the names
of its facts; a fact is found through its sentence, on the archive built from the seeds."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from archive import postprocess
from archive.datasette import SETTINGS, template_dir
from archive.evidence import SEPARATOR
from archive.postprocess import ensure_db_shape
from archive.views import FACT_NAMES, facts_query

from .test_datasette import METADATA, html, rows


@pytest.fixture(scope="module")
def conn(built_db: Path):
    with sqlite3.connect(built_db) as connection:
        yield connection


def test_every_fact_points_to_its_sentence_stored_once(conn):
    facts, sentences = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("search_facts", "search_sentences")
    )
    assert 0 < sentences < facts
    listed = conn.execute(f"SELECT {FACT_NAMES} FROM evidence").fetchall()
    assert sorted(listed, key=repr) == sorted(conn.execute(facts_query()).fetchall(), key=repr)
    repeated = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM search_sentences "
        "GROUP BY article_id, evidence_field, evidence HAVING count(*) > 1)"
    ).fetchone()[0]
    assert repeated == 0
    elsewhere = (
        "SELECT count(*) FROM search_facts f JOIN search_sentences s ON s.id = f.sentence_id "
        "WHERE s.article_id != f.article_id OR s.evidence_field != f.evidence_field"
    )
    assert conn.execute(elsewhere).fetchone()[0] == 0
    unused = (
        "SELECT count(*) FROM search_sentences "
        "WHERE id NOT IN (SELECT sentence_id FROM search_facts)"
    )
    assert conn.execute(unused).fetchone()[0] == 0


def test_a_sentence_names_the_subject_and_detail_of_each_of_its_facts(conn):
    rows = conn.execute(
        "SELECT f.subject, f.detail, s.names FROM search_facts f "
        "JOIN search_sentences s ON s.id = f.sentence_id"
    ).fetchall()
    for subject, detail, names in rows:
        assert {subject, detail} - {None} <= set(names.split(SEPARATOR))


@pytest.fixture(scope="module")
def served(built_db: Path) -> Datasette:
    return Datasette(
        [],
        immutables=[str(built_db)],
        metadata=METADATA,
        settings=SETTINGS,
        template_dir=str(template_dir()),
    )


def canned(ds, name: str, **params: str) -> list[dict]:
    return rows(ds, f"/archive/{name}.json?{urlencode(params)}")


def test_a_fact_is_found_by_its_subject_when_the_sentence_does_not_spell_it(conn, served):
    """Topics are named in English as subjects: the Vietnamese sentence never says them."""
    subject, evidence = conn.execute(
        "SELECT subject, evidence FROM evidence WHERE fact = 'topic' "
        "AND instr(evidence, subject) = 0 ORDER BY article_id, evidence_start LIMIT 1"
    ).fetchone()
    found = canned(served, "search_evidence", q=subject)
    assert {"fact": "topic", "subject": subject, "evidence": evidence} in [
        {k: row[k] for k in ("fact", "subject", "evidence")} for row in found
    ]
    listed = canned(served, "fact_evidence", subject=subject)
    assert listed and {row["subject"] for row in listed} == {subject}


def test_a_word_of_the_sentence_finds_all_its_facts(conn, served):
    sentence_id, evidence = conn.execute(
        "SELECT f.sentence_id, s.evidence FROM search_facts f "
        "JOIN search_sentences s ON s.id = f.sentence_id GROUP BY f.sentence_id "
        "ORDER BY count(*) DESC, f.sentence_id LIMIT 1"
    ).fetchone()
    words = " ".join(evidence.split()[:6])
    found = canned(served, "search_evidence", q=words)
    expected = conn.execute(
        "SELECT fact, subject FROM search_facts WHERE sentence_id = ?", (sentence_id,)
    ).fetchall()
    assert set(expected) <= {(row["fact"], row["subject"]) for row in found}


def test_the_search_box_lists_facts_found_with_or_without_diacritics(served):
    for typed in ("ma túy", "ma tuy"):
        page = html(served, f"/-/search?{urlencode({'q': typed})}")
        evidence = page[page.index("<h2>Evidence") :]
        assert "<mark>" in evidence and "/archive/articles/" in evidence


def test_an_archive_of_the_earlier_shape_loses_its_fact_indexes(built_db, tmp_path):
    """Before sentences, facts had their own full-text indexes and a folded copy."""
    old = tmp_path / "old.db"
    shutil.copy(built_db, old)
    with sqlite3.connect(old) as connection:
        connection.execute(
            "CREATE VIRTUAL TABLE search_facts_fts USING fts5 "
            "(subject, detail, evidence, content=search_facts)"
        )
        connection.execute("CREATE TABLE search_facts_folded (id INTEGER PRIMARY KEY, subject)")
    ensure_db_shape(old)
    with sqlite3.connect(old) as connection:
        names = {n for (n,) in connection.execute("SELECT name FROM sqlite_master")}
    assert not {n for n in names if n.startswith(("search_facts_fts", "search_facts_folded"))}
    assert "search_sentences_fts" in names


def test_counting_facts_never_reads_their_sentences(conn):
    """A facet or a count of the ``evidence`` view (Datasette's own SQL shape) reads the
    facts' indexes alone: the sentence is looked up only for a row that shows it."""
    facet = (
        "SELECT evidence_field AS value, count(*) AS count FROM "
        "(SELECT * FROM evidence WHERE fact = 'post') WHERE evidence_field IS NOT NULL "
        "GROUP BY evidence_field"
    )
    for sql in (facet, "SELECT count(*) FROM (SELECT * FROM evidence WHERE fact = 'post')"):
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "search_sentences" not in plan and " s " not in f"{plan} ", plan
    page = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM evidence"))
    assert "SEARCH s USING INTEGER PRIMARY KEY" in page


def test_facts_built_a_few_articles_at_a_time_are_the_same(built_db, tmp_path, monkeypatch):
    chunked = tmp_path / "chunked.db"
    shutil.copy(built_db, chunked)
    monkeypatch.setattr(postprocess, "FACT_CHUNK", 2)  # the seeds' 5 articles: 3 chunks
    postprocess.ensure_db_shape(chunked)

    def facts(db: Path) -> tuple[list, list]:
        with sqlite3.connect(db) as connection:
            listed = connection.execute(f"SELECT {FACT_NAMES} FROM evidence").fetchall()
            sentences = connection.execute(
                "SELECT article_id, evidence_field, evidence, names FROM search_sentences"
            ).fetchall()
        return sorted(listed, key=repr), sorted(sentences, key=repr)

    assert facts(chunked) == facts(built_db)
