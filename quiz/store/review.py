"""Learners, their card states and the review log: the daily review's queries and writes.

Plain SQL over a Db (quiz.store.db), which SQLite's driver and SQLAlchemy both run: the review
and the status open no ORM, so they start fast and the answer path costs what SQLite's durable
commit costs. Identifiers that are keywords ("interval", "references") are quoted.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from quiz.core import defaults
from quiz.core.drafts import breadcrumb, path_titles
from quiz.core.scheduler import CardState as State
from quiz.errors import ConflictError
from quiz.store.db import Db, Reader, as_day, as_day_or_none, sql_ids

STATE_FIELDS = (
    "repetitions",
    "easiness",
    "interval",
    "due",
    "last_review",
    "lapses",
    "failures",
    "reviews",
    "introduced",
    "suspended",
    "leech",
    "buried_until",
)
STATE_COLUMNS = ", ".join(f'"{name}"' for name in (*STATE_FIELDS, "version"))


@dataclass(frozen=True)
class StoredState:
    """A learner's stored state of a card: SM-2's part, the flags beside it and its version."""

    state: State
    introduced: date | None
    suspended: bool
    leech: bool
    buried_until: date | None
    version: int


@dataclass(frozen=True)
class QueuedCard:
    card_id: int
    section_id: int
    key: str
    deck: str
    section_path: tuple[str, ...]  # the titles, from the deck's down
    kind: str
    front: str
    back: str
    references: tuple[str, ...]
    stored: StoredState | None  # None: the card is new to this learner

    @property
    def breadcrumb(self) -> str:
        return breadcrumb(self.section_path)


@dataclass(frozen=True)
class LearnerInfo:
    id: int
    name: str
    new_per_day: int
    reviews_per_day: int
    leech_threshold: int
    day_starts_at: int


def stored_state(values: Sequence[Any]) -> StoredState:
    """The one place a stored row (STATE_COLUMNS, in order) becomes a scheduler state; easiness
    is kept in exact hundredths."""
    (
        repetitions,
        easiness,
        interval,
        due,
        last_review,
        lapses,
        failures,
        reviews,
        introduced,
        suspended,
        leech,
        buried_until,
        version,
    ) = values
    state = State(
        repetitions=int(repetitions),
        easiness=Decimal(int(easiness)) / 100,
        interval=int(interval),
        due=as_day_or_none(due),
        last_review=as_day_or_none(last_review),
        lapses=int(lapses),
        failures=int(failures),
        reviews=int(reviews),
    )
    return StoredState(
        state,
        as_day_or_none(introduced),
        bool(suspended),
        bool(leech),
        as_day_or_none(buried_until),
        int(version),
    )


def state_values(stored: StoredState) -> dict[str, Any]:
    """The one place a scheduler state becomes column values."""
    state = stored.state
    return {
        "repetitions": state.repetitions,
        "easiness": int(state.easiness * 100),
        "interval": state.interval,
        "due": state.due,
        "last_review": state.last_review,
        "lapses": state.lapses,
        "failures": state.failures,
        "reviews": state.reviews,
        "introduced": stored.introduced,
        "suspended": stored.suspended,
        "leech": stored.leech,
        "buried_until": stored.buried_until,
    }


def outcome_values(state: State | None) -> dict[str, Any]:
    """The state after a review, as its row in the log keeps it (None: the card is still new)."""
    if state is None:
        return {"interval": 0, "easiness": 250, "due": None}
    return {"interval": state.interval, "easiness": int(state.easiness * 100), "due": state.due}


# --- learners ---------------------------------------------------------------------------------------

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


# --- the queue ----------------------------------------------------------------------------------------

_QUEUE = (
    'SELECT c.id, c.section_id, c."key", d.slug, s.path, c.kind, c.front, c.back, c."references", '
    f"st.learner_id, {', '.join('st.' + c for c in STATE_COLUMNS.split(', '))} "
    "FROM cards c JOIN sections s ON s.id = c.section_id JOIN decks d ON d.id = c.deck_id "
    "{join} card_states st ON st.card_id = c.id AND st.learner_id = :learner "
    "WHERE NOT c.retired"
)


def _queue_sql(inner: bool = False) -> str:
    return _QUEUE.replace("{join}", "JOIN" if inner else "LEFT JOIN")


def _scoped(deck_ids: Sequence[int] | None, section_ids: Sequence[int] | None) -> str:
    found = ""
    if deck_ids is not None:
        found += f" AND c.deck_id IN ({sql_ids(deck_ids)})"
    if section_ids is not None:
        found += f" AND c.section_id IN ({sql_ids(section_ids)})"
    return found


def _references(value: Any) -> tuple[str, ...]:
    # JSON: text in SQLite, already a list from PostgreSQL.
    if value is None:
        return ()
    return tuple(json.loads(value) if isinstance(value, str) else value)


def _queued(rows: Sequence[Sequence[Any]]) -> list[QueuedCard]:
    return [
        QueuedCard(
            int(r[0]),
            int(r[1]),
            str(r[2]),
            str(r[3]),
            path_titles(str(r[4])),
            str(r[5]),
            str(r[6]),
            str(r[7]),
            _references(r[8]),
            stored_state(r[10:]) if r[9] is not None else None,
        )
        for r in rows
    ]


AVAILABLE = "NOT st.suspended AND (st.buried_until IS NULL OR st.buried_until <= :today)"


def due_cards(
    db: Db,
    learner_id: int,
    today: date,
    limit: int,
    deck_ids: Sequence[int] | None = None,
    section_ids: Sequence[int] | None = None,
) -> list[QueuedCard]:
    """Introduced cards due today or before, the most overdue first."""
    sql = (
        f"{_queue_sql(inner=True)}{_scoped(deck_ids, section_ids)} AND st.introduced IS NOT NULL "
        f"AND st.due <= :today AND {AVAILABLE} ORDER BY st.due, c.deck_id, c.position LIMIT :limit"
    )
    return _queued(db.rows(sql, {"learner": learner_id, "today": today, "limit": max(limit, 0)}))


HELD = "(st.introduced IS NOT NULL OR st.suspended OR st.buried_until > :today)"


def new_cards(
    db: Db,
    learner_id: int,
    today: date,
    limit: int,
    deck_ids: Sequence[int] | None = None,
    section_ids: Sequence[int] | None = None,
) -> list[QueuedCard]:
    """Cards this learner has never reviewed, in the document's order (decks in import order)."""
    if limit <= 0:
        return []
    params = {"learner": learner_id, "today": today, "limit": limit}
    if deck_ids is None and section_ids is None:
        # A learner who has met every card (late in a course) would have the whole deck walked for
        # nothing: two counts tell first (a state is held for a distinct card, retired ones too).
        held = db.rows(
            f"SELECT COUNT(*) FROM card_states st WHERE st.learner_id = :learner AND {HELD}", params
        )
        if held[0][0] and held[0][0] >= db.rows("SELECT COUNT(*) FROM cards")[0][0]:
            return []
    # Walk the cards in document order on their index and stop at the limit; the details are
    # fetched for those few only.
    ids = db.rows(
        f"SELECT c.id FROM cards c WHERE NOT c.retired{_scoped(deck_ids, section_ids)} AND NOT EXISTS "
        f"(SELECT 1 FROM card_states st WHERE st.learner_id = :learner AND st.card_id = c.id AND {HELD}) "
        "ORDER BY c.deck_id, c.position LIMIT :limit",
        params,
    )
    return cards_by_id(db, learner_id, [int(r[0]) for r in ids])


def cram_cards(
    db: Db, learner_id: int, deck_ids: Sequence[int] | None = None, section_ids: Sequence[int] | None = None
) -> list[QueuedCard]:
    """Every card in scope that is not suspended, in the document's order: practice only."""
    return _queued(
        db.rows(
            f"{_queue_sql()}{_scoped(deck_ids, section_ids)} AND (st.card_id IS NULL OR NOT st.suspended) "
            "ORDER BY d.name, c.position",
            {"learner": learner_id},
        )
    )


def cards_by_id(db: Db, learner_id: int, card_ids: Sequence[int]) -> list[QueuedCard]:
    if not card_ids:
        return []
    found = {
        card.card_id: card
        for card in _queued(
            db.rows(f"{_queue_sql()} AND c.id IN ({sql_ids(card_ids)})", {"learner": learner_id})
        )
    }
    return [found[i] for i in card_ids if i in found]


def todays_reviews(db: Db, learner_id: int, today: date) -> list[tuple[int, int, str]]:
    """(card id, grade, kind) of every review of the learner's day, in order."""
    return [
        (int(r[0]), int(r[1]), str(r[2]))
        for r in db.rows(
            "SELECT card_id, grade, kind FROM reviews"
            " WHERE learner_id = :learner AND day = :today ORDER BY id",
            {"learner": learner_id, "today": today},
        )
    ]


def introduced_among(db: Db, learner_id: int, day: date, card_ids: Sequence[int]) -> int:
    """How many of these cards the learner saw for the first time on ``day``."""
    if not card_ids:
        return 0
    return int(
        db.rows(
            f"SELECT COUNT(*) FROM card_states WHERE learner_id = :learner AND introduced = :day "
            f"AND card_id IN ({sql_ids(sorted(set(card_ids)))})",
            {"learner": learner_id, "day": day},
        )[0][0]
    )


# --- answers (the hot path) ---------------------------------------------------------------------------

_VALUES = ", ".join(f":{name}" for name in STATE_FIELDS)


@functools.lru_cache(maxsize=64)
def _update_state(fields: tuple[str, ...]) -> str:
    """The update of a state's ``fields`` only: an index none of whose columns is set is left as it
    is (SQLite rewrites an index whose column is set, even to the same value), so a usual answer
    writes fewer pages. A few shapes in all (a pass, a fail, a leech): each written once."""
    assigned = "".join(f'"{name}" = :{name}, ' for name in fields)
    return (
        f"UPDATE card_states SET {assigned}version = :new_version "
        "WHERE learner_id = :learner_id AND card_id = :card_id AND version = :old_version"
    )


# Every field set: a state replayed from a progress file, which may differ anywhere.
UPDATE_STATE = _update_state(STATE_FIELDS)
INSERT_STATE = (
    f"INSERT INTO card_states (learner_id, card_id, section_id, {STATE_COLUMNS}) "
    f"VALUES (:learner_id, :card_id, :section_id, {_VALUES}, :new_version)"
)
DELETE_STATE = (
    "DELETE FROM card_states WHERE learner_id = :learner_id AND card_id = :card_id AND version = :old_version"
)
REVIEW_FIELDS = (
    "uid",
    "learner_id",
    "card_id",
    "section_id",
    "passed_before",
    "grade",
    "kind",
    "reviewed_at",
    "day",
    "seconds",
    "interval",
    "easiness",
    "due",
)
INSERT_REVIEW = (
    "INSERT INTO reviews (" + ", ".join(f'"{name}"' for name in REVIEW_FIELDS) + ") "
    "VALUES (" + ", ".join(f":{name}" for name in REVIEW_FIELDS) + ")"
)
DELETE_REVIEW = "DELETE FROM reviews WHERE uid = :uid"


class _Stale(Exception):
    """The card's row changed under us: roll the transaction back."""


class AnswerWriter:
    """A sitting's answers and undos, each one short committed transaction.

    The hot path: every answer must be saved before the next card is shown, so this is the one
    writer below the CLI that commits.
    """

    def __init__(self, db: Db) -> None:
        self.db = db

    def _transaction(self, steps: Any) -> bool:
        """Run ``steps`` in one transaction: False (and nothing saved) if the card was changed or
        answered by another session meanwhile."""
        try:
            with self.db.transaction():
                steps()
        except (_Stale, ConflictError):  # a new card's state written by another session first
            return False
        return True

    def _state(
        self, learner_id: int, card: QueuedCard, old: StoredState | None, new: StoredState | None
    ) -> None:
        """Move the card's row from ``old`` to ``new`` (None: no row) if no one else changed it."""
        key = {"learner_id": learner_id, "card_id": card.card_id}
        if new is None:
            assert old is not None
            changed = self.db.execute(DELETE_STATE, {**key, "old_version": old.version})
        elif old is None:
            changed = self.db.execute(
                INSERT_STATE,
                {**key, "section_id": card.section_id, "new_version": new.version, **state_values(new)},
            )
        else:
            values = state_values(new)
            before = state_values(old)
            moved = tuple(name for name in STATE_FIELDS if values[name] != before[name])
            changed = self.db.execute(
                _update_state(moved),
                {**key, "new_version": new.version, "old_version": old.version, **values},
            )
        if changed != 1:
            raise _Stale

    def answer(
        self,
        learner_id: int,
        card: QueuedCard,
        old: StoredState | None,
        new: StoredState | None,
        review: dict[str, Any],
    ) -> bool:
        """Save an answer: the card's new state (if it changed) and its review, together."""

        def steps() -> None:
            if new is not None:
                self._state(learner_id, card, old, new)
            self.db.execute(INSERT_REVIEW, review)

        return self._transaction(steps)

    def undo(
        self,
        learner_id: int,
        card: QueuedCard,
        current: StoredState | None,
        restored: StoredState | None,
        uid: str,
    ) -> bool:
        """Take an answer back: its review out of the log, the card's state as it was."""

        def steps() -> None:
            if current is not None:
                self._state(learner_id, card, current, restored)
            if self.db.execute(DELETE_REVIEW, {"uid": uid}) != 1:
                raise _Stale

        return self._transaction(steps)


# --- flags, leeches and counts ------------------------------------------------------------------------

FLAGS = frozenset({"suspended", "buried_until"})


def set_flags(db: Db, learner_id: int, card_id: int, **flags: Any) -> None:
    """Suspend, bury or release a card for a learner, creating its state row if it is new."""
    assert set(flags) <= FLAGS
    params = {"learner": learner_id, "card": card_id, **flags}
    changed = db.execute(
        f"UPDATE card_states SET {', '.join(f'{k} = :{k}' for k in flags)}, "
        "version = version + 1 WHERE learner_id = :learner AND card_id = :card",
        params,
    )
    if changed == 0:
        fresh = {**state_values(StoredState(State.new(), None, False, False, None, 1)), **flags}
        db.execute(
            f"INSERT INTO card_states (learner_id, card_id, section_id, {STATE_COLUMNS}) "
            f"SELECT :learner, :card, section_id, {_VALUES}, 1 FROM cards WHERE id = :card",
            {**params, **fresh},
        )


def suspended_cards(
    db: Db,
    learner_id: int,
    deck_ids: Sequence[int] | None = None,
    section_ids: Sequence[int] | None = None,
    leeches_only: bool = False,
) -> list[QueuedCard]:
    leech = " AND st.leech" if leeches_only else ""
    return _queued(
        db.rows(
            f"{_queue_sql(inner=True)}{_scoped(deck_ids, section_ids)} "
            f"AND st.suspended{leech} ORDER BY d.name, c.position",
            {"learner": learner_id},
        )
    )


def release(db: Db, learner_id: int, card_ids: Sequence[int]) -> int:
    """Unsuspend cards; a leech gets a fresh count of failures before it is a leech again."""
    if not card_ids:
        return 0
    return db.execute(
        "UPDATE card_states SET suspended = :no, "
        "failures = CASE WHEN leech THEN 0 ELSE failures END, leech = :no, "
        "version = version + 1 "
        f"WHERE learner_id = :learner AND card_id IN ({sql_ids(card_ids)})",
        {"learner": learner_id, "no": False},
    )


def reviewed_on(db: Db, learner_id: int, day: date) -> bool:
    return bool(
        db.rows(
            "SELECT 1 FROM reviews WHERE learner_id = :learner AND day = :day LIMIT 1",
            {"learner": learner_id, "day": day},
        )
    )


def streak(db: Db, learner_id: int, today: date) -> int:
    """Consecutive days with a review, ending today or yesterday: one index probe a day."""
    day = today if reviewed_on(db, learner_id, today) else today - timedelta(days=1)
    count = 0
    while reviewed_on(db, learner_id, day):
        count += 1
        day -= timedelta(days=1)
    return count


def due_forecast(db: Db, learner_id: int, first: date, last: date) -> dict[date, int]:
    """The learner's live, unsuspended cards falling due per day from ``first`` to ``last``: read
    from the counts the database keeps (learner_due, migration 0003)."""
    return {
        as_day(r[0]): int(r[1])
        for r in db.rows(
            "SELECT due, SUM(cards) FROM learner_due WHERE learner_id = :learner AND due >= :first "
            "AND due <= :last GROUP BY due",
            {"learner": learner_id, "first": first, "last": last},
        )
    }
