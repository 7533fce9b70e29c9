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
from archive.views import FACT_NAMES, facts_query

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
# The facts of some articles, numbered on from the last id (by kind, article, place); each
# with the number of its sentence, numbered on from ``:first``.
INSERT_FACTS = f"""
    INSERT INTO search_facts ({STORED}, sentence_id)
    SELECT {STORED}, :first - 1 + dense_rank() OVER (ORDER BY {SENTENCE_KEY})
    FROM ({{facts}}) ORDER BY fact, article_id, evidence_start
"""
# The sentences of the same facts, numbered the same way, with their facts' subjects and
# details (``search_facts`` holds them by then)
INSERT_SENTENCES = f"""
    INSERT INTO search_sentences (id, {SENTENCE_KEY}, names)
    SELECT s.id, s.article_id, s.evidence_field, s.evidence, n.names
    FROM (SELECT :first - 1 + row_number() OVER (ORDER BY {SENTENCE_KEY}) AS id, {SENTENCE_KEY}
          FROM ({{facts}}) GROUP BY {SENTENCE_KEY}) s
    LEFT JOIN (SELECT sentence_id, group_concat(name, '{SEPARATOR}') AS names
               FROM (SELECT sentence_id, subject AS name FROM search_facts
                     WHERE sentence_id >= :first AND subject IS NOT NULL
                     UNION SELECT sentence_id, detail FROM search_facts
                     WHERE sentence_id >= :first AND detail IS NOT NULL
                     ORDER BY sentence_id, name)
               GROUP BY sentence_id) n ON n.sentence_id = s.id
    ORDER BY s.id
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
    ``article_id``), numbered on from the last ids. Returns the first new sentence id."""
    first, facts = _next_id(db, "search_sentences"), facts_query(where)
    db.execute(INSERT_FACTS.format(facts=facts), {"first": first})
    db.execute(INSERT_SENTENCES.format(facts=facts), {"first": first})
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
