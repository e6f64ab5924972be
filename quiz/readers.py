"""Read-only connections for the reports: SQLite through its driver, anything else through SQLAlchemy.

A report on a SQLite file at the current schema opens it with the standard library alone, so the
command does not pay for importing SQLAlchemy; every other case goes through the engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz import config
from quiz.errors import DatabaseBusyError, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SQLITE_PREFIX = "sqlite:///"


class SqliteReader:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]:
        # Dates go in as ISO text, the way SQLAlchemy stores them in SQLite.
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in (params or {}).items()}
        try:
            return self.connection.execute(sql, values).fetchall()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusyError() from None
            raise DatabaseError(f"cannot read the database: {exc}") from None

    def close(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self.connection.close()


class EngineReader:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]:
        from sqlalchemy import text

        return [tuple(row) for row in self.connection.execute(text(sql), dict(params or {}))]

    def close(self) -> None:
        self.connection.close()


def sqlite_reader(url: str) -> SqliteReader | None:
    """A reader on the SQLite file at ``url`` if it exists at the current schema; else None."""
    if not url.startswith(SQLITE_PREFIX) or "?" in url:
        return None
    path = Path(url[len(SQLITE_PREFIX):])
    if not path.is_file():
        return None
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout={config.busy_timeout_ms()}")
        connection.execute("PRAGMA query_only=ON")
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        connection.close()
        return None  # not created yet, or not a database: the engine's path says what is wrong
    if [tuple(row) for row in found] != [(config.SCHEMA_REVISION,)]:
        connection.close()
        return None
    # One read transaction: every count of a report comes from the same moment, and in WAL mode
    # reading blocks no one who answers cards meanwhile.
    connection.execute("BEGIN")
    return SqliteReader(connection)
