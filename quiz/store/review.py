"""Card states and the review log: the daily review's queries and writes.

Plain SQL over a Db (quiz.store.db), which SQLite's driver and SQLAlchemy both run: the review
and the status open no ORM, so they start fast and the answer path costs what SQLite's durable
commit costs. Identifiers that are keywords ("interval", "references") are quoted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from quiz.core.drafts import breadcrumb
from quiz.core.scheduler import CardState as State
from quiz.errors import ConflictError
from quiz.store.db import Db, as_day, as_day_or_none, sql_ids

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
    source_text: str = ""  # the bullet or sentence it was made from: siblings share it

    @property
    def breadcrumb(self) -> str:
        return breadcrumb(self.section_path)


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
        bury: Burial | None = None,
    ) -> bool:
        """Save an answer: the card's new state (if it changed), its review and the burial of its
        siblings, together. ``bury.previous`` is filled with what the siblings were, for undo."""

        def steps() -> None:
            if new is not None:
                self._state(learner_id, card, old, new)
            self.db.execute(INSERT_REVIEW, review)
            if bury is not None:
                bury.previous[:] = bury_cards(self.db, learner_id, bury.card_ids, bury.until)

        return self._transaction(steps)

    def undo(
        self,
        learner_id: int,
        card: QueuedCard,
        current: StoredState | None,
        restored: StoredState | None,
        uid: str,
        unbury: Sequence[Flags] = (),
    ) -> bool:
        """Take an answer back: its review out of the log, the card's state as it was, the siblings
        it buried as they were."""

        def steps() -> None:
            if current is not None:
                self._state(learner_id, card, current, restored)
            if self.db.execute(DELETE_REVIEW, {"uid": uid}) != 1:
                raise _Stale
            for flags in unbury:
                restore_flags(self.db, learner_id, flags)

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


@dataclass(frozen=True)
class Flags:
    """A card's flags for a learner before they were set, so they can be put back exactly."""

    card_id: int
    existed: bool  # False: the learner had no state for it (a new card)
    suspended: bool
    buried_until: date | None


@dataclass
class Burial:
    """Siblings to bury with an answer, and (filled in by the writer) what they were before."""

    card_ids: Sequence[int]
    until: date
    previous: list[Flags] = field(default_factory=list)


def flags_of(db: Db, learner_id: int, card_ids: Sequence[int]) -> list[Flags]:
    """The current flags of these cards for a learner (a card with no state: not existed)."""
    if not card_ids:
        return []
    found = {
        int(r[0]): Flags(int(r[0]), True, bool(r[1]), as_day_or_none(r[2]))
        for r in db.rows(
            "SELECT card_id, suspended, buried_until FROM card_states WHERE learner_id = :learner "
            f"AND card_id IN ({sql_ids(card_ids)})",
            {"learner": learner_id},
        )
    }
    return [found.get(i, Flags(i, False, False, None)) for i in card_ids]


def bury_cards(db: Db, learner_id: int, card_ids: Sequence[int], until: date) -> list[Flags]:
    """Bury cards until ``until`` (those not already buried as long or suspended); returns what each
    buried one was before."""
    buried = [
        f
        for f in flags_of(db, learner_id, card_ids)
        if not f.suspended and (f.buried_until is None or f.buried_until < until)
    ]
    for flags in buried:
        set_flags(db, learner_id, flags.card_id, buried_until=until)
    return buried


def restore_flags(db: Db, learner_id: int, flags: Flags) -> None:
    """Put a card's flags back as ``flags`` says; a state made only to hold them goes again (unless
    the card was answered meanwhile)."""
    params = {"learner": learner_id, "card": flags.card_id}
    if not flags.existed:
        db.execute(
            "DELETE FROM card_states WHERE learner_id = :learner AND card_id = :card "
            "AND introduced IS NULL AND reviews = 0",
            params,
        )
    db.execute(
        "UPDATE card_states SET suspended = :suspended, buried_until = :until, version = version + 1 "
        "WHERE learner_id = :learner AND card_id = :card",
        {**params, "suspended": flags.suspended, "until": flags.buried_until},
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
