"""Post-processing: ``ensure_db_shape()`` gives a loaded SQLite archive its search and views.

Idempotent and driven by the plain data below (full-text search columns, view SQL), in the
manner of the dogsheep tools. Runs on SQLite only; PostgreSQL users get the tables alone.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

# One tokenizer for all full-text search: Vietnamese words keep their diacritics
# ("năm" ≠ "nam"); text is stored and queried in archive.vietnamese.normalise() form.
FTS_TOKENIZE = "unicode61 remove_diacritics 0"

FTS_TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("title", "body"),
}

VIEWS: dict[str, str] = {
    "evidence": """
        SELECT 'person' AS fact, ap.article_id, p.name AS subject, ap.surface AS detail,
               ap.evidence_start, ap.evidence_end, ap.evidence
        FROM article_persons ap JOIN persons p ON p.id = ap.person_id
        UNION ALL
        SELECT 'post', pp.article_id, p.name, pos.title || COALESCE(' — ' || o.name, ''),
               pp.evidence_start, pp.evidence_end, pp.evidence
        FROM person_positions pp JOIN persons p ON p.id = pp.person_id
        JOIN positions pos ON pos.id = pp.position_id
        LEFT JOIN organisations o ON o.id = pos.organisation_id
        UNION ALL
        SELECT 'organisation', ao.article_id, o.name, ao.surface,
               ao.evidence_start, ao.evidence_end, ao.evidence
        FROM article_organisations ao JOIN organisations o ON o.id = ao.organisation_id
        UNION ALL
        SELECT 'meeting', ms.article_id, mt.kind || COALESCE(' ' || mt.date, ''),
               (SELECT group_concat(p.name, ', ') FROM meeting_participants mp
                JOIN persons p ON p.id = mp.person_id
                WHERE mp.meeting_id = mt.id AND mp.article_id = ms.article_id),
               ms.evidence_start, ms.evidence_end, ms.evidence
        FROM meeting_sources ms JOIN meetings mt ON mt.id = ms.meeting_id
        UNION ALL
        SELECT 'topic', at.article_id, t.slug, t.name_en,
               at.evidence_start, at.evidence_end, at.evidence
        FROM article_topics at JOIN topics t ON t.id = at.topic_id
    """,
}


def ensure_db_shape(path: str | Path) -> None:
    """Create or refresh full-text indexes and views, then ANALYZE."""
    db = sqlite_utils.Database(path)
    for table, columns in FTS_TABLES.items():
        db[table].enable_fts(columns, tokenize=FTS_TOKENIZE, create_triggers=True, replace=True)
        db[table].rebuild_fts()
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    db.analyze()
    db.close()
