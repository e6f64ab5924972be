"""The schema comes only from the migrations, and they produce exactly the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from quiz import config
from quiz.store.models import Base
from quiz.store.schema import SCHEMA_REVISION, ensure_schema, make_engine


def test_schema_revision_is_the_newest_migration() -> None:
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(config.migrations_dir()))
    assert ScriptDirectory.from_config(alembic_config).get_heads() == [SCHEMA_REVISION]


def test_migrations_produce_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    messages: list[str] = []
    assert ensure_schema(engine, messages.append) is True
    assert messages == ["Creating the database"]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert ensure_schema(engine, messages.append) is False  # up to date: nothing to do, nothing said
    assert messages == ["Creating the database"]


def test_sqlite_is_durable_and_checks_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_default_location_is_the_user_data_folder(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("QUIZ_DB", raising=False)
    url = config.database_url(None)
    assert url.startswith("sqlite:///") and url.endswith("quiz.db")
    assert str(config.data_dir()) in url
    monkeypatch.setenv("QUIZ_DB", "postgresql://teacher@localhost/quiz")
    assert config.database_url(None) == "postgresql://teacher@localhost/quiz"
    assert config.database_url("relative.db").endswith("/relative.db")


def test_the_count_triggers_use_the_maturity_of_the_measures(tmp_path: Path) -> None:
    """Migration 0003's triggers count mature cards with a figure written in their SQL; it must be
    MATURE_DAYS, the one the measures and the README use."""
    import re
    import sqlite3

    from quiz.core.measures import MATURE_DAYS

    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    ensure_schema(engine, lambda _message: None)
    engine.dispose()
    connection = sqlite3.connect(tmp_path / "t.db")
    try:
        rows = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = [sql for (sql,) in rows]
    finally:
        connection.close()
    figures = [int(n) for sql in triggers for n in re.findall(r'"?interval"?\s*>=\s*(\d+)', sql)]
    assert figures, "no trigger counts mature cards any more: update this test"
    assert set(figures) == {MATURE_DAYS}


def test_a_new_learner_has_the_defaults_the_readme_states(tmp_path: Path) -> None:
    """The learner defaults are defined once (quiz.core.defaults): a learner made by quiz and one made
    through the models both have them, and the README states the same figures."""
    import sqlite3
    from datetime import UTC, datetime

    from click.testing import CliRunner
    from sqlalchemy.orm import Session

    from quiz.cli import main
    from quiz.core import defaults
    from quiz.store.models import Learner
    from tests.conftest import ROOT

    path = tmp_path / "l.db"
    result = CliRunner().invoke(main, ["--db", str(path), "learner", "add", "ana"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        session.add(Learner(name="ben", created_at=datetime.now(UTC)))
    engine.dispose()
    connection = sqlite3.connect(path)
    try:
        made = connection.execute(
            "SELECT new_per_day, reviews_per_day, leech_threshold, day_starts_at FROM learners ORDER BY name"
        ).fetchall()
    finally:
        connection.close()
    settings = (
        defaults.NEW_PER_DAY,
        defaults.REVIEWS_PER_DAY,
        defaults.LEECH_THRESHOLD,
        defaults.DAY_STARTS_AT,
    )
    assert made == [settings, settings]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"up to {defaults.NEW_PER_DAY} new cards and {defaults.REVIEWS_PER_DAY} reviews a day" in readme
    assert f"A card failed {defaults.LEECH_THRESHOLD} times (`--leech-threshold`)" in readme
    assert f"A learner's day starts at {defaults.DAY_STARTS_AT:02d}:00 local time" in readme
    # The two forecasts: the learner's own (status, review summary) and the instructor's report.
    from quiz.core.measures import REPORT_FORECAST_DAYS, STATUS_FORECAST_DAYS

    assert f"what falls due on each of the next {STATUS_FORECAST_DAYS} days" in readme
    assert f"the forecast of due cards over {REPORT_FORECAST_DAYS} days" in readme


def test_alembic_check_runs_from_the_checkout(tmp_path: Path) -> None:
    """A developer's `alembic check` reads [tool.alembic] from pyproject.toml and $QUIZ_DB, and finds
    a fresh database exactly the models; on an empty one it says an upgrade is needed."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "dev.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine, lambda _message: None)
    engine.dispose()

    def alembic(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QUIZ_DB": str(path)}
        return subprocess.run(
            [sys.executable, "-m", "alembic", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    checked = alembic("check")
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected" in checked.stdout
    path.unlink()  # an empty database: not at the newest revision, so nothing to compare yet
    outdated = alembic("check")
    assert outdated.returncode != 0
    assert "Target database is not up to date" in outdated.stdout
