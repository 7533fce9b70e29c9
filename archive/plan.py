"""What the load stage stores of one article, as plain values: the last pure stage.

The workers make it from the read, parsed and resolved article (:func:`plan_article`) and
send it to the writer's process: a few tuples, dicts and strings unpickle several times
faster than the tree of dataclasses the earlier stages build, and the writer reads each
value once, where it is needed (``archive/load.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from archive.facts import PersonRecord, ResolvedFacts, Span
from archive.parse import ParsedArticle
from archive.read import SourceText

PERSON_COLUMNS = ("country", "name_en", "name_zh", "wikidata_id")
ORGANISATION_COLUMNS = ("country", "name_en", "name_zh", "wikidata_id")

Evidence = tuple[str, int, int, str]  # evidence_field, evidence_start, evidence_end, evidence


class ArticlePlan(NamedTuple):
    """One article to store; the tuples' members are named in the comments, in order."""

    sha256: str
    fields: dict[str, Any]  # the article's columns (but its pipeline version)
    credits: list[tuple]  # kind, text
    # name, columns to fill (dict), surface, rank, mentions, evidence, aliases,
    # posts: (title, organisation name or None, English title or None, evidence)
    persons: list[tuple]
    organisations: dict[str, tuple[dict, str | None]]  # name → columns to fill, parent's name
    mentions: list[tuple]  # the organisations the text names: name, surface, evidence
    topics: list[tuple]  # slug, evidence
    # columns of a new meeting (dict: kind, date, date_precision, month_day, place),
    # parent_index, date_basis, evidence, participants (name, side, role), topics (slug,
    # evidence: the last mention of each, first mentioned first)
    meetings: list[tuple]
    event_date: str | None
    event_date_precision: str | None


def _evidence_of() -> Callable[[Span], Evidence]:
    """A span's evidence, its sentence one object for all the spans of the same sentence
    (an article's spans hold three or four copies of each: pickled once this way)."""
    sentences: dict[str, str] = {}

    def evidence(span: Span) -> Evidence:
        sentence = sentences.setdefault(span.sentence, span.sentence)
        return (span.field, span.start, span.end, sentence)

    return evidence


def _filled(record, columns: tuple[str, ...]) -> dict[str, Any]:
    """The columns ``record`` knows (the ones an import fills in)."""
    return {c: value for c in columns if (value := getattr(record, c))}


def _article_fields(source: SourceText, parsed: ParsedArticle) -> dict[str, Any]:
    return {
        "sha256": source.sha256,
        "url": parsed.url,
        "outlet": parsed.outlet,
        "title": parsed.title,
        "published_date": parsed.published_date,
        "date_precision": parsed.date_precision,
        "date_source": parsed.date_source,
        "agency": parsed.agency,
        "body": parsed.body,
        "captions": parsed.captions,
        "raw_text": source.raw,
        "format": parsed.format,
        "encoding": source.encoding,
        "repairs": "; ".join(source.repairs) or None,
    }


def _persons(resolved: ResolvedFacts, evidence: Callable[[Span], Evidence]) -> list[tuple]:
    titles_en = resolved.position_titles_en
    return [
        (
            person.name,
            _filled(resolved.persons.get(person.name) or PersonRecord(person.name), PERSON_COLUMNS),
            person.surface,
            person.rank,
            person.mentions,
            evidence(person.span),
            tuple(person.alt_names),
            tuple(
                (post.title, post.organisation, titles_en.get(post.title), evidence(post.span))
                for post in person.posts
            ),
        )
        for person in resolved.facts.persons
    ]


def _meetings(resolved: ResolvedFacts, evidence: Callable[[Span], Evidence]) -> list[tuple]:
    return [
        (
            {
                "kind": fact.kind,
                "date": fact.date,
                "date_precision": fact.date_precision,
                "month_day": fact.month_day,
                "place": fact.place,
            },
            fact.parent_index,
            fact.date_basis,
            evidence(fact.span),
            tuple((p.name, p.side, p.role) for p in fact.participants),
            tuple(
                (topic.slug, evidence(topic.span))
                for topic in {t.slug: t for t in reversed(fact.topics)}.values()
            ),
        )
        for fact in resolved.facts.meetings
    ]


def plan_article(source: SourceText, parsed: ParsedArticle, resolved: ResolvedFacts) -> ArticlePlan:
    """What to store of the article read as ``source``, parsed and resolved."""
    facts, evidence = resolved.facts, _evidence_of()
    return ArticlePlan(
        sha256=source.sha256,
        fields=_article_fields(source, parsed),
        credits=[(credit.kind, credit.text) for credit in parsed.credits],
        persons=_persons(resolved, evidence),
        organisations={
            name: (_filled(record, ORGANISATION_COLUMNS), record.parent)
            for name, record in resolved.organisations.items()
        },
        mentions=[(org.name, org.surface, evidence(org.span)) for org in facts.organisations],
        topics=[(topic.slug, evidence(topic.span)) for topic in facts.topics],
        meetings=_meetings(resolved, evidence),
        event_date=facts.event_date,
        event_date_precision=facts.event_date_precision,
    )
