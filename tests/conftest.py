"""Fixtures named for what they give: a fresh database per test, a CLI runner, the HO sources."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main

ROOT = Path(__file__).resolve().parent.parent
# The raw HO source lives in the project, so a clone on any machine runs every test; the copy is
# checked against ../shared/source when that is beside the checkout.
HO_SOURCE = Path(__file__).resolve().parent / "fixtures" / "heterotopic-ossification.txt"
SHARED_HO_SOURCE = ROOT.parent / "shared" / "source" / "heterotopic-ossification.txt"
HO_DECK = ROOT / "decks" / "heterotopic-ossification.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Invoke = Callable[..., Result]
POSTGRES_ENV = "QUIZ_TEST_POSTGRES_URL"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def quiz(runner: CliRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run `quiz ...` against this test's own database file."""
    monkeypatch.setenv("QUIZ_DB", str(db_path))
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def with_ho_deck(url: str) -> str:
    """Make the database at ``url`` as quiz does on first use: the schema, then the bundled decks."""
    from quiz.services.importing import import_bundled_decks
    from quiz.store import open_db

    open_db(url, on_create=import_bundled_decks).close()
    return url


@pytest.fixture
def ho_url(db_path: Path) -> str:
    """A fresh SQLite database with the bundled HO deck in it; open it with quiz.store.open_db."""
    return with_ho_deck(f"sqlite:///{db_path}")


@pytest.fixture
def ho_source() -> Path:
    return HO_SOURCE


@pytest.fixture
def ho_deck() -> Path:
    return HO_DECK


def ho_card_count() -> int:
    """How many cards the bundled HO deck makes: tests count against the generator, not a number
    that every change of a card rule would have to chase."""
    from quiz.generator import generate

    return len(generate(HO_DECK.read_text(encoding="utf-8"), str(HO_DECK)).cards)


def dump(db_path: Path) -> list[str]:
    """Every row of every table, to compare a database before and after."""
    connection = sqlite3.connect(db_path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, and a new PostgreSQL database when the server's URL
    is in $QUIZ_TEST_POSTGRES_URL (.ci/run starts one and sets it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'quiz.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the PostgreSQL cases: set {POSTGRES_ENV} (see .ci/run)")
        pytest.skip(f"no PostgreSQL server to test against: set {POSTGRES_ENV} to run these cases")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"quiz_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def quiz_at(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `quiz --db URL ...` against any database."""
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(url: str, *args: str, input: str | None = None) -> Result:
        return runner.invoke(main, ["--db", url, *args], input=input, catch_exceptions=False)

    return invoke
