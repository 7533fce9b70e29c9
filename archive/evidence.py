"""The evidence tables: ``search_facts`` (every fact with the sentence it came from, what the
``evidence`` view lists) and ``search_sentences`` (each evidence sentence once, with the
names and labels of its facts), which is what full-text search indexes.

One sentence states several facts (a meeting, its participants, their posts, its topics:
about 4.7 facts a sentence), so indexing sentences rather than facts tokenises a fraction of
the text. A fact is found when its sentence is: the sentence's words or the
subject or detail of any of its facts hold every term typed.
"""

from __future__ import annotations

import sqlite_utils

from archive.fulltext import index_rows
from archive.views import FACT_NAMES, facts_query, sentence_keys_query

FACT_COLUMNS = {
    "fact": str,
    "article_id": int,
    "subject": str,
    "detail": str,
    "evidence_field": str,
    "evidence_start": int,
    "evidence_end": int,
    "sentence_id": int,  # the sentence's text is stored once, in search_sentences
}
SENTENCE_COLUMNS = {"article_id": int, "evidence_field": str, "evidence": str, "names": str}
SEPARATOR = " · "  # between the names of a sentence's facts

STORED = FACT_NAMES.removesuffix(", evidence")  # a fact's columns but its sentence
SENTENCE_KEY = "article_id, evidence_field, evidence"  # sentences are numbered in this order
# The sentences of the articles at hand, by key: what numbers their facts' sentences
CHUNK_SENTENCES = "search_chunk_sentences"
CREATE_CHUNK_SENTENCES = f"""
    CREATE TEMP TABLE IF NOT EXISTS {CHUNK_SENTENCES} (
        article_id INTEGER, evidence_field TEXT, evidence TEXT, id INTEGER,
        PRIMARY KEY ({SENTENCE_KEY})) WITHOUT ROWID
"""
# Each sentence once, numbered on from ``:first`` in key order (``{keys}``: the facts'
# article, field and sentence alone, read without what they state)
NUMBER_SENTENCES = f"""
    INSERT INTO temp.{CHUNK_SENTENCES} ({SENTENCE_KEY}, id)
    SELECT {SENTENCE_KEY}, :first - 1 + row_number() OVER (ORDER BY {SENTENCE_KEY})
    FROM ({{keys}}) GROUP BY {SENTENCE_KEY}
"""
# The facts of some articles, numbered on from the last id (by kind, article, place; at one
# place by sentence, then as the facts' tables give them), each with its sentence's number
INSERT_FACTS = f"""
    INSERT INTO search_facts ({STORED}, sentence_id)
    SELECT {STORED},
           (SELECT s.id FROM temp.{CHUNK_SENTENCES} s WHERE s.article_id = f.article_id
            AND s.evidence_field = f.evidence_field AND s.evidence IS f.evidence) AS sentence_id
    FROM ({{facts}}) f ORDER BY fact, article_id, evidence_start, sentence_id
"""
# The same sentences with the subjects and details of their facts (``search_facts`` holds
# them by then), each once, in order
INSERT_SENTENCES = f"""
    INSERT INTO search_sentences (id, {SENTENCE_KEY}, names)
    SELECT s.id, {SENTENCE_KEY},
           (SELECT group_concat(name, '{SEPARATOR}')
            FROM (SELECT subject AS name FROM search_facts
                  WHERE sentence_id = s.id AND subject IS NOT NULL
                  UNION SELECT detail FROM search_facts
                  WHERE sentence_id = s.id AND detail IS NOT NULL ORDER BY name))
    FROM temp.{CHUNK_SENTENCES} s ORDER BY {SENTENCE_KEY}
"""


def create_tables(db: sqlite_utils.Database) -> None:
    """Empty evidence tables, indexed for going from a sentence to its facts and from an
    article to its sentences (post-processing adds the facet columns' indexes)."""
    db["search_facts"].create({"id": int, **FACT_COLUMNS}, pk="id", replace=True)
    db["search_sentences"].create({"id": int, **SENTENCE_COLUMNS}, pk="id", replace=True)
    db["search_facts"].create_index(["sentence_id"], index_name="ix_search_facts_sentence")
    db["search_sentences"].create_index(["article_id"], index_name="ix_search_sentences_article")


def _next_id(db: sqlite_utils.Database, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM [{table}]").fetchone()[0]


def insert(db: sqlite_utils.Database, where: str = "1") -> int:
    """The facts and sentences of the articles matching ``where`` (a condition on
    ``article_id``), numbered on from the last ids. Returns the first new sentence id.

    Their sentences are numbered first, then looked up by each fact (the facts' query,
    with its joins and meeting participants, runs once)."""
    first = _next_id(db, "search_sentences")
    db.execute(CREATE_CHUNK_SENTENCES)
    db.execute(f"DELETE FROM temp.{CHUNK_SENTENCES}")
    db.execute(NUMBER_SENTENCES.format(keys=sentence_keys_query(where)), {"first": first})
    db.execute(INSERT_FACTS.format(facts=facts_query(where)))
    db.execute(INSERT_SENTENCES)
    return first


def index_new(db: sqlite_utils.Database, first: int) -> None:
    """Put the sentences numbered from ``first`` into their full-text indexes."""
    index_rows(db, "search_sentences", f"id >= {int(first)}", delete=False)


def delete(db: sqlite_utils.Database, where: str) -> None:
    """Take the facts and sentences of the articles matching ``where`` (a condition on
    ``article_id``) out of the tables and their full-text indexes."""
    index_rows(db, "search_sentences", where, delete=True)
    db.execute(f"DELETE FROM search_sentences WHERE {where}")
    db.execute(f"DELETE FROM search_facts WHERE {where}")
