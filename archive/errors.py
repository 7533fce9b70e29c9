"""Operator errors in one line: a locked, read-only, full, foreign or missing database, or a
path that cannot be used — what happened and what to do, never a traceback."""

from __future__ import annotations

import sqlite3

from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from archive.db import DatabaseBusy, NotAnArchive

OPERATOR_ERRORS = (
    sqlite3.Error,
    SQLAlchemyError,
    OSError,
    CommandError,
    NotAnArchive,
    DatabaseBusy,
)

# What SQLite says (any back end's driver message contains it) → what to tell the operator.
SQLITE_MESSAGES = (
    (
        "database is locked",
        "{db} is locked by another program that is writing to it; "
        "run the command again when it has finished",
    ),
    ("readonly database", "{db} is read-only: the file or its folder cannot be written"),
    (
        "unable to open database file",
        "cannot open {db}: it is a folder, or its folder is missing or read-only",
    ),
    ("database or disk is full", "no space left to write {db}: the disk is full"),
    (
        "disk I/O error",
        "cannot write {db}: the disk refused the write (full, over a size limit or failing)",
    ),
    ("not a database", "{db} is not an SQLite database"),
)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe(error: BaseException, db: str | None = None) -> str:
    """One line for an operator error met while working on the database ``db``."""
    if isinstance(error, NotAnArchive | DatabaseBusy | CommandError):
        return _first_line(str(error))
    detail = _first_line(str(getattr(error, "orig", None) or error))
    for marker, message in SQLITE_MESSAGES:
        if marker in detail:
            return message.format(db=db or "the database")
    if isinstance(error, OSError):
        name = error.filename or db or "a file"
        return f"{name}: {error.strerror or detail}"
    if isinstance(error, SQLAlchemyError) and getattr(error, "orig", None) is not None:
        return f"the database refused the command: {detail}"
    return f"{type(error).__name__}: {detail}"
