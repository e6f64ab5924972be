"""A card's state rebuilt from its review log: the log is the truth, the state what replaying it gives.

Pure: reviews in, states out, through the rule for one grading the review loop uses (core.grading).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from quiz.core.grading import CRAM, grade_card
from quiz.core.scheduler import CardState


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
        graded = grade_card(
            state, item.grade, item.day, cram=item.kind == CRAM, leech_threshold=leech_threshold, leech=leech
        )
        if graded.counted:
            introduced = introduced or item.day
        state, leech = graded.state, leech or graded.became_leech
        replayed.append(Replayed(item.uid, graded.kind, graded.passed_before, state))
    return ReplayResult(state, introduced, leech, tuple(replayed))
