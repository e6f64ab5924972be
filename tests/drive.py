"""Reviews given through the real services at chosen instants: a learner's history, reproducible."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from quiz.services import learners
from quiz.services.review import ReviewOptions, answer_writer, start_review
from quiz.store import for_engine
from quiz.store.schema import make_engine
from tests.conftest import with_ho_deck

START = datetime(2026, 10, 1, 17, 0, tzinfo=UTC)


@contextmanager
def database_at(path: Path, revision: str) -> Iterator[tuple[Engine, Connection]]:
    """A SQLite database made by the migrations up to an older ``revision``, with a connection to
    fill it in (one transaction, committed at the end of the block)."""
    from alembic import command
    from alembic.config import Config

    from quiz import config

    engine = make_engine(f"sqlite:///{path}")
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(config.migrations_dir()))
    with engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, revision)
        yield engine, connection


def open_database(url: str, *names: str) -> Engine:
    """The database at ``url`` with the HO deck and these learners in it."""
    engine = make_engine(with_ho_deck(url))
    with for_engine(engine) as db:
        for name in names:
            learners.add(db, name, START)
    return engine


def review_days(
    engine: Engine, learner: str, seed: int, days: int, skip_every: int = 0, new_per_day: int = 6
) -> int:
    """``days`` daily sessions from START (every ``skip_every``-th day skipped), each answering
    its whole queue with grades drawn from ``seed``; returns how many answers were given."""
    rng = random.Random(seed)
    given = 0
    for day in range(days):
        if skip_every and day % skip_every == skip_every - 1:
            continue
        now = START + timedelta(days=day, minutes=rng.randint(0, 120))
        with for_engine(engine) as db:
            sitting = start_review(db, ReviewOptions(learner=learner, new_per_day=new_per_day), now)
            writer = answer_writer(db)
            while sitting.current() is not None and given < 10_000:
                now += timedelta(seconds=rng.randint(2, 30))
                sitting.answer(writer, rng.choice((1, 2, 3, 4, 4, 5, 5)), now, 5.0)
                given += 1
    return given
