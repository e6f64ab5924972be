"""Connections without the ORM: SQLite through its own driver, any other database through SQLAlchemy.

Every query of quiz is plain SQL (named parameters, ``:name``) that SQLite and PostgreSQL both
accept, run through a ``Db``. On a SQLite file at the current schema the standard library's driver
does it all, so commands do not pay for importing SQLAlchemy (about 0.4 s, more than the work
itself); every other case goes through an engine. quiz.store.open_db chooses.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from quiz import config
from quiz.errors import ConflictError, DatabaseBusyError, DatabaseError
from quiz.store.writers import WriterQueue

if TYPE_CHECKING:
    from typing import Self

    from sqlalchemy.engine import Connection, Engine


SQLITE_PREFIX = "sqlite:///"
READ_MAP_BYTES = 256 * 1024 * 1024
Params = Mapping[str, Any] | None


class Reader(Protocol):
    """Runs one read-only statement with named parameters and returns its rows."""

    def rows(self, sql: str, params: Params = None) -> Sequence[Sequence[Any]]: ...


class Db(Reader, Protocol):
    """Reads and writes; ``transaction()`` makes the writes inside it one unit (rolled back on an
    exception). Outside a transaction each statement stands alone."""

    def execute(self, sql: str, params: Params = None) -> int: ...

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """One statement for many rows (an import's cards, a merge's reviews), in one round trip."""
        ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def close(self) -> None: ...


# --- values as SQLite keeps them ---------------------------------------------------------------------


def sqlite_value(value: Any) -> Any:
    """A date or time as SQLAlchemy writes it into SQLite (ISO text), so both read the same rows."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ", "microseconds")  # as strftime("%Y-%m-%d %H:%M:%S.%f"), faster
    if isinstance(value, date):
        return value.isoformat()
    return value


_AS_IS = frozenset({int, str, float, bool, type(None), bytes})


def _sqlite_params(params: Params) -> dict[str, Any]:
    # An answer passes some thirty values: the plain ones (most) are passed on without a look.
    found = dict(params or {})
    for key, value in found.items():
        if type(value) not in _AS_IS:
            found[key] = sqlite_value(value)
    return found


def as_day(value: Any) -> date:
    """A date from what the driver returns: a date, a datetime, or ISO text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_day(str(value)[:10])


def as_day_or_none(value: Any) -> date | None:
    return None if value is None else as_day(value)


def as_instant(value: Any) -> datetime:
    """An aware UTC instant from what the driver returns: SQLite keeps the naive UTC text written."""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def as_list(value: Any) -> tuple[str, ...]:
    """A JSON list column: text in SQLite, already a list from PostgreSQL."""
    if value is None:
        return ()
    return tuple(json.loads(value) if isinstance(value, str) else value)


@functools.lru_cache(maxsize=4096)
def _parse_day(text: str) -> date:
    # A report reads the same few hundred days thousands of times.
    return date.fromisoformat(text)


def sqlite_pragmas(connection: sqlite3.Connection) -> None:
    """How every SQLite connection of quiz is set up, through the driver or through SQLAlchemy."""
    connection.isolation_level = None  # transactions begin where quiz says, not where the driver guesses
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={config.busy_timeout_ms()}")
    connection.execute("PRAGMA journal_mode=WAL")
    # FULL: an answer once committed survives a power cut, as in Anki.
    connection.execute("PRAGMA synchronous=FULL")


def _is_busy(exc: Exception) -> bool:
    # Locked or busy (SQLite); a deadlock PostgreSQL broke by rolling this transaction back: in
    # each case nothing was saved and trying again works.
    return any(word in str(exc) for word in ("locked", "busy", "deadlock detected"))


CURRENT_SCHEMA = "SELECT version_num FROM alembic_version"


def at_current_schema(found: Sequence[Sequence[Any]]) -> bool:
    """Whether CURRENT_SCHEMA's rows say the database is at the schema this quiz writes (only
    then may a driver open it without the engine, which creates or upgrades)."""
    return [tuple(row) for row in found] == [(config.SCHEMA_REVISION,)]


def sql_ids(values: Sequence[int]) -> str:
    """Ids for ``IN (...)``: integers from the database or the code, so written into the statement."""
    return ",".join(str(int(v)) for v in values) or "NULL"


class _Nested:
    """Transactions that nest: the outermost ``transaction()`` begins one, and commits it when it
    ends (rolls it back on an exception); inner ones join it. Closed by a with block too."""

    _depth = 0

    def _begin(self) -> None: ...

    def _commit(self) -> None: ...

    def _rollback(self) -> None: ...

    def close(self) -> None: ...

    @contextmanager
    def _nested(self) -> Iterator[None]:
        if self._depth == 0:
            self._begin()
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            self._commit()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- SQLite's own driver ---------------------------------------------------------------------------------


class SqliteDb(_Nested):
    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self.connection = connection
        self.path = path
        self._writers: WriterQueue | None = None

    def rows(self, sql: str, params: Params = None) -> Sequence[Sequence[Any]]:
        try:
            return self.connection.execute(sql, _sqlite_params(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(exc) from None

    def execute(self, sql: str, params: Params = None) -> int:
        # The answer's hot path: a plain try, not a context manager per statement.
        try:
            return self.connection.execute(sql, _sqlite_params(params)).rowcount
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(exc) from None

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            with self._errors():
                self.connection.executemany(sql, [_sqlite_params(row) for row in rows])

    def transaction(self) -> AbstractContextManager[None]:
        return self._nested()

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock at once, so two writers queue instead of one failing
        # when it upgrades a read to a write. quiz's writers queue in the kernel first (_queue).
        waited = self._queue()
        try:
            with self._errors():
                if waited:  # what is left of the wait for a writer outside quiz's queue
                    left = max(1, config.busy_timeout_ms() - int(waited * 1000))
                    self.connection.execute(f"PRAGMA busy_timeout={left}")
                self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._unqueue()
            raise
        finally:
            if waited:
                self.connection.execute(f"PRAGMA busy_timeout={config.busy_timeout_ms()}")

    def _queue(self) -> float:
        """Wait for quiz's other writers, first come first served (quiz.store.writers): the next
        one goes the moment the last commits, where SQLite's own wait sleeps and polls on a grid
        of up to 100 ms. Returns the seconds waited; DatabaseBusyError past the busy timeout."""
        if self.path is None:
            return 0.0
        if self._writers is None:
            self._writers = WriterQueue(self.path)
        return self._writers.enter(config.busy_timeout_ms() / 1000)

    def _unqueue(self) -> None:
        if self._writers is not None:
            self._writers.leave()

    def _commit(self) -> None:
        try:
            with self._errors():
                self.connection.execute("COMMIT")
        finally:
            self._unqueue()

    def _rollback(self) -> None:
        try:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
        finally:
            self._unqueue()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(exc) from None

    def close(self) -> None:
        self._rollback()
        self.connection.close()
        if self._writers is not None:
            self._writers.close()


def _sqlite_error(exc: sqlite3.DatabaseError) -> DatabaseError | ConflictError:
    """The project's error for what SQLite's driver raised."""
    if isinstance(exc, sqlite3.IntegrityError):
        return ConflictError(f"refused by the database: {exc}")
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return DatabaseBusyError()
    return DatabaseError(f"cannot use the database: {exc}")  # a damaged file, among others


def open_sqlite(url: str, read_only: bool = False) -> SqliteDb | None:
    """The SQLite file at ``url`` through its driver, if it exists at the current schema; else None
    (not SQLite, not created yet, out of date, or not a database: the engine's path deals with it).

    ``read_only``: for a report, one read transaction, so every count comes from the same moment;
    in WAL mode it blocks no one who answers cards meanwhile.
    """
    if not url.startswith(SQLITE_PREFIX) or "?" in url:
        return None
    path = Path(url[len(SQLITE_PREFIX) :])
    if not path.is_file():
        return None
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        if read_only:
            connection.execute(f"PRAGMA busy_timeout={config.busy_timeout_ms()}")
            connection.execute("PRAGMA query_only=ON")
            # A report reads tens of thousands of count rows once: mapped, not copied page by page.
            connection.execute(f"PRAGMA mmap_size={READ_MAP_BYTES}")
        else:
            sqlite_pragmas(connection)
        found = connection.execute(CURRENT_SCHEMA).fetchall()
    except sqlite3.DatabaseError:
        connection.close()
        return None
    if not at_current_schema(found):
        connection.close()
        return None
    if read_only:
        connection.execute("BEGIN")
    return SqliteDb(connection, path)


# --- through SQLAlchemy ----------------------------------------------------------------------------------


class AlchemyDb(_Nested):
    """Plain SQL on a SQLAlchemy connection; given its ``engine``, closing it disposes the engine
    (a PostgreSQL pool holds sockets)."""

    def __init__(self, bind: Connection, engine: Engine | None = None) -> None:
        self.bind = bind
        self.engine = engine
        self.dialect = bind.dialect.name

    def _values(self, params: Params) -> dict[str, Any]:
        return _sqlite_params(params) if self.dialect == "sqlite" else dict(params or {})

    def _run(self, sql: str, params: Params | list[dict[str, Any]]) -> Any:
        from sqlalchemy import exc as sa_exc
        from sqlalchemy import text

        values = [self._values(p) for p in params] if isinstance(params, list) else self._values(params)
        try:
            return self.bind.execute(text(sql), values)
        except sa_exc.IntegrityError as error:
            raise ConflictError(f"refused by the database: {error.orig}") from None
        except sa_exc.OperationalError as error:
            if _is_busy(error):
                raise DatabaseBusyError() from None
            raise DatabaseError(f"cannot use the database: {error.orig}") from None
        except sa_exc.DBAPIError as error:
            raise DatabaseError(f"cannot use the database: {error.orig}") from None

    def _autocommit(self) -> None:
        # A statement outside transaction() stands alone: no transaction is left open (on
        # PostgreSQL an idle one would hold its snapshot while the learner thinks).
        if not self._depth:
            self.bind.commit()

    def rows(self, sql: str, params: Params = None) -> Sequence[Sequence[Any]]:
        found = [tuple(row) for row in self._run(sql, params)]
        self._autocommit()
        return found

    def execute(self, sql: str, params: Params = None) -> int:
        count = int(self._run(sql, params).rowcount)
        self._autocommit()
        return count

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._run(sql, [dict(row) for row in rows])
            self._autocommit()

    def transaction(self) -> AbstractContextManager[None]:
        return self._nested()

    def _commit(self) -> None:
        self.bind.commit()  # SQLAlchemy began the transaction itself at the first statement

    def _rollback(self) -> None:
        self.bind.rollback()

    def close(self) -> None:
        self.bind.close()
        if self.engine is not None:
            self.engine.dispose()
