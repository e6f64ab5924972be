"""Learners: who they are and the settings each keeps (new cards and reviews a day, leech threshold)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quiz.core import defaults
from quiz.store.db import Db, Reader


@dataclass(frozen=True)
class LearnerInfo:
    id: int
    name: str
    new_per_day: int
    reviews_per_day: int
    leech_threshold: int
    day_starts_at: int


LEARNER_COLUMNS = "id, name, new_per_day, reviews_per_day, leech_threshold, day_starts_at"


def _learner(row: Sequence[Any]) -> LearnerInfo:
    return LearnerInfo(int(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]), int(row[5]))


def learner_by_name(db: Reader, name: str) -> LearnerInfo | None:
    found = db.rows(f"SELECT {LEARNER_COLUMNS} FROM learners WHERE name = :name", {"name": name})
    return _learner(found[0]) if found else None


def learners(db: Reader) -> list[LearnerInfo]:
    return [_learner(row) for row in db.rows(f"SELECT {LEARNER_COLUMNS} FROM learners ORDER BY name")]


def add_learner(db: Db, name: str, now: datetime) -> LearnerInfo:
    db.execute(
        "INSERT INTO learners (name, created_at, new_per_day, reviews_per_day, leech_threshold, "
        "day_starts_at) VALUES (:name, :now, :new, :reviews, :leech, :starts)",
        {
            "name": name,
            "now": now,
            "new": defaults.NEW_PER_DAY,
            "reviews": defaults.REVIEWS_PER_DAY,
            "leech": defaults.LEECH_THRESHOLD,
            "starts": defaults.DAY_STARTS_AT,
        },
    )
    found = learner_by_name(db, name)
    assert found is not None
    return found


def rename_learner(db: Db, learner_id: int, name: str) -> None:
    db.execute("UPDATE learners SET name = :name WHERE id = :id", {"name": name, "id": learner_id})


def set_limits(db: Db, learner: LearnerInfo) -> None:
    """Store a learner's daily limits and leech threshold."""
    db.execute(
        "UPDATE learners SET new_per_day = :new, reviews_per_day = :reviews, "
        "leech_threshold = :leech WHERE id = :id",
        {
            "new": learner.new_per_day,
            "reviews": learner.reviews_per_day,
            "leech": learner.leech_threshold,
            "id": learner.id,
        },
    )
