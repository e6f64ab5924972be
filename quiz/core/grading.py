"""What one grading does, written once: counted review, same-day repeat or cram; leech; passed before.

Pure: the review loop, the replay of a progress file and the simulation all call ``grade_card``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quiz.core import defaults
from quiz.core.scheduler import PASS_GRADE, CardState, check_grade, review

REPEAT_BELOW = 4  # SM-2: a card graded under 4 comes back before the day's session ends

# The kinds a review log entry has.
REVIEW = "review"  # counted: the scheduler ran
REPEAT = "repeat"  # graded again before the card was due (the same day): logged, nothing changes
CRAM = "cram"  # practice asked for: logged, nothing changes
KINDS = (REVIEW, REPEAT, CRAM)


@dataclass(frozen=True)
class Grading:
    """What one grading gives: the log entry's kind, the state after it and what the callers act on."""

    kind: str  # review, repeat or cram
    state: CardState | None  # the state after; None while a card never reviewed stays new (cram)
    passed_before: bool  # a counted review of a card whose last counted review was a pass
    became_leech: bool  # this grading made the card a leech (suspend it, report it)
    again_today: bool  # the card is shown again before the session ends

    @property
    def counted(self) -> bool:
        return self.kind == REVIEW


def grade_card(
    state: CardState | None,
    grade: int,
    today: date,
    *,
    cram: bool = False,
    leech_threshold: int = defaults.LEECH_THRESHOLD,
    leech: bool = False,
) -> Grading:
    """One grading of one card on ``today``: ``state`` None for a card never reviewed, ``cram`` when
    practising cards that are not due, ``leech`` when the card is a leech already.

    A review before ``last_review`` (a clock moved back) raises ValueError, as the scheduler does.
    """
    q = check_grade(grade)
    if cram:
        # Cram: practice only, whatever the card's state; nothing is rescheduled.
        return Grading(CRAM, state, False, False, q < REPEAT_BELOW)
    if state is not None and not state.is_due(today):
        # Same-day repeat (or any grading before the due date): only the first grade of a day counts.
        return Grading(REPEAT, state, False, False, q < REPEAT_BELOW)
    # Passed before: the last counted review was a pass (what a lapse and retention are counted on).
    passed_before = state is not None and state.repetitions > 0
    after = review(state or CardState.new(), q, today)
    # Leech: a failure that brings the failures to the threshold, once per card.
    became_leech = q < PASS_GRADE and after.failures >= leech_threshold and not leech
    # A leech is suspended at once, so it is not shown again; other grades under 4 are.
    return Grading(REVIEW, after, passed_before, became_leech, q < REPEAT_BELOW and not became_leech)
