"""One search box over the archive (``/-/search?q=``): articles, evidence sentences and
names, typed with or without diacritics and in either tone-mark spelling.

Matches that keep the typed diacritics (after normalisation: ``hoà`` = ``hòa``) come first,
then those found only without diacritics (``ma tuy`` → ``ma túy``). Snippets always show the
original spelling: accent-free hits are located in the folded text and marked in the
original, character for character.
"""

from __future__ import annotations

from markupsafe import Markup

from archive.datasette.cells import highlight
from archive.datasette.functions import MAX_TEXT
from archive.datasette.snippets import MARK_CLOSE, MARK_OPEN, folded_terms, marked_snippet

LIMIT = 50

ARTICLES_EXACT = f"""
SELECT a.id AS article_id, a.title, a.outlet, a.published_date,
       snippet(articles_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24) AS excerpt
FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
WHERE articles_fts MATCH vi_match(:q) ORDER BY rank LIMIT {LIMIT}
"""
ARTICLES_FOLDED = f"""
SELECT a.id AS article_id, a.title, a.outlet, a.published_date, a.body
FROM search_articles_folded_fts
JOIN search_articles_folded f ON f.rowid = search_articles_folded_fts.rowid
JOIN articles a ON a.id = f.article_id
WHERE search_articles_folded_fts MATCH vi_fold_match(:q) ORDER BY rank LIMIT {LIMIT}
"""
FACTS_EXACT = f"""
SELECT f.id, f.fact, f.subject, f.detail, f.article_id, f.evidence_field, f.evidence_start,
       f.evidence_end, f.evidence,
       highlight(search_facts_fts, 2, '{MARK_OPEN}', '{MARK_CLOSE}') AS excerpt
FROM search_facts_fts JOIN search_facts f ON f.rowid = search_facts_fts.rowid
WHERE search_facts_fts MATCH vi_match(:q) ORDER BY rank LIMIT {LIMIT}
"""
FACTS_FOLDED = f"""
SELECT f.id, f.fact, f.subject, f.detail, f.article_id, f.evidence_field, f.evidence_start,
       f.evidence_end, f.evidence
FROM search_facts_folded_fts
JOIN search_facts_folded ff ON ff.rowid = search_facts_folded_fts.rowid
JOIN search_facts f ON f.id = ff.id
WHERE search_facts_folded_fts MATCH vi_fold_match(:q) ORDER BY rank LIMIT {LIMIT}
"""
# People (any spelling: Vietnamese, English/pinyin, other spellings), organisations, topics
NAMES = f"""
SELECT 'persons' AS target, p.id, p.name, p.name_en AS english
FROM persons p
WHERE instr(vi_fold(p.name), vi_fold(:q)) OR instr(vi_fold(COALESCE(p.name_en, '')), vi_fold(:q))
   OR p.id IN (SELECT person_id FROM person_aliases WHERE instr(vi_fold(alias), vi_fold(:q)))
UNION ALL
SELECT 'organisations', o.id, o.name, o.name_en FROM organisations o
WHERE instr(vi_fold(o.name), vi_fold(:q)) OR instr(vi_fold(COALESCE(o.name_en, '')), vi_fold(:q))
UNION ALL
SELECT 'topics', t.id, t.name_en, t.name_vi FROM topics t
WHERE instr(vi_fold(t.name_vi), vi_fold(:q)) OR instr(vi_fold(t.name_en), vi_fold(:q))
LIMIT {LIMIT}
"""


def snippet(hit: dict, text: str, query: str) -> Markup:
    """FTS5's snippet for a match with the typed diacritics; for an accent-free match, the
    words found in ``text`` in their original spelling."""
    return highlight(hit["excerpt"] if hit["exact"] else marked_snippet(text or "", query))


async def search(db, query: str) -> dict:
    """Everything the search page lists for ``query``, exact-diacritic matches first."""
    query = query.strip()[:MAX_TEXT]
    if not folded_terms(query):
        return {"articles": [], "facts": [], "names": []}
    params = {"q": query}
    articles = [dict(r, exact=True) for r in (await db.execute(ARTICLES_EXACT, params)).rows]
    seen = {a["article_id"] for a in articles}
    for row in (await db.execute(ARTICLES_FOLDED, params)).rows:
        if row["article_id"] not in seen:
            articles.append(dict(row, exact=False))
    facts = [dict(r, exact=True) for r in (await db.execute(FACTS_EXACT, params)).rows]
    seen = {f["id"] for f in facts}
    for row in (await db.execute(FACTS_FOLDED, params)).rows:
        if row["id"] not in seen:
            facts.append(dict(row, exact=False))
    for hit in articles:
        hit["snippet"] = snippet(hit, hit.pop("body", ""), query)
    for hit in facts:
        hit["snippet"] = snippet(hit, hit["evidence"], query)
    names = [dict(r) for r in (await db.execute(NAMES, params)).rows]
    return {"articles": articles[:LIMIT], "facts": facts[:LIMIT], "names": names}
