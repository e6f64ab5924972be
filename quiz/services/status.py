"""The learner's status: per deck and section, new, due, overdue and suspended cards, and the week ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from quiz.core.measures import STATUS_FORECAST_DAYS
from quiz.core.scheduler import learner_day
from quiz.services.lookup import resolve_learner
from quiz.store.db import Db
from quiz.store.status import status_counts


class StatusRow(NamedTuple):
    """One section's line (a tuple: a status shows a thousand of them)."""

    deck: str
    name: str
    section: tuple[str, ...]  # the section's titles, from the deck's down
    new: int
    due: int
    overdue: int
    suspended: int
    forecast: tuple[int, ...] = ()  # due on each of the next STATUS_FORECAST_DAYS days


@dataclass(frozen=True)
class StatusReport:
    learner: str
    today: date
    rows: tuple[StatusRow, ...]


def status(db: Db, learner_name: str | None, now: datetime) -> StatusReport:
    with db.transaction():
        learner = resolve_learner(db, learner_name, now)
    today = learner_day(now.astimezone(), learner.day_starts_at)
    rows = tuple(
        StatusRow(
            c.deck,
            c.deck_name,
            c.path,
            new=c.cards - c.introduced - c.suspended_new,
            due=c.due_by_day[0],
            overdue=c.overdue,
            suspended=c.suspended,
            forecast=c.due_by_day[1:],
        )
        for c in status_counts(db, learner.id, today, STATUS_FORECAST_DAYS)
    )
    return StatusReport(learner.name, today, rows)
