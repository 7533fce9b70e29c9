"""The writer's frequent statements as plain SQL on the database driver's own cursor.

An import runs about fifteen statements an article and one more per new name; through
SQLAlchemy's execution each costs 25–50 µs of Python (compiling or finding the compiled
form, building the result), on the driver's cursor about 2 µs. The SQL is built here once
per table, columns and dialect (named parameters: ``:name`` for SQLite, ``%(name)s`` for
psycopg), in the session's transaction; an error the driver raises is raised as
SQLAlchemy's (``IntegrityError``, ``DataError`` …), as if SQLAlchemy had run the statement.
The ORM and SQLAlchemy's own statements keep working in the same session, interleaved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

SESSION_KEY = "driver_cursor"


class Cursor:
    """The driver's cursor of a session's connection (see the module docstring)."""

    def __init__(self, session: Session):
        connection = session.connection()
        self.dialect = connection.dialect
        self.cursor = connection.connection.dbapi_connection.cursor()
        self.base_error = self.dialect.loaded_dbapi.Error
        self.sql = sql_for(self.dialect)

    def execute(self, sql: str, params: dict[str, Any] | None = None):
        """Run one statement; the cursor (to fetch from)."""
        try:
            self.cursor.execute(sql, params or {})
        except self.base_error as error:
            raise self._wrapped(sql, params, error) from error
        return self.cursor

    def executemany(self, sql: str, rows: Sequence[dict[str, Any] | tuple]) -> None:
        try:
            self.cursor.executemany(sql, rows)
        except self.base_error as error:
            raise self._wrapped(sql, rows, error) from error

    def first(self, sql: str, params: dict[str, Any] | None = None) -> tuple | None:
        """The first row of the result (read to its end: SQLite's statement is then done)."""
        rows = self.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def find(self, table: str, columns: Sequence[str], where: dict[str, Any]) -> tuple | None:
        """The first row of ``columns`` of ``table`` whose columns equal ``where``'s values."""
        return self.first(self.sql.select(table, columns, tuple(where)), where)

    def _wrapped(self, sql: str, params, error: Exception) -> DBAPIError:
        return DBAPIError.instance(sql, params, error, self.base_error, dialect=self.dialect)


def cursor(session: Session) -> Cursor:
    """The driver's cursor of ``session`` (one per session: a session keeps its connection
    for its transaction)."""
    found = session.info.get(SESSION_KEY)
    if found is None:
        found = session.info[SESSION_KEY] = Cursor(session)
    return found


class SQL:
    """Statements for one dialect, each built once (tables and columns are names from the
    models; values are always parameters)."""

    def __init__(self, dialect):
        self.marker = ":{}" if dialect.name == "sqlite" else "%({})s"
        self.positional = "?" if dialect.name == "sqlite" else "%s"
        self.quote = dialect.identifier_preparer.quote
        self.built: dict[tuple, str] = {}

    def _once(self, key: tuple, build) -> str:
        text = self.built.get(key)
        if text is None:
            text = self.built[key] = build()
        return text

    def _param(self, name: str) -> str:
        return self.marker.format(name)

    def insert(
        self, table: str, columns: Iterable[str], returning: bool = False, ignore: bool = False
    ) -> str:
        """INSERT of ``columns`` (parameters of the same names); ``returning``: RETURNING id;
        ``ignore``: nothing on a unique conflict (then no row is returned)."""
        columns = tuple(columns)

        def build() -> str:
            names = ", ".join(self.quote(c) for c in columns)
            values = ", ".join(self._param(c) for c in columns)
            text = f"INSERT INTO {table} ({names}) VALUES ({values})"
            text += " ON CONFLICT DO NOTHING" if ignore else ""
            return text + (" RETURNING id" if returning else "")

        return self._once(("insert", table, columns, returning, ignore), build)

    def insert_rows(self, table: str, columns: tuple[str, ...]) -> str:
        """INSERT of ``columns`` with positional parameters (rows as tuples in their order:
        no parameter looked up by name)."""

        def build() -> str:
            names = ", ".join(self.quote(c) for c in columns)
            values = ", ".join([self.positional] * len(columns))
            return f"INSERT INTO {table} ({names}) VALUES ({values})"

        return self._once(("insert_rows", table, columns), build)

    def select(self, table: str, columns: Sequence[str], where: Sequence[str]) -> str:
        """SELECT ``columns`` WHERE each of ``where`` equals its parameter."""

        def build() -> str:
            names = ", ".join(map(self.quote, columns))
            return f"SELECT {names} FROM {table} WHERE {self._equal(where)}"

        return self._once(("select", table, tuple(columns), tuple(where)), build)

    def select_in(
        self, table: str, columns: Sequence[str], lists: dict[str, int], or_null: str = ""
    ) -> str:
        """SELECT ``columns`` WHERE each column of ``lists`` is one of its count of parameters
        (``in_params``); ``or_null``: that column may be NULL instead."""

        def condition(column: str, count: int) -> str:
            markers = ", ".join(self._param(f"{column}{i}") for i in range(count))
            test = f"{self.quote(column)} IN ({markers})" if count else "1 = 0"
            return f"({test} OR {self.quote(column)} IS NULL)" if column == or_null else test

        def build() -> str:
            where = " AND ".join(condition(column, count) for column, count in lists.items())
            return f"SELECT {', '.join(map(self.quote, columns))} FROM {table} WHERE {where}"

        return self._once(
            ("select_in", table, tuple(columns), tuple(lists.items()), or_null), build
        )

    def update(self, table: str, columns: Iterable[str], where: Sequence[str] = ("id",)) -> str:
        """UPDATE ``columns`` WHERE each of ``where`` equals its parameter (parameters named
        as the columns)."""
        columns, where = tuple(columns), tuple(where)

        def build() -> str:
            changes = ", ".join(f"{self.quote(c)} = {self._param(c)}" for c in columns)
            return f"UPDATE {table} SET {changes} WHERE {self._equal(where)}"

        return self._once(("update", table, columns, where), build)

    def _equal(self, columns: Sequence[str]) -> str:
        return " AND ".join(f"{self.quote(c)} = {self._param(c)}" for c in columns)


SQL_BY_DIALECT: dict[str, SQL] = {}


def sql_for(dialect) -> SQL:
    """The statements of ``dialect`` (an SQLAlchemy dialect), built as they are first asked."""
    found = SQL_BY_DIALECT.get(dialect.name)
    if found is None:
        found = SQL_BY_DIALECT[dialect.name] = SQL(dialect)
    return found


def in_params(column: str, values: Sequence) -> dict[str, Any]:
    """The parameters of :meth:`SQL.select_in` for the list of ``column``."""
    return {f"{column}{i}": value for i, value in enumerate(values)}
