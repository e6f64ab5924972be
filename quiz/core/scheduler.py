"""SM-2 exactly as ../shared/specs/sm2.md: a pure function from (state, grade, day) to a new state.

Nothing here reads the clock, a database or randomness; the easiness is an exact Decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from quiz.core.days import DAY_STARTS_AT as DAY_STARTS_AT  # part of the scheduler's API
from quiz.core.days import learner_day as learner_day

INITIAL_EASINESS = Decimal("2.50")
MIN_EASINESS = Decimal("1.30")
PASS_GRADE = 3  # q >= 3 passes
FIRST_INTERVAL = 1  # days after the first pass
SECOND_INTERVAL = 6  # days after the second pass in a row
MAX_INTERVAL = 36_500  # a century, as in Anki; keeps due dates inside the calendar
GRADES = range(0, 6)
# d(q) = 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02), exactly, per grade.
EASINESS_STEP = {q: Decimal("0.1") - (5 - q) * (Decimal("0.08") + (5 - q) * Decimal("0.02")) for q in GRADES}


@dataclass(frozen=True)
class CardState:
    """One learner's SM-2 state of one card, with the counters kept beside it."""

    repetitions: int = 0
    easiness: Decimal = INITIAL_EASINESS
    interval: int = 0
    due: date | None = None
    last_review: date | None = None
    lapses: int = 0  # times a passed card was failed
    failures: int = 0  # failing reviews in all (leeches are counted by these)
    reviews: int = 0  # reviews that counted

    @classmethod
    def new(cls) -> CardState:
        return cls()

    def is_due(self, today: date) -> bool:
        return self.due is None or self.due <= today


def check_grade(grade: object) -> int:
    """The grade as an int, or ValueError: only the integers 0 to 5, never clamped."""
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise ValueError(f"grade must be a whole number from 0 to 5, not {grade!r}")
    return grade


def review(state: CardState, grade: int, today: date, *, max_interval: int = MAX_INTERVAL) -> CardState:
    """The state after one review graded ``grade`` on ``today``; ``state`` itself is left alone."""
    q = check_grade(grade)
    if state.last_review is not None and today < state.last_review:
        raise ValueError(f"review on {today} is before the card's last review on {state.last_review}")
    # Rule 1: before the due date (studying ahead, or a repeat the same day) nothing changes.
    if state.due is not None and today < state.due:
        return state
    # Rule 2: the new easiness, for failing grades too; floor 1.30, no ceiling.
    easiness = max(MIN_EASINESS, state.easiness + EASINESS_STEP[q])
    if q >= PASS_GRADE:
        # Rule 3: a pass grows the interval from the easiness before this review, rounding up.
        if state.repetitions == 0:
            interval = FIRST_INTERVAL
        elif state.repetitions == 1:
            interval = SECOND_INTERVAL
        else:
            interval = math.ceil(state.interval * state.easiness)
        repetitions, lapses, failures = state.repetitions + 1, state.lapses, state.failures
    else:
        # Rule 4: a fail starts the card over; a lapse if it had been passed.
        interval, repetitions = FIRST_INTERVAL, 0
        lapses = state.lapses + (1 if state.repetitions > 0 else 0)
        failures = state.failures + 1
    interval = min(interval, max_interval)  # the cap applies to the stored interval
    # Rule 5: due counts from the day of the review (lateness is ignored).
    return replace(
        state,
        repetitions=repetitions,
        easiness=easiness,
        interval=interval,
        due=today + timedelta(days=interval),
        last_review=today,
        lapses=lapses,
        failures=failures,
        reviews=state.reviews + 1,
    )
