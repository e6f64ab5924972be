"""A learner's review log read out for a progress file, and merged back in from one."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from quiz.store.models import Card, CardState, Deck, Review
from quiz.store.prepared import Prepared
from quiz.store.review import STATE_FIELDS, StoredState, state_values, stored_state

CARDS = cast(Table, Card.__table__)
DECKS = cast(Table, Deck.__table__)
STATES = cast(Table, CardState.__table__)
REVIEWS = cast(Table, Review.__table__)
CHUNK = 500  # keys per IN (...) list: well under every database's limit on parameters


@dataclass(frozen=True)
class LogRow:
    uid: str
    learner_id: int
    card_id: int
    section_id: int
    key: str
    deck: str
    grade: int
    kind: str
    reviewed_at: datetime  # aware, UTC
    day: date
    seconds: float
    passed_before: bool = False
    interval: int = 0  # the state after the review, as logged
    easiness: int = 250
    due: date | None = None


def _utc(value: datetime) -> datetime:
    # SQLite gives back the naive UTC instant that was written; PostgreSQL an aware one.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _log_select() -> Any:
    return (
        select(
            REVIEWS.c.uid,
            REVIEWS.c.learner_id,
            REVIEWS.c.card_id,
            REVIEWS.c.section_id,
            CARDS.c.key,
            DECKS.c.slug,
            REVIEWS.c.grade,
            REVIEWS.c.kind,
            REVIEWS.c.reviewed_at,
            REVIEWS.c.day,
            REVIEWS.c.seconds,
            REVIEWS.c.passed_before,
            REVIEWS.c.interval,
            REVIEWS.c.easiness,
            REVIEWS.c.due,
        )
        .join(CARDS, CARDS.c.id == REVIEWS.c.card_id)
        .join(DECKS, DECKS.c.id == CARDS.c.deck_id)
    )


def _rows(result: Any) -> list[LogRow]:
    return [
        LogRow(
            r.uid,
            r.learner_id,
            r.card_id,
            r.section_id,
            r.key,
            r.slug,
            r.grade,
            r.kind,
            _utc(r.reviewed_at),
            r.day,
            float(r.seconds),
            bool(r.passed_before),
            r.interval,
            r.easiness,
            r.due,
        )
        for r in result
    ]


def learner_log(session: Session, learner_id: int) -> list[LogRow]:
    """Everything the learner reviewed, oldest first."""
    return _rows(
        session.execute(
            _log_select()
            .where(REVIEWS.c.learner_id == learner_id)
            .order_by(REVIEWS.c.reviewed_at, REVIEWS.c.uid)
        )
    )


def card_logs(session: Session, learner_id: int, card_ids: Sequence[int]) -> list[LogRow]:
    """The learner's reviews of these cards."""
    found: list[LogRow] = []
    for start in range(0, len(card_ids), CHUNK):
        found += _rows(
            session.execute(
                _log_select().where(
                    REVIEWS.c.learner_id == learner_id, REVIEWS.c.card_id.in_(card_ids[start : start + CHUNK])
                )
            )
        )
    return found


def logged_uids(session: Session, uids: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """Which of these review ids are stored: uid -> (learner id, card id, grade)."""
    found: dict[str, tuple[int, int, int]] = {}
    for start in range(0, len(uids), CHUNK):
        for uid, learner_id, card_id, grade in session.execute(
            select(REVIEWS.c.uid, REVIEWS.c.learner_id, REVIEWS.c.card_id, REVIEWS.c.grade).where(
                REVIEWS.c.uid.in_(uids[start : start + CHUNK])
            )
        ):
            found[uid] = (learner_id, card_id, grade)
    return found


def cards_by_key(session: Session, keys: Sequence[str]) -> dict[str, tuple[int, int, str]]:
    """key -> (card id, section id, deck) for the keys that exist."""
    found: dict[str, tuple[int, int, str]] = {}
    for start in range(0, len(keys), CHUNK):
        for key, card_id, section_id, slug in session.execute(
            select(CARDS.c.key, CARDS.c.id, CARDS.c.section_id, DECKS.c.slug)
            .join(DECKS, DECKS.c.id == CARDS.c.deck_id)
            .where(CARDS.c.key.in_(keys[start : start + CHUNK]))
        ):
            found[key] = (card_id, section_id, slug)
    return found


def deck_slugs(session: Session) -> set[str]:
    return set(session.scalars(select(DECKS.c.slug)))


def stored_states(session: Session, learner_id: int, card_ids: Sequence[int]) -> dict[int, StoredState]:
    found: dict[int, StoredState] = {}
    for start in range(0, len(card_ids), CHUNK):
        for row in session.execute(
            select(STATES).where(
                STATES.c.learner_id == learner_id, STATES.c.card_id.in_(card_ids[start : start + CHUNK])
            )
        ):
            found[row.card_id] = stored_state([row._mapping[name] for name in (*STATE_FIELDS, "version")])
    return found


class Statements:
    """Bulk inserts of reviews and states, compiled once per dialect for the driver's executemany."""

    def __init__(self, dialect: Dialect) -> None:
        values: dict[str, Any] = {name: bindparam(name) for name in STATE_FIELDS}
        self.insert_state = Prepared(
            insert(STATES).values(
                learner_id=bindparam("learner_id"),
                card_id=bindparam("card_id"),
                section_id=bindparam("section_id"),
                version=bindparam("new_version"),
                **values,
            ),
            dialect,
        )
        self.insert_review = Prepared(
            insert(REVIEWS).values(
                uid=bindparam("uid"),
                learner_id=bindparam("learner_id"),
                card_id=bindparam("card_id"),
                section_id=bindparam("section_id"),
                passed_before=bindparam("passed_before"),
                grade=bindparam("grade"),
                kind=bindparam("kind"),
                reviewed_at=bindparam("reviewed_at"),
                day=bindparam("day"),
                seconds=bindparam("seconds"),
                interval=bindparam("interval"),
                easiness=bindparam("easiness"),
                due=bindparam("due"),
            ),
            dialect,
        )


@functools.cache
def _statements(dialect: Dialect) -> Statements:
    return Statements(dialect)


def add_reviews(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Append reviews to the log (rows with every column of the reviews table but id).

    Thousands at a time (a merge, a simulation): through the driver's executemany, as the
    ORM's per-row work would cost ten times the database's."""
    statement = _statements(session.get_bind().dialect).insert_review
    batch = [statement.params(row) for row in rows]
    if batch:
        session.connection().exec_driver_sql(statement.sql, batch)


def set_review_outcomes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Correct stored reviews after a replay: kind, passed_before and the state after, by uid."""
    for row in rows:
        session.execute(
            update(REVIEWS)
            .where(REVIEWS.c.uid == row["uid"])
            .values({k: v for k, v in row.items() if k != "uid"})
        )


def put_states(
    session: Session,
    learner_id: int,
    states: dict[int, tuple[int, StoredState]],
    existing: dict[int, StoredState],
) -> None:
    """Write replayed states: card id -> (section id, new state); updated where a row exists."""
    fresh = []
    for card_id, (section_id, stored) in states.items():
        values = state_values(stored)
        if card_id in existing:
            session.execute(
                update(STATES)
                .where(STATES.c.learner_id == learner_id, STATES.c.card_id == card_id)
                .values(**values, version=stored.version)
            )
        else:
            fresh.append(
                {
                    "learner_id": learner_id,
                    "card_id": card_id,
                    "section_id": section_id,
                    "new_version": stored.version,
                    **values,
                }
            )
    if fresh:
        statement = _statements(session.get_bind().dialect).insert_state
        session.connection().exec_driver_sql(statement.sql, [statement.params(row) for row in fresh])
