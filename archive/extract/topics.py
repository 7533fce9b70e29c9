"""Cooperation topics: phrases from the bilingual taxonomy in ``archive/data/topics.yml``."""

from __future__ import annotations

import re
from functools import cache

from archive.extract.text import Sentence, phrase_pattern
from archive.facts import TopicMention
from archive.knowledge import load


@cache
def topic_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((slug, phrase_pattern(t["phrases"])) for slug, t in load("topics").items())


def find_topics(body_sentences: list[Sentence]) -> list[TopicMention]:
    """Each topic the body names, with its first naming phrase as evidence."""
    found: dict[str, TopicMention] = {}
    for sentence in body_sentences:
        text = sentence.segment.text
        for slug, pattern in topic_patterns():
            if slug in found:
                continue
            if m := pattern.search(text, sentence.start, sentence.end):
                found[slug] = TopicMention(slug, sentence.span(m.start(), m.end()))
    return sorted(found.values(), key=lambda t: (t.span.start, t.slug))
