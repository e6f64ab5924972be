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
