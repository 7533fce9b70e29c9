"""The import's one writer: articles stored in batches, a transaction per batch.

A batch is committed every ``BATCH_ARTICLES`` articles or ``BATCH_SECONDS`` seconds,
whichever comes first, so an import killed at any moment leaves whole articles (a batch is
stored entirely or not at all) and the next run stores the rest. The log of failed files
goes into the same transaction (SQLite has one writer: a second connection would wait for
this one). A batch the database refuses an article of is rolled back, its earlier articles
stored again, and only the refused article fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from archive import entities
from archive.plan import ArticlePlan
from archive.sources import Location, error_row, store_in, store_known, writing

BATCH_ARTICLES = 200
BATCH_SECONDS = 2.0
MAP_ENTRIES = 30_000


class Refused(Exception):
    """The database refused an article's rows (rolled back: nothing of it was stored)."""


class _Rollback(Exception):
    """Thrown into the batch's transaction to roll it back."""


class BatchWriter:
    """Store articles and error rows; ``close()`` commits what is pending. ``counts`` (outcome
    → files) counts what each commit stored, so a run stopped by an error reports only what
    it kept."""

    def __init__(self, engine: Engine, counts: dict[str, int]):
        self.engine, self.counts = engine, counts
        self.outcomes: list[str] = []
        self.session: Session | None = None
        self.context = None
        self.done: list[Callable[[Session], object]] = []
        self.started = 0.0
        # SQLite has one writer (the import lock): what it learnt of the entity tables stays
        # true between its batches, kept up to MAP_ENTRIES entities (memory does not grow
        # with the archive). On PostgreSQL other imports write in between: each batch asks.
        self.maps = entities.EntityMaps() if engine.dialect.name == "sqlite" else None

    def store(self, plan: ArticlePlan, location: Location) -> str:
        """Store one article; return its outcome, or raise Refused."""

        def step(session: Session) -> str:
            return store_in(session, plan, location)

        outcome = self._run(step)
        self._count(outcome)
        return outcome

    def store_known(self, sha256: str, location) -> str | None:
        """Store a file whose bytes are a stored article's (``sources.store_known``); return
        its outcome, or None (nothing stored) if that article is not stored any more."""
        outcome = self._run(lambda session: store_known(session, sha256, location))
        if outcome is not None:
            self._count(outcome)
        return outcome

    def log_error(self, run_id: int | None, name: str, root: int | None, reason: str) -> None:
        """Log a failed file (counted as failed once committed)."""
        self._run(lambda session: session.add(error_row(run_id, name, root, reason)))
        self._count("failed")

    def _count(self, outcome: str) -> None:
        self.outcomes.append(outcome)
        if len(self.done) >= BATCH_ARTICLES or time.monotonic() - self.started > BATCH_SECONDS:
            self.commit()

    def _run(self, step: Callable[[Session], object]):
        session = self._open()
        try:
            result = step(session)
            session.flush()
        except (IntegrityError, DataError) as error:
            self._redo_without_it()
            raise Refused(f"the database refused its rows ({error.orig})") from error
        self.done.append(step)
        return result

    def _open(self) -> Session:
        if self.session is None:
            self.context = writing(self.engine)
            self.session = self.context.__enter__()
            if self.maps is not None:
                entities.attach(self.session, self.maps)
            self.started = time.monotonic()
        return self.session

    def _redo_without_it(self) -> None:
        """Roll the batch back and store again what it held before the refused article."""
        outcomes, steps = self.outcomes, self.done
        self.abandon()
        self.outcomes, self.done = outcomes, []
        if steps:
            session = self._open()
            for step in steps:
                step(session)
            self.done = steps

    def commit(self) -> None:
        if self.session is not None:
            context, self.session, self.context, self.done = self.context, None, None, []
            context.__exit__(None, None, None)
        if self.maps is not None and self.maps.size() > MAP_ENTRIES:
            self.maps.reset()
        for outcome in self.outcomes:
            self.counts[outcome] += 1
        self.outcomes = []

    def close(self) -> None:
        """Commit what is pending (an exception from it propagates)."""
        self.commit()

    def abandon(self) -> None:
        """Roll back what is pending (the run stopped on an error)."""
        self.outcomes = []
        if self.session is not None:
            context, self.session, self.context, self.done = self.context, None, None, []
            context.__exit__(_Rollback, _Rollback(), None)
