"""Extract stage: a parsed article → people, posts, organisations, meetings, topics, dates.

Facts come from the body, the title and the photo captions (three fields of the article);
every fact keeps the span of the field it was read from.
"""

from __future__ import annotations

from archive.extract import lexicon
from archive.extract.dates import YearContext, find_dates
from archive.extract.meetings import find_meetings
from archive.extract.organisations import find_organisations
from archive.extract.persons import find_people
from archive.extract.text import Segment, sentences
from archive.extract.topics import find_topics, topic_mentions
from archive.facts import ArticleFacts
from archive.parse import ParsedArticle


def segments(article: ParsedArticle) -> list[Segment]:
    fields = (("body", article.body), ("title", article.title), ("captions", article.captions))
    return [Segment(name, text) for name, text in fields if text]


def extract_facts(article: ParsedArticle) -> ArticleFacts:
    """Every fact the article supports, each with its span."""
    with lexicon.switch_read_once():
        return _extract_facts(article)


def _extract_facts(article: ParsedArticle) -> ArticleFacts:
    all_sentences = [s for segment in segments(article) for s in sentences(segment)]
    body_sentences = [s for s in all_sentences if s.segment.field == "body"]
    people = find_people(all_sentences)
    texts = [article.title or "", article.body]
    context = YearContext.of(article.published_date, article.date_source, texts)
    mentions = topic_mentions(body_sentences)
    facts = ArticleFacts(
        persons=list(people.mentions.values()),
        organisations=find_organisations(all_sentences),
        topics=find_topics(mentions),
    )
    facts.meetings = find_meetings(body_sentences, people, context, mentions)
    lead = find_dates(article.body)
    if lead:
        date = context.complete(lead[0]).date
        if date:
            facts.event_date, facts.event_date_precision = date.iso, date.precision
    return facts
