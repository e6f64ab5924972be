"""A learner's review log read out for a progress file, and merged back in from one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from quiz.store.db import Db, Reader, as_day, as_day_or_none, as_instant, sql_ids
from quiz.store.review import (
    INSERT_REVIEW,
    INSERT_STATE,
    STATE_COLUMNS,
    UPDATE_STATE,
    StoredState,
    state_values,
    stored_state,
)

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


_LOG = (
    'SELECT r.uid, r.learner_id, r.card_id, r.section_id, c."key", d.slug, r.grade, r.kind, '
    'r.reviewed_at, r.day, r.seconds, r.passed_before, r."interval", r.easiness, r.due '
    "FROM reviews r JOIN cards c ON c.id = r.card_id JOIN decks d ON d.id = c.deck_id "
)


def _rows(found: Sequence[Sequence[Any]]) -> list[LogRow]:
    return [
        LogRow(
            str(r[0]),
            int(r[1]),
            int(r[2]),
            int(r[3]),
            str(r[4]),
            str(r[5]),
            int(r[6]),
            str(r[7]),
            as_instant(r[8]),
            as_day(r[9]),
            float(r[10]),
            bool(r[11]),
            int(r[12]),
            int(r[13]),
            as_day_or_none(r[14]),
        )
        for r in found
    ]


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def learner_log(reader: Reader, learner_id: int) -> list[LogRow]:
    """Everything the learner reviewed, oldest first."""
    return _rows(
        reader.rows(
            f"{_LOG}WHERE r.learner_id = :learner ORDER BY r.reviewed_at, r.uid", {"learner": learner_id}
        )
    )


def card_logs(reader: Reader, learner_id: int, card_ids: Sequence[int]) -> list[LogRow]:
    """The learner's reviews of these cards."""
    found: list[LogRow] = []
    for chunk in _chunks(card_ids):
        # Through the index on card_id ("+" keeps SQLite off the learner's index, which would read
        # the learner's whole log for every chunk: quadratic in a merge of many chunks).
        found += _rows(
            reader.rows(
                f"{_LOG}WHERE +r.learner_id = :learner AND r.card_id IN ({sql_ids(chunk)})",
                {"learner": learner_id},
            )
        )
    return found


def _named(values: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``IN (...)`` for text values, as parameters."""
    params = {f"v{index}": value for index, value in enumerate(values)}
    return ", ".join(f":{name}" for name in params) or "NULL", params


def logged_uids(reader: Reader, uids: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """Which of these review ids are stored: uid -> (learner id, card id, grade)."""
    found: dict[str, tuple[int, int, int]] = {}
    for chunk in _chunks(uids):
        names, params = _named(chunk)
        for uid, learner_id, card_id, grade in reader.rows(
            f"SELECT uid, learner_id, card_id, grade FROM reviews WHERE uid IN ({names})", params
        ):
            found[str(uid)] = (int(learner_id), int(card_id), int(grade))
    return found


def cards_by_key(reader: Reader, keys: Sequence[str]) -> dict[str, tuple[int, int, str]]:
    """key -> (card id, section id, deck) for the keys that exist."""
    found: dict[str, tuple[int, int, str]] = {}
    for chunk in _chunks(keys):
        names, params = _named(chunk)
        for key, card_id, section_id, slug in reader.rows(
            'SELECT c."key", c.id, c.section_id, d.slug FROM cards c JOIN decks d ON d.id = c.deck_id '
            f'WHERE c."key" IN ({names})',
            params,
        ):
            found[str(key)] = (int(card_id), int(section_id), str(slug))
    return found


def stored_states(reader: Reader, learner_id: int, card_ids: Sequence[int]) -> dict[int, StoredState]:
    found: dict[int, StoredState] = {}
    for chunk in _chunks(card_ids):
        for row in reader.rows(
            f"SELECT card_id, {STATE_COLUMNS} FROM card_states "
            f"WHERE learner_id = :learner AND card_id IN ({sql_ids(chunk)})",
            {"learner": learner_id},
        ):
            found[int(row[0])] = stored_state(row[1:])
    return found


# A merge of thousands of reviews counts them in one grouped pass instead of one trigger run
# each (the trigger was most of a large merge's time). The same sums as count_reviews_insert
# (migration 0004) adds row by row, over the reviews just added (ids past ``after``).
BULK_REVIEWS = 1000
_ADDED_COUNTS = (
    "INSERT INTO learner_days (learner_id, day, deck_id, reviews, counted, retained_of, retained) "
    "SELECT r.learner_id, r.day, s.deck_id, COUNT(*), SUM(CASE WHEN r.kind = 'review' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN r.kind = 'review' AND r.passed_before THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN r.kind = 'review' AND r.passed_before AND r.grade >= 3 THEN 1 ELSE 0 END) "
    "FROM reviews r JOIN sections s ON s.id = r.section_id WHERE r.id > :after "
    "GROUP BY r.learner_id, r.day, s.deck_id "
    "ON CONFLICT (learner_id, day, deck_id) DO UPDATE SET reviews = learner_days.reviews + excluded.reviews, "
    "counted = learner_days.counted + excluded.counted, "
    "retained_of = learner_days.retained_of + excluded.retained_of, "
    "retained = learner_days.retained + excluded.retained",
    "INSERT INTO cohort_sections (cohort_id, day, section_id, retained_of, retained) "
    "SELECT m.cohort_id, r.day, r.section_id, COUNT(*), SUM(CASE WHEN r.grade >= 3 THEN 1 ELSE 0 END) "
    "FROM reviews r JOIN memberships m ON m.learner_id = r.learner_id "
    "WHERE r.id > :after AND r.kind = 'review' AND r.passed_before "
    "GROUP BY m.cohort_id, r.day, r.section_id "
    "ON CONFLICT (cohort_id, day, section_id) DO UPDATE SET "
    "retained_of = cohort_sections.retained_of + excluded.retained_of, "
    "retained = cohort_sections.retained + excluded.retained",
)
_COUNT_TRIGGER = "count_reviews_insert"


def add_reviews(db: Db, rows: Sequence[dict[str, Any]]) -> None:
    """Append reviews to the log (rows with every column of the reviews table but id): thousands
    at a time (a merge, a simulation), as one executemany."""
    if len(rows) < BULK_REVIEWS or getattr(db, "dialect", None) != "sqlite":
        db.execute_many(INSERT_REVIEW, rows)
        return
    # SQLite's DDL is part of the transaction: the trigger is back, as it was, when it commits, and
    # a failure rolls both the reviews and the drop back. Readers never see it missing.
    found = db.rows(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name", {"name": _COUNT_TRIGGER}
    )
    if not found:  # a database without the counts (before migration 0003) has nothing to keep
        db.execute_many(INSERT_REVIEW, rows)
        return
    with db.transaction():  # the caller's, or one of its own: never a moment without the trigger
        after = db.rows("SELECT COALESCE(MAX(id), 0) FROM reviews")[0][0]
        db.execute(f"DROP TRIGGER {_COUNT_TRIGGER}")
        db.execute_many(INSERT_REVIEW, rows)  # SQLite numbers new rows past the largest id
        for sql in _ADDED_COUNTS:
            db.execute(sql, {"after": after})
        db.execute(str(found[0][0]))


def set_review_outcomes(db: Db, rows: Sequence[dict[str, Any]]) -> None:
    """Correct stored reviews after a replay: kind, passed_before and the state after, by uid."""
    db.execute_many(
        'UPDATE reviews SET kind = :kind, passed_before = :passed_before, "interval" = :interval, '
        "easiness = :easiness, due = :due WHERE uid = :uid",
        rows,
    )


def put_states(
    db: Db,
    learner_id: int,
    states: dict[int, tuple[int, StoredState]],
    existing: dict[int, StoredState],
) -> None:
    """Write replayed states: card id -> (section id, new state); updated where a row exists."""
    updated, fresh = [], []
    for card_id, (section_id, stored) in states.items():
        values = {
            "learner_id": learner_id,
            "card_id": card_id,
            "new_version": stored.version,
            **state_values(stored),
        }
        if card_id in existing:
            updated.append({**values, "old_version": existing[card_id].version})
        else:
            fresh.append({**values, "section_id": section_id})
    db.execute_many(UPDATE_STATE, updated)
    db.execute_many(INSERT_STATE, fresh)
