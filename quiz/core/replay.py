"""A card's state rebuilt from its review log: the log is the truth, the state what replaying it gives.

Pure: reviews in, states out, through the same scheduler the review loop uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from quiz.core.scheduler import PASS_GRADE, CardState, review


@dataclass(frozen=True)
class LoggedReview:
    """One review as the log keeps it, in the order it was given."""

    uid: str
    grade: int
    kind: str  # as logged: review, repeat or cram
    day: date


@dataclass(frozen=True)
class Replayed:
    """A logged review with what replaying it gives: its kind and the state after it."""

    uid: str
    kind: str
    passed_before: bool
    state: CardState | None  # None until the card has a counted review


@dataclass(frozen=True)
class ReplayResult:
    state: CardState | None  # None: no counted review, the card is still new
    introduced: date | None
    leech: bool
    reviews: tuple[Replayed, ...]


def replay(log: Iterable[LoggedReview], leech_threshold: int) -> ReplayResult:
    """Replay one learner's reviews of one card, oldest first.

    A review the card was due for counts and reschedules; a second one the same day is a repeat
    (nothing changes); cramming never counts. So a review counted twice, once on each of two
    machines, counts once.
    """
    state: CardState | None = None
    introduced: date | None = None
    leech = False
    replayed = []
    for item in log:
        kind = "cram" if item.kind == "cram" else "review"
        if kind == "review" and state is not None and not state.is_due(item.day):
            kind = "repeat"
        passed_before = kind == "review" and state is not None and state.repetitions > 0
        if kind == "review":
            state = review(state or CardState.new(), item.grade, item.day)
            introduced = introduced or item.day
            # A failure that reaches the threshold makes the card a leech (as the review loop does).
            leech = leech or (item.grade < PASS_GRADE and state.failures >= leech_threshold)
        replayed.append(Replayed(item.uid, kind, passed_before, state))
    return ReplayResult(state, introduced, leech, tuple(replayed))
