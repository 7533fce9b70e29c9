"""Article identity: which stored article a file is, and the import log of failed files.

``load.py`` writes an article's content and facts; this module decides which article row
a file fills (new, replaced or unchanged), removes the articles of vanished files
(``--prune``) and records the files that failed.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from archive import models as m
from archive.facts import ResolvedFacts
from archive.load import PIPELINE_VERSION, collect_orphans, delete_article_rows, store_article
from archive.parse import ParsedArticle
from archive.read import SourceText


def source_key(path: str | Path) -> str:
    """How ``articles.source_path`` names a file: relative to the working directory if inside."""
    absolute = Path(os.path.abspath(path))  # the name as given: never follow (looping) links
    relative = os.path.relpath(absolute)
    return Path(relative).as_posix() if not relative.startswith("..") else absolute.as_posix()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_unchanged(engine: Engine, source: SourceText) -> bool:
    """Whether this file, byte for byte, was already imported by this pipeline version."""
    with Session(engine) as session:
        stored = session.execute(
            select(m.Article.sha256, m.Article.pipeline_version).where(
                m.Article.source_path == source_key(source.path)
            )
        ).first()
    return stored is not None and tuple(stored) == (source.sha256, PIPELINE_VERSION)


def claim_article(session: Session, source: SourceText) -> tuple[m.Article | None, str]:
    """The article row this file fills, emptied of its old facts, and the outcome;
    ``(None, "unchanged")`` when the stored article already is this file."""
    key = source_key(source.path)
    article = session.scalar(select(m.Article).where(m.Article.source_path == key))
    if article is None:
        article = m.Article(source_path=key)
        session.add(article)
        return article, "imported"
    if (article.sha256, article.pipeline_version) == (source.sha256, PIPELINE_VERSION):
        return None, "unchanged"
    delete_article_rows(session, article.id)
    return article, "updated"


def load_article(
    engine: Engine, source: SourceText, parsed: ParsedArticle, resolved: ResolvedFacts
) -> str:
    """Store one article and its facts in one transaction; return the outcome."""
    with Session(engine) as session, session.begin():
        article, outcome = claim_article(session, source)
        if article is None:
            return outcome
        store_article(session, article, source, parsed, resolved)
        collect_orphans(session)
    return outcome


def remove_articles(engine: Engine, keep: set[str], under: list[str]) -> int:
    """Delete articles whose files under ``under`` are gone (``--prune``); return how many."""
    removed = 0
    with Session(engine) as session, session.begin():
        for article in session.scalars(select(m.Article)):
            inside = any(article.source_path.startswith(prefix) for prefix in under)
            if inside and article.source_path not in keep:
                delete_article_rows(session, article.id)
                session.delete(article)
                removed += 1
        session.flush()
        collect_orphans(session)
    return removed


def record_error(engine: Engine, run_id: int | None, path: str, reason: str) -> None:
    with Session(engine) as session, session.begin():
        session.add(m.ImportError_(run_id=run_id, file=source_key(path), reason=reason, time=now()))
