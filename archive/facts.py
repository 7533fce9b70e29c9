"""Plain dataclasses handed from extraction to resolution to loading.

Spans are character offsets into one text field of the article (``field``: ``body``,
``title`` or ``captions``): ``text[start:end]`` is the mention, and ``sentence`` is the
sentence that holds it (what a reader checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    sentence: str
    field: str = "body"


@dataclass
class PostMention:
    """A post as the text gives it: ``Bộ trưởng`` of ``Bộ Công an Trung Quốc``."""

    title: str
    organisation: str | None
    span: Span


@dataclass
class PersonMention:
    """One person as one article names them (all their mentions folded together)."""

    name: str
    country: str | None
    span: Span
    surface: str
    rank: str | None = None
    posts: list[PostMention] = field(default_factory=list)
    mentions: int = 1
    alt_names: list[str] = field(default_factory=list)


@dataclass
class OrganisationMention:
    name: str
    span: Span
    surface: str


@dataclass
class Participant:
    name: str
    side: str | None
    role: str


@dataclass
class TopicMention:
    slug: str
    span: Span


@dataclass
class MeetingFact:
    kind: str
    span: Span
    participants: list[Participant]
    date: str | None = None
    date_precision: str | None = None
    date_basis: str | None = None
    month_day: str | None = None  # "MM-DD" when nothing in the text supports a year
    place: str | None = None
    parent_index: int | None = None
    topics: list[TopicMention] = field(default_factory=list)


@dataclass
class ArticleFacts:
    persons: list[PersonMention] = field(default_factory=list)
    organisations: list[OrganisationMention] = field(default_factory=list)
    meetings: list[MeetingFact] = field(default_factory=list)
    topics: list[TopicMention] = field(default_factory=list)
    event_date: str | None = None
    event_date_precision: str | None = None


@dataclass(frozen=True)
class PersonRecord:
    """A canonical person, as ``persons`` stores them."""

    name: str
    country: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    wikidata_id: str | None = None


@dataclass(frozen=True)
class OrganisationRecord:
    name: str
    country: str | None = None
    parent: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    wikidata_id: str | None = None


@dataclass
class ResolvedFacts:
    """Facts whose names are canonical, with the entity records they refer to."""

    facts: ArticleFacts
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)
    position_titles_en: dict[str, str] = field(default_factory=dict)
