"""Article identity: which stored article a file is, where it was imported from, and the
import log of failed files.

An article is its bytes: identical files imported from two places are one article with two
``article_sources``. A source is a path within an import root — the folder given to
``archive import`` (a given file's own folder). A root is recognised by a fingerprint, a
hash of where the folder lies relative to the database's folder (so any spelling of the
path, from any working directory, is the same root, and a copy of the project builds the
same archive); only its own name is shown, never an absolute path. ``load.py`` writes an
article's content and facts; this module decides which article row a file fills.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.orm import Session

from archive import models as m
from archive import statements
from archive.load import PIPELINE_VERSION, collect_orphans, delete_article_rows, store_article
from archive.plan import ArticlePlan
from archive.touched import Touched, collect_orphans_among, mark_stale

# On PostgreSQL, the write transactions of several imports take turns on this advisory lock.
WRITER_LOCK = 0x61726368  # "arch"
ARTICLES = m.Article.__table__
SOURCES = m.ArticleSource.__table__


FileStat = tuple[int, int]  # a file's (size, mtime_ns)


@dataclass(frozen=True)
class Location:
    """Where a file was found: its import root (id and display name) and path within it, and
    the stat to record with its source once stored (None: unknown or too recent to trust)."""

    root_id: int
    root_name: str
    path: str
    stat: FileStat | None = field(default=None, compare=False)

    @property
    def display(self) -> str:
        """How the archive names the file: ``<root name>/<path in the root>``."""
        return f"{self.root_name}/{self.path}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def root_fingerprint(folder: Path, anchor: Path | None) -> str:
    """What recognises the import root ``folder`` (a real path): a hash of its path relative
    to ``anchor`` (the SQLite database's folder), or of its absolute path without one."""
    spelled = os.path.relpath(folder, anchor) if anchor else folder.as_posix()
    return hashlib.sha256(spelled.encode("utf-8", "surrogateescape")).hexdigest()


def register_root(session: Session, fingerprint: str, folder_name: str) -> tuple[int, str]:
    """The root's id and display name, made if new. A root without a fingerprint (made by a
    migration from old paths, or from a published bundle) of the same name is adopted."""
    row = session.scalar(select(m.ImportRoot).where(m.ImportRoot.fingerprint == fingerprint))
    wanted = folder_name or "files"
    if row is None:
        row = session.scalar(
            select(m.ImportRoot).where(
                m.ImportRoot.name == wanted, m.ImportRoot.fingerprint.is_(None)
            )
        )
    if row is None:
        taken = set(session.scalars(select(m.ImportRoot.name)))
        name, number = wanted, 1
        while name in taken:
            number += 1
            name = f"{wanted}~{number}"
        row = m.ImportRoot(name=name)
        session.add(row)
    row.fingerprint = fingerprint
    session.flush()
    return row.id, row.name


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One write transaction. On PostgreSQL several imports may write at once: their write
    transactions take turns (an advisory lock held to the commit), so each decides which
    rows to get or create after seeing what the others committed."""
    with Session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        yield session


def _record_stat(session: Session, location: Location) -> None:
    """The stat of the file whose bytes were just stored at ``location``."""
    size, mtime_ns = location.stat or (None, None)
    cursor = statements.cursor(session)
    where = {"root_id": location.root_id, "path": location.path}
    cursor.execute(
        cursor.sql.update(SOURCES.name, ("size", "mtime_ns"), ("root_id", "path")),
        {"size": size, "mtime_ns": mtime_ns, **where},
    )


class StoredContent(NamedTuple):
    id: int
    pipeline_version: str


class SourceRow(NamedTuple):
    id: int
    article_id: int


def _stored_content(session: Session, sha256: str) -> StoredContent | None:
    """(id, pipeline_version) of the article with these bytes, if stored."""
    found = statements.cursor(session).find(
        ARTICLES.name, StoredContent._fields, {"sha256": sha256}
    )
    return StoredContent(*found) if found is not None else None


def _source_row(session: Session, location: Location) -> SourceRow | None:
    """(id, article_id) of the source at ``location``, if stored."""
    where = {"root_id": location.root_id, "path": location.path}
    found = statements.cursor(session).find(SOURCES.name, SourceRow._fields, where)
    return SourceRow(*found) if found is not None else None


def _display(session: Session, source: m.ArticleSource) -> str:
    return f"{session.get(m.ImportRoot, source.root_id).name}/{source.path}"


def _empty(session: Session, article_id: int, touched: Touched) -> None:
    """Delete the article's facts, noting what they named (orphans, search rows)."""
    touched.note(session, article_id)
    mark_stale(session, article_id)
    delete_article_rows(session, article_id)


def _release(session: Session, article_id: int, touched: Touched) -> bool:
    """After a source left the article: delete it if it has no source left (True), else name
    it after a remaining source."""
    remaining = session.scalar(
        select(m.ArticleSource)
        .where(m.ArticleSource.article_id == article_id)
        .order_by(m.ArticleSource.id)
    )
    if remaining is None:
        _empty(session, article_id, touched)
        session.execute(delete(m.Article).where(m.Article.id == article_id))
        return True
    article = session.get(m.Article, article_id)
    article.source_path = _display(session, remaining)
    session.flush()
    return False


def _point(session: Session, row, location: Location, article_id: int):
    """Make the source ``location`` (``row`` if it exists) belong to ``article_id``, with the
    file's stat."""
    if row is None:
        size, mtime_ns = location.stat or (None, None)
        values = {"root_id": location.root_id, "path": location.path, "article_id": article_id}
        values |= {"size": size, "mtime_ns": mtime_ns}
        cursor = statements.cursor(session)
        cursor.execute(cursor.sql.insert(SOURCES.name, values), values)
    else:
        session.execute(update(SOURCES).where(SOURCES.c.id == row.id).values(article_id=article_id))
        _record_stat(session, location)


@dataclass
class Claim:
    """The article row a file fills (``new``: a row to insert; None: its stored content is
    reused), the outcome, the entities whose support changed (orphans to collect among),
    and the source to point at the article once it is stored."""

    article_id: int | None
    outcome: str
    touched: Touched = field(default_factory=Touched)
    new: bool = False
    source: tuple | None = None  # the source row to point at the article (None: a new one)


def claim_article(session: Session, sha256: str, location: Location) -> Claim:
    """Decide which article the file at ``location`` is, moving its source there.

    Same bytes already stored (this pipeline): that article, nothing to extract. Otherwise
    the row to fill, emptied of its facts: the stored article of these bytes (older
    pipeline), else the source's previous article if no other source shares it, else new."""
    row = _source_row(session, location)
    previous = row.article_id if row is not None else None
    stored = _stored_content(session, sha256)
    touched = Touched()
    if stored is not None and stored.id == previous and stored.pipeline_version == PIPELINE_VERSION:
        _record_stat(session, location)
        return Claim(None, "unchanged")
    if stored is not None:
        _point(session, row, location, stored.id)
        if previous is not None and previous != stored.id:
            _release(session, previous, touched)
        if stored.pipeline_version == PIPELINE_VERSION:
            return Claim(None, "unchanged" if row is None else "updated", touched)
        _empty(session, stored.id, touched)
        return Claim(stored.id, "updated", touched)
    if previous is not None and _only_source(session, previous):
        _empty(session, previous, touched)
        _record_stat(session, location)
        return Claim(previous, "updated", touched)
    if previous is not None:  # the old content stays with its other sources
        session.execute(delete(SOURCES).where(SOURCES.c.id == row.id))
        _release(session, previous, touched)
    outcome = "imported" if previous is None else "updated"
    return Claim(None, outcome, touched, new=True)


def _only_source(session: Session, article_id: int) -> bool:
    sources = session.scalars(
        select(m.ArticleSource.id).where(m.ArticleSource.article_id == article_id).limit(2)
    ).all()
    return len(sources) == 1


def load_article(engine: Engine, plan: ArticlePlan, location: Location) -> str:
    """Store one article and its facts in one transaction; return the outcome."""
    with writing(engine) as session:
        return store_in(session, plan, location)


def store_in(session: Session, plan: ArticlePlan, location: Location) -> str:
    """Store one article and its facts in the session's transaction; return the outcome."""
    claim = claim_article(session, plan.sha256, location)
    if claim.new:
        article_id = store_article(session, None, plan, location.display)
        _point(session, None, location, article_id)
        mark_stale(session, article_id)
    elif claim.article_id is not None:
        store_article(session, claim.article_id, plan)
        mark_stale(session, claim.article_id)
    collect_orphans_among(session, claim.touched)
    return claim.outcome


def store_known(session: Session, sha256: str, location: Location) -> str | None:
    """Point the source at ``location`` to the stored article of these bytes (this pipeline)
    without preparing the file again; return the outcome, or None (nothing done) when no
    such article is stored any more: the file is to be prepared."""
    stored = _stored_content(session, sha256)
    if stored is None or stored.pipeline_version != PIPELINE_VERSION:
        return None
    claim = claim_article(session, sha256, location)
    collect_orphans_among(session, claim.touched)
    return claim.outcome


def remove_vanished(engine: Engine, root: int, present: set[str]) -> int:
    """``--prune``: drop the sources of root ``root`` whose files are not ``present`` (paths in
    the root), and the articles left without a source; return how many articles went."""
    removed = 0
    with writing(engine) as session:
        rows = session.scalars(select(m.ArticleSource).where(m.ArticleSource.root_id == root))
        touched = Touched()
        for row in [r for r in rows if r.path not in present]:
            article_id = row.article_id
            session.delete(row)
            session.flush()
            removed += _release(session, article_id, touched)
        collect_orphans_among(session, touched)
    return removed


def collect_all_orphans(engine: Engine) -> None:
    """Remove every entity no article supports (once per run that changed anything: also
    mends a database an older version or an interrupted run left orphans in)."""
    with writing(engine) as session:
        collect_orphans(session)


def error_row(run_id: int | None, name: str, root: int | None, reason: str) -> m.ImportError_:
    """The import log's row for a file that failed (``name`` as the archive names it)."""
    return m.ImportError_(run_id=run_id, file=name, root_id=root, reason=reason, time=now())
