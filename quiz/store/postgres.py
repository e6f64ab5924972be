"""A Db on psycopg itself, for a PostgreSQL database at the current schema: the review, the status
and the reports there do not pay for importing SQLAlchemy (~0.4 s and ~30 MB a process)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from quiz import config
from quiz.errors import ConflictError, DatabaseBusyError, DatabaseError
from quiz.store.db import CURRENT_SCHEMA, Params, _is_busy, _Nested, at_current_schema

if TYPE_CHECKING:
    import psycopg

# A quoted string or identifier (copied whole), a cast (::), a named parameter, or a percent sign.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|:([A-Za-z_][A-Za-z0-9_]*)|%")


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``sql`` with its ``:name`` parameters as psycopg's ``%(name)s``; a ``%`` of the statement
    itself doubled, and quoted text and ``::`` casts left alone. Each statement translated once."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "%":
            return "%%"
        if match.group(1) is not None:
            return f"%({match.group(1)})s"
        return token.replace("%", "%%") if token != "::" else token  # psycopg reads % inside quotes too

    return _TOKENS.sub(replace, sql)


def conninfo(url: str) -> str | None:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (its ``+driver`` dropped); None for others."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
        return None
    if "+" in scheme and scheme.split("+")[1] != "psycopg":
        return None  # another driver named on purpose: the engine's path honours it
    return f"postgresql://{rest}"


class PostgresDb(_Nested):
    dialect = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def _cursor(self, sql: str, params: Params) -> Any:
        return self.connection.execute(pyformat(sql), dict(params or {}))

    def rows(self, sql: str, params: Params = None) -> Sequence[Sequence[Any]]:
        with self._errors():
            return self._cursor(sql, params).fetchall()  # type: ignore[no-any-return]

    def execute(self, sql: str, params: Params = None) -> int:
        with self._errors():
            return int(self._cursor(sql, params).rowcount)

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            with self._errors(), self.connection.cursor() as cursor:
                cursor.executemany(pyformat(sql), [dict(row) for row in rows])

    def transaction(self) -> AbstractContextManager[None]:
        return self._nested()

    def _begin(self) -> None:
        with self._errors():
            self.connection.execute("BEGIN")

    def _commit(self) -> None:
        with self._errors():
            self.connection.execute("COMMIT")

    def _rollback(self) -> None:
        import psycopg

        if self.connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.connection.execute("ROLLBACK")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg
        from psycopg import errors

        try:
            yield
        except psycopg.IntegrityError as exc:
            raise ConflictError(f"refused by the database: {exc}") from None
        except (errors.DeadlockDetected, errors.LockNotAvailable, errors.SerializationFailure):
            # Nothing was saved (PostgreSQL rolled the statement back) and trying again works.
            raise DatabaseBusyError() from None
        except psycopg.OperationalError as exc:
            if _is_busy(exc):
                raise DatabaseBusyError() from None
            raise DatabaseError(f"cannot use the database: {exc}") from None
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot use the database: {exc}") from None

    def close(self) -> None:
        if not self.connection.closed:
            self._rollback()
            self.connection.close()


def open_postgres(url: str, read_only: bool = False) -> PostgresDb | None:
    """The PostgreSQL database at ``url`` through psycopg, if it is reachable and at the current
    schema; else None (the engine's path creates, upgrades or explains what is wrong).

    ``read_only``: one read-only transaction (repeatable read), every count from the same moment.
    """
    info = conninfo(url)
    if info is None:
        return None
    try:
        import psycopg
    except ImportError:
        return None
    try:
        connection = psycopg.connect(info, autocommit=True)
    except psycopg.Error:
        return None  # the engine's path says why, with the password hidden
    try:
        # A lock held longer than quiz waits for SQLite's is "the database is locked", as there.
        connection.execute(f"SET lock_timeout = {int(config.busy_timeout_ms())}")
        found = connection.execute(CURRENT_SCHEMA).fetchall()
    except psycopg.Error:
        connection.close()
        return None
    if not at_current_schema(found):
        connection.close()
        return None
    if read_only:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return PostgresDb(connection)
