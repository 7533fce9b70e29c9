"""One search box over the archive (``/-/search?q=``): articles, evidence sentences and
names, typed with or without diacritics and in either tone-mark spelling.

Matches that keep the typed diacritics (after normalisation: ``hoà`` = ``hòa``) come first,
then those found only without diacritics (``ma tuy`` → ``ma túy``). Snippets always show the
original spelling: accent-free hits are located in the folded text and marked in the
original, character for character.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from archive.datasette.cells import MARK_CLOSE, MARK_OPEN, highlight
from archive.datasette.functions import MAX_TEXT
from archive.vietnamese import fold

LIMIT = 50
SNIPPET_CHARS = 240

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


def folded_terms(query: str) -> list[str]:
    return re.findall(r"\w+", fold(query))


def folded_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index of the original character
    it came from (folding may change the length: ``ß``, decomposed letters)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, list(range(len(text)))
    pieces, origin = [], []
    for index, char in enumerate(text):
        piece = fold(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


def original_snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> Markup:
    """A window of ``text`` around the first accent-free match of ``query``'s words, in the
    original spelling, every matching word in <mark>."""
    terms = folded_terms(query)
    if not text or not terms:
        return escape(text[:width])
    folded, origin = folded_positions(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b")
    matches = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    if not matches:
        return escape(text[:width])
    start = max(0, matches[0][0] - width // 3)
    end = min(len(text), start + width)
    first_space = text.find(" ", start, matches[0][0])
    if start > 0 and first_space >= 0:  # begin and end on word boundaries
        start = first_space + 1
    last_space = text.rfind(" ", matches[0][1], end)
    if end < len(text) and last_space >= 0:
        end = last_space
    pieces, cursor = [], start
    for left, right in matches:
        if left < cursor or right > end:
            continue
        pieces += [escape(text[cursor:left]), Markup("<mark>{}</mark>").format(text[left:right])]
        cursor = right
    pieces.append(escape(text[cursor:end]))
    return Markup("").join(
        [Markup("…") if start else Markup(""), *pieces, Markup("…") if end < len(text) else ""]
    )


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
        hit["snippet"] = (
            highlight(hit["excerpt"]) if hit["exact"] else original_snippet(hit.pop("body"), query)
        )
    for hit in facts:
        hit["snippet"] = (
            highlight(hit["excerpt"]) if hit["exact"] else original_snippet(hit["evidence"], query)
        )
    names = [dict(r) for r in (await db.execute(NAMES, params)).rows]
    return {"articles": articles[:LIMIT], "facts": facts[:LIMIT], "names": names}
