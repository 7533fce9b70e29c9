"""The archive's schema: SQLAlchemy 2.0 typed models on one declarative base.

Tables are created only by the Alembic migrations in ``migrations/``; ``alembic check``
keeps these models and the migrations in step. Every extracted fact carries its evidence:
the article it came from and a character span ``[start, end)`` of ``articles.body``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PRECISIONS = "'year', 'month', 'day'"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _article_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class EvidenceMixin:
    """Where a fact was read: ``articles.<evidence_field>[evidence_start:evidence_end]``.

    ``evidence_field`` is ``body``, ``title`` or ``captions``; ``evidence`` is the sentence.
    """

    evidence_field: Mapped[str] = mapped_column(String(10), server_default="body")
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(f"date_precision IN ({PRECISIONS})", name="date_precision"),
        # an import's lookup of known content reads this index, not the articles' wide rows
        Index("ix_articles_pipeline_version_sha256", "pipeline_version", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # one of the article's sources (article_sources), as "<root name>/<path in the root>"
    source_path: Mapped[str] = mapped_column(String(1024), unique=True)
    # an article is its bytes: identical files imported from two places are one article
    sha256: Mapped[str] = mapped_column(String(64), index=True, unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    published_date: Mapped[str | None] = mapped_column(String(10))
    date_precision: Mapped[str | None] = mapped_column(String(5))
    date_source: Mapped[str | None] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    captions: Mapped[str | None] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(40))
    encoding: Mapped[str] = mapped_column(String(40))
    repairs: Mapped[str | None] = mapped_column(Text)
    pipeline_version: Mapped[str] = mapped_column(String(20))


class ArticleCredit(Base, EvidenceMixin):
    """Photo credits, bylines and agency lines: names that are not people in the story."""

    __tablename__ = "article_credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = _article_fk()
    kind: Mapped[str] = mapped_column(String(20))
    credit: Mapped[str] = mapped_column(Text)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    name_en: Mapped[str | None] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300))
    wikidata_id: Mapped[str | None] = mapped_column(String(20))


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    wikidata_id: Mapped[str | None] = mapped_column(String(20))


class Position(Base):
    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("title", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    title_en: Mapped[str | None] = mapped_column(String(300))


class PersonPosition(Base, EvidenceMixin):
    """A post (and rank) as one article attests it, at the date the article speaks of."""

    __tablename__ = "person_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    article_id: Mapped[int] = _article_fk()
    rank: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[str | None] = mapped_column(String(10))
    date_precision: Mapped[str | None] = mapped_column(String(5))


class ArticlePerson(Base, EvidenceMixin):
    """A person named in an article (first mention as evidence)."""

    __tablename__ = "article_persons"
    __table_args__ = (UniqueConstraint("article_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = _article_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    surface: Mapped[str] = mapped_column(String(300))
    rank: Mapped[str | None] = mapped_column(String(100))
    mentions: Mapped[int] = mapped_column(Integer, default=1)


class ArticleOrganisation(Base, EvidenceMixin):
    __tablename__ = "article_organisations"
    __table_args__ = (UniqueConstraint("article_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = _article_fk()
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    surface: Mapped[str] = mapped_column(String(300))


class Meeting(Base):
    """A real-world encounter; ``key`` merges the same meeting reported by several articles."""

    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint(f"date_precision IN ({PRECISIONS})", name="date_precision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    date_precision: Mapped[str | None] = mapped_column(String(5))
    # "MM-DD" when the text gives the day and month but nothing supports a year
    month_day: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )


class MeetingSource(Base, EvidenceMixin):
    __tablename__ = "meeting_sources"
    __table_args__ = (UniqueConstraint("meeting_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = _article_fk()
    # how the date was read, e.g. "narrative_date, year: same_date_elsewhere"
    date_basis: Mapped[str | None] = mapped_column(String(100))


class MeetingParticipant(Base, EvidenceMixin):
    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    article_id: Mapped[int] = _article_fk()
    side: Mapped[str | None] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(30))


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class ArticleTopic(Base, EvidenceMixin):
    __tablename__ = "article_topics"
    __table_args__ = (UniqueConstraint("article_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = _article_fk()
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)


class MeetingTopic(Base, EvidenceMixin):
    """A subject the sentences about THIS encounter support (not every topic of the article)."""

    __tablename__ = "meeting_topics"
    __table_args__ = (UniqueConstraint("meeting_id", "topic_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    article_id: Mapped[int] = _article_fk()


class PersonAlias(Base, EvidenceMixin):
    """Another spelling of a person in one article (pinyin, a variant transliteration)."""

    __tablename__ = "person_aliases"
    __table_args__ = (UniqueConstraint("person_id", "alias", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)
    article_id: Mapped[int] = _article_fk()


class ImportRoot(Base):
    """A folder articles were imported from, by its display name (its own name, made unique)
    and a fingerprint recognising it: a hash of where it lies relative to the database's
    folder (of its absolute path for server databases). Never an absolute path. Published
    bundles and migrated databases have no fingerprint: the next import of a folder of the
    same name adopts the root."""

    __tablename__ = "import_roots"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True)


class ArticleSource(Base):
    """A file an article was imported from: its path within an import root, and the file's
    size and modification time (ns) when its bytes were last read (NULL: unknown, or too
    recent to trust), by which a re-import recognises it unchanged without reading it."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("root_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = _article_fk()
    root_id: Mapped[int] = mapped_column(ForeignKey("import_roots.id"), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int | None] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    sources: Mapped[str] = mapped_column(Text)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class ImportError_(Base):
    __tablename__ = "import_errors"
    __table_args__ = (Index("ix_import_errors_file", "file"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_runs.id", ondelete="SET NULL"), index=True
    )
    file: Mapped[str] = mapped_column(String(1024))
    root_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    time: Mapped[str] = mapped_column(String(32))
