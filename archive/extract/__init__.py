"""Extract stage: a parsed article → people, posts, organisations, meetings, topics, dates."""

from __future__ import annotations

from archive.facts import ArticleFacts
from archive.parse import ParsedArticle


def extract_facts(article: ParsedArticle) -> ArticleFacts:
    """Every fact the article's body supports, each with its span."""
    return ArticleFacts()
