"""One search box over the archive (``/-/search?q=``): articles, evidence sentences and
names, typed with or without diacritics and in either tone-mark spelling.

Matches that keep the typed diacritics (after normalisation: ``hoà`` = ``hòa``) come first,
then those found only without diacritics (``ma tuy`` → ``ma túy``). Snippets always show the
original spelling: accent-free hits are located in the folded text and marked in the
original, character for character. A search ranks (bm25) at most ``RANKED`` matches of
each index, the most recently stored, so its cost does not grow with the archive.
"""

from __future__ import annotations

import asyncio

from markupsafe import Markup

from archive.datasette.cells import highlight
from archive.datasette.functions import MAX_TEXT
from archive.datasette.snippets import MARK_CLOSE, MARK_OPEN, folded_terms, marked_snippet

LIMIT = 50
# A search ranks at most this many matches, the most recently stored: FTS5 computes bm25
# for every match it ranks, so ranking all of them would cost in proportion to the archive.
RANKED = 2000


def best(index: str, match: str) -> str:
    """The ``LIMIT`` best of at most ``RANKED`` matches of ``index`` (rowid, rank)."""
    return (
        f"SELECT rowid, rank FROM (SELECT rowid, rank FROM {index} WHERE {index} MATCH {match} "
        f"ORDER BY rowid DESC LIMIT {RANKED}) ORDER BY rank LIMIT {LIMIT}"
    )


ARTICLES_EXACT = f"""
WITH hit AS ({best("articles_fts", "vi_match(:q)")})
SELECT a.id AS article_id, a.title, a.outlet, a.published_date,
       snippet(articles_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) AS excerpt
FROM hit JOIN articles_fts ON articles_fts.rowid = hit.rowid JOIN articles a ON a.rowid = hit.rowid
WHERE articles_fts MATCH vi_match(:q) ORDER BY hit.rank
"""
ARTICLES_FOLDED = f"""
WITH hit AS ({best("search_articles_folded_fts", "vi_fold_match(:q)")})
SELECT a.id AS article_id, a.title, a.outlet, a.published_date, a.body
FROM hit JOIN articles a ON a.id = hit.rowid
ORDER BY hit.rank
"""
# Facts are found by their sentence (archive/evidence.py): its words, or a subject or
# detail of one of its facts; each sentence's facts in the order stored
FACTS_EXACT = f"""
WITH hit AS ({best("search_sentences_fts", "vi_match(:q)")})
SELECT f.id, f.fact, f.subject, f.detail, f.article_id, f.evidence_field, f.evidence_start,
       f.evidence_end, search_sentences_fts.evidence,
       highlight(search_sentences_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}') AS excerpt
FROM hit JOIN search_sentences_fts ON search_sentences_fts.rowid = hit.rowid
JOIN search_facts f ON f.sentence_id = hit.rowid
WHERE search_sentences_fts MATCH vi_match(:q) ORDER BY hit.rank, f.id LIMIT {LIMIT}
"""
FACTS_FOLDED = f"""
WITH hit AS ({best("search_sentences_folded_fts", "vi_fold_match(:q)")})
SELECT f.id, f.fact, f.subject, f.detail, f.article_id, f.evidence_field, f.evidence_start,
       f.evidence_end, s.evidence
FROM hit JOIN search_sentences s ON s.id = hit.rowid JOIN search_facts f ON f.sentence_id = s.id
ORDER BY hit.rank, f.id LIMIT {LIMIT}
"""
# People (any spelling: Vietnamese, English/pinyin, other spellings), organisations, topics
# (archive/names.py), in that order
NAMES = f"""
SELECT target, id, name, english FROM search_names WHERE instr(spelling, vi_fold(:q))
GROUP BY kind, id ORDER BY kind, id LIMIT {LIMIT}
"""


def snippet(hit: dict, text: str, query: str) -> Markup:
    """FTS5's snippet for a match with the typed diacritics; for an accent-free match, the
    words found in ``text`` in their original spelling."""
    return highlight(hit["excerpt"] if hit["exact"] else marked_snippet(text or "", query))


def exact_first(exact: list, folded: list, key: str) -> list[dict]:
    """The exact-diacritic hits, then the accent-free hits not among them."""
    hits = [dict(row, exact=True) for row in exact]
    seen = {hit[key] for hit in hits}
    return hits + [dict(row, exact=False) for row in folded if row[key] not in seen]


async def search(db, query: str) -> dict:
    """Everything the search page lists for ``query``, exact-diacritic matches first (the
    five queries run at once, on Datasette's query threads)."""
    query = query.strip()[:MAX_TEXT]
    if not folded_terms(query):
        return {"articles": [], "facts": [], "names": []}
    params = {"q": query}
    queries = (ARTICLES_EXACT, ARTICLES_FOLDED, FACTS_EXACT, FACTS_FOLDED, NAMES)
    found = await asyncio.gather(*(db.execute(sql, params) for sql in queries))
    articles_exact, articles_folded, facts_exact, facts_folded, names = (f.rows for f in found)
    articles = exact_first(articles_exact, articles_folded, "article_id")
    facts = exact_first(facts_exact, facts_folded, "id")
    for hit in articles:
        hit["snippet"] = snippet(hit, hit.pop("body", ""), query)
    for hit in facts:
        hit["snippet"] = snippet(hit, hit["evidence"], query)
    return {
        "articles": articles[:LIMIT],
        "facts": facts[:LIMIT],
        "names": [dict(row) for row in names],
    }
