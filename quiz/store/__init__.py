"""Storage, and the rule every command follows: each query and write lives once, here, as plain SQL
run through a ``Db`` (quiz.store.db: sqlite3 on a SQLite file, a SQLAlchemy connection otherwise).

The caller owns the connection: ``open_db`` gives one per command (opened in the CLI); services and
the store take it first; a write is one ``with db.transaction():``. The ORM models (store.models)
only declare the schema for Alembic and the models-vs-migrations test: no query uses them, so a
command on an existing SQLite file never imports SQLAlchemy. Submodules load on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from quiz.store.db import AlchemyDb, Db, SqliteDb
    from quiz.store.decks import CardRow as CardRow
    from quiz.store.decks import DeckRow as DeckRow
    from quiz.store.decks import ExportRow as ExportRow
    from quiz.store.postgres import PostgresDb


def open_db(
    url: str,
    *,
    read_only: bool = False,
    announce: Callable[[str], None] = lambda _message: None,
    on_create: Callable[[Db], None] | None = None,
) -> SqliteDb | PostgresDb | AlchemyDb:
    """The one way to open a database: a connection to ``url``, its schema made or upgraded first.

    A SQLite file at the current schema opens on sqlite3 alone; Alembic and SQLAlchemy are loaded
    only to make or upgrade a schema, or for another database. ``on_create`` fills a database made
    just now (the CLI imports the bundled decks). ``read_only`` on SQLite: one read transaction, so
    every count comes from the same moment. Close the Db (or use it in a with block) when done.
    """
    from quiz.store.db import AlchemyDb

    _refuse_keywords(url)
    found = open_direct(url, read_only)
    if found is not None:
        return found
    from quiz.store.schema import ensure_schema, make_engine, shown_url

    engine = make_engine(url)
    where = shown_url(engine.url)
    try:
        created = ensure_schema(engine, lambda message: announce(f"{message} at {where}"))
        if created and on_create is not None:
            fresh: Db = open_direct(url) or AlchemyDb(engine.connect())
            try:
                on_create(fresh)
            finally:
                fresh.close()
        found = open_direct(url, read_only)
    except BaseException:
        engine.dispose()
        raise
    if found is not None:  # made or upgraded just now: its own driver from here on
        engine.dispose()
        return found
    return AlchemyDb(engine.connect(), engine)


def _refuse_keywords(url: str) -> None:
    """A --db value such as ``host=h dbname=d`` is no file name: refused, before SQLite makes a file
    of that name, with the way to say it as a URL (its password hidden)."""
    from quiz import config
    from quiz.errors import DatabaseError
    from quiz.store.db import SQLITE_PREFIX

    if not url.startswith(SQLITE_PREFIX):
        return
    keywords = config.libpq_keywords(url[len(SQLITE_PREFIX) :])
    if keywords is not None:
        raise DatabaseError(
            f"{config.hide_password(keywords)!r} looks like a libpq connection string, which quiz does "
            "not take: give a URL, such as postgresql://USER@HOST/DBNAME or postgresql:///?service=NAME"
        )


def open_direct(url: str, read_only: bool = False) -> SqliteDb | PostgresDb | None:
    """A Db on the database's own driver, without SQLAlchemy: SQLite's, or psycopg for PostgreSQL,
    if the database exists at the current schema; else None (quiz.store.open_db then creates or
    upgrades it through the engine, or says what is wrong). ``read_only`` as for ``open_sqlite``."""
    from quiz.store.db import SQLITE_PREFIX, open_sqlite

    if url.startswith(SQLITE_PREFIX):
        return open_sqlite(url, read_only)
    from quiz.store.postgres import open_postgres

    return open_postgres(url, read_only)


def for_engine(engine: Engine) -> SqliteDb | PostgresDb | AlchemyDb:
    """A Db for a program holding an engine (the tests, the benchmarks): quiz.store.open_db on the
    engine's URL, the one way a connection is opened. Close it (or use it in a with block)."""
    return open_db(engine.url.render_as_string(hide_password=False))


def database_file(db: object) -> Path | None:
    """The file of a SQLite database ``db`` is connected to (None for a server's database), so
    that an export never writes over it (quiz.files)."""
    path = getattr(db, "path", None)
    if isinstance(path, Path):
        return path
    bind = getattr(db, "bind", None)
    if (
        bind is not None
        and bind.dialect.name == "sqlite"
        and bind.engine.url.database not in (None, "", ":memory:")
    ):
        return Path(bind.engine.url.database)
    return None
