"""The engine and the schema made or brought up to date (Alembic): loaded only when needed, by
quiz.store.open_db; no query runs through the ORM."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
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


def shown_url(url: str | URL) -> str:
    """A database URL as a message may show it: the password hidden, even in text that does not
    parse as a URL (a bad port)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return config.hide_password(url)


def _failure(message: str, url: str | URL) -> DatabaseError:
    """The error for a database that cannot be used: on one line (a driver's message may span
    several), with no password in it, even in a URL the driver's message repeats."""
    raw = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    return DatabaseError(config.hide_password(" ".join(message.split()), raw))


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise _failure(
            f"'{shown_url(url)}' is not a database URL or path: give a file path or a "
            "URL such as postgresql://user@host/quiz",
            url,
        ) from None
    on_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if on_file and not parsed.query.get("uri"):
        _private_file(Path(str(parsed.database)))
    try:
        engine = create_engine(url)
    except ImportError as exc:
        hint = " (pip install 'quiz[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        raise _failure(
            f"cannot use the database '{shown_url(parsed)}': its driver is not installed: {exc}{hint}", parsed
        ) from None
    except (ArgumentError, SQLAlchemyError, ValueError) as exc:
        raise _failure(f"cannot use the database '{shown_url(parsed)}': {exc}", parsed) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _private_file(path: Path) -> None:
    """Make the SQLite file owner-only (0600) before SQLite opens it, which gives its WAL and
    shared-memory files the same mode: learners' data is private, whatever the umask. Its folder
    must exist, except quiz's own data folder, made owner-only (0700) on first use: a mistyped
    --db path is refused rather than met with new folders and an empty database."""
    folder = path.parent
    if folder.resolve() == config.data_dir().expanduser().resolve():
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                folder.chmod(0o700)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the folder {folder} for the database: {exc.strerror}"
            ) from None
    elif not folder.is_dir():
        raise DatabaseError(
            f"{folder}: no such folder for the database: create it first, or give another path"
            " (--db or QUIZ_DB)"
        )
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # an existing database keeps the mode its owner gave it
    except OSError as exc:
        raise DatabaseError(f"cannot create the database {path}: {exc.strerror}") from None


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        if _is_busy(exc):
            raise DatabaseBusyError() from None
        raise _failure(f"cannot open the database {shown_url(engine.url)}: {exc.orig}", engine.url) from None


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
            f"the database {shown_url(engine.url)} was written by a newer version of quiz "
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
        raise _failure(f"could not upgrade the database {shown_url(engine.url)}: {exc}", engine.url) from None
    return revision is None


def _is_busy(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)
