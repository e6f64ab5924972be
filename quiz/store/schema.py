"""The engine and the schema made or brought up to date (Alembic): loaded only when needed, by
quiz.store.open_db; no query runs through the ORM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from quiz import config
from quiz.errors import DatabaseBusyError, DatabaseError
from quiz.store.db import sqlite_pragmas

SCHEMA_REVISION = config.SCHEMA_REVISION


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    sqlite_pragmas(dbapi_connection)


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at once, so two writers queue on the busy timeout instead of
    # one failing when it upgrades a read to a write. Transactions are short: none spans a prompt.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"'{url}' is not a database URL or path: give a file path or a "
            "URL such as postgresql://user@host/quiz"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the folder {folder} for the database: {exc.strerror}"
            ) from None
    try:
        engine = create_engine(url)
    except ImportError as exc:
        hint = " (pip install 'quiz[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        raise DatabaseError(
            f"cannot use the database '{parsed.render_as_string(hide_password=True)}': "
            f"its driver is not installed: {exc}{hint}"
        ) from None
    except (ArgumentError, SQLAlchemyError) as exc:
        raise DatabaseError(f"cannot use the database '{url}': {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        if _is_busy(exc):
            raise DatabaseBusyError() from None
        raise DatabaseError(f"cannot open the database {engine.url!r}: {exc.orig}") from None


def ensure_schema(engine: Engine, announce: Callable[[str], None]) -> bool:
    """Bring the schema to SCHEMA_REVISION; True when the database was created just now.

    Alembic is imported only when there is something to do, which keeps start-up fast.
    """
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return False
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(config.migrations_dir()))
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config).walk_revisions()}
    if revision is not None and revision not in known:
        raise DatabaseError(
            f"the database {engine.url!r} was written by a newer version of quiz "
            f"(schema {revision}): upgrade quiz (pip install -U quiz) to use it"
        )
    announce(
        "Creating the database"
        if revision is None
        else f"Upgrading the database from schema {revision} to {SCHEMA_REVISION}"
    )
    try:
        with engine.begin() as connection:
            alembic_config.attributes["connection"] = connection
            command.upgrade(alembic_config, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(f"could not upgrade the database {engine.url!r}: {exc}") from None
    return revision is None


def _is_busy(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)
