"""Cooperation topics: phrases from the bilingual taxonomy in ``archive/data/topics.yml``."""

from __future__ import annotations

import bisect
import re
from functools import cache

from archive.extract.text import Sentence, matches_at, phrase_alternation, phrase_pattern
from archive.facts import TopicMention
from archive.knowledge import load
from archive.vietnamese import normalise


@cache
def topic_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((slug, phrase_pattern(t["phrases"])) for slug, t in load("topics").items())


@cache
def topics_pattern() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Every topic's phrases in one pattern over lower-case text (one pass, tried only where
    a word starts), a group per topic."""
    topics = load("topics")
    slugs = tuple(topics)
    groups = []
    for index, slug in enumerate(slugs):
        forms = sorted({normalise(p).lower() for p in topics[slug]["phrases"]}, key=len)
        groups.append(f"(?P<t{index}>{'|'.join(re.escape(f) for f in reversed(forms))})")
    return re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)"), slugs


@cache
def topic_starts() -> re.Pattern[str]:
    """Where any topic's phrase begins (an empty match there, all phrases as one trie):
    :func:`topics_pattern` is then tried only at those places."""
    phrases = [p for topic in load("topics").values() for p in topic["phrases"]]
    return re.compile(rf"(?<!\w)(?=(?:{phrase_alternation(phrases)})(?!\w))")


def topic_mentions(body_sentences: list[Sentence]) -> list[TopicMention]:
    """Every sentence's topics, each with the first phrase that names it there (all topics'
    phrases are searched in one pass over the body)."""
    if not body_sentences:
        return []
    text = body_sentences[0].segment.text
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer: keep the offsets
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    starts = [s.start for s in body_sentences]
    found: dict[tuple[str, int], TopicMention] = {}
    pattern, slugs = topics_pattern()
    phrase_starts = [m.start() for m in topic_starts().finditer(lower)]
    for m in matches_at(pattern, lower, phrase_starts, len(lower)):
        slug = slugs[int(m.lastgroup[1:])]
        index = bisect.bisect_right(starts, m.start()) - 1
        sentence = body_sentences[index] if index >= 0 else None
        if sentence and m.end() <= sentence.end and (slug, index) not in found:
            found[(slug, index)] = TopicMention(slug, sentence.span(m.start(), m.end()))
    return sorted(found.values(), key=lambda t: (t.span.start, t.slug))


def find_topics(mentions: list[TopicMention]) -> list[TopicMention]:
    """Each topic the body names, with its first naming phrase as evidence."""
    first: dict[str, TopicMention] = {}
    for mention in mentions:
        first.setdefault(mention.slug, mention)
    return sorted(first.values(), key=lambda t: (t.span.start, t.slug))
