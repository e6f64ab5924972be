"""SM-2 as the spec states it: worked values, rejected grades and properties over random histories."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.scheduler import MAX_INTERVAL, CardState, learner_day, review

DAY = date(2026, 1, 5)


def run(grades: list[int], start: date = DAY) -> list[CardState]:
    """Review on each due date in turn; the states after each review."""
    state, today, states = CardState.new(), start, []
    for grade in grades:
        state = review(state, grade, today)
        states.append(state)
        today = state.due or today
    return states


@pytest.mark.parametrize(
    "grades,intervals,easiness",
    [
        ([4, 4, 4], [1, 6, 15], ["2.50", "2.50", "2.50"]),
        ([5, 5, 5], [1, 6, 17], ["2.60", "2.70", "2.80"]),
        ([0, 0, 0, 0], [1, 1, 1, 1], ["1.70", "1.30", "1.30", "1.30"]),
        ([3], [1], ["2.36"]),
        ([4, 4, 1, 4], [1, 6, 1, 1], ["2.50", "2.50", "1.96", "1.96"]),
    ],
)
def test_worked_values(grades: list[int], intervals: list[int], easiness: list[str]) -> None:
    states = run(grades)
    assert [s.interval for s in states] == intervals
    assert [s.easiness for s in states] == [Decimal(e) for e in easiness]


def test_new_card() -> None:
    state = CardState.new()
    assert (state.repetitions, state.easiness, state.interval, state.due, state.last_review) == (
        0,
        Decimal("2.50"),
        0,
        None,
        None,
    )


def test_fail_resets_and_counts_a_lapse_only_after_a_pass() -> None:
    first_fail = run([1])[-1]
    assert (first_fail.repetitions, first_fail.lapses, first_fail.failures) == (0, 0, 1)
    lapsed = run([4, 4, 2])[-1]
    assert (lapsed.repetitions, lapsed.interval, lapsed.lapses, lapsed.failures) == (0, 1, 1, 1)


def test_float_drift_case_is_exact() -> None:
    # ceil(6 * 1.5) is 9; with binary floats the easiness 1.5000000000000002 gives 10.
    state = CardState(repetitions=2, easiness=Decimal("1.50"), interval=6, due=DAY, last_review=DAY)
    assert review(state, 4, DAY).interval == 9


@pytest.mark.parametrize("grade", [6, -1, 2.5, "4a", "4", None, True])
def test_invalid_grades_are_rejected_not_clamped(grade: object) -> None:
    with pytest.raises(ValueError, match="grade must be a whole number from 0 to 5"):
        review(CardState.new(), grade, DAY)  # type: ignore[arg-type]


def test_early_and_same_day_reviews_change_nothing() -> None:
    state = run([4])[-1]
    assert review(state, 0, DAY) is state  # same day
    assert review(state, 5, state.due - timedelta(days=1) if state.due else DAY) is state


def test_review_before_last_review_is_an_error() -> None:
    state = run([4])[-1]
    with pytest.raises(ValueError, match="before the card's last review"):
        review(replace(state, due=None), 4, DAY - timedelta(days=1))


def test_late_review_counts_from_the_day_of_review() -> None:
    state = run([4, 4])[-1]  # interval 6
    late = (state.due or DAY) + timedelta(days=10)
    after = review(state, 4, late)
    assert after.interval == 15 and after.due == late + timedelta(days=15)


def test_interval_is_capped() -> None:
    states = run([5] * 13)
    assert states[-1].interval == MAX_INTERVAL
    assert review(states[-2], 5, states[-2].due or DAY, max_interval=100).interval == 100


def test_learner_day_starts_at_four() -> None:
    tz = timezone(timedelta(hours=2))
    assert learner_day(datetime(2026, 3, 1, 3, 59, tzinfo=tz)) == date(2026, 2, 28)
    assert learner_day(datetime(2026, 3, 1, 4, 0, tzinfo=tz)) == date(2026, 3, 1)
    assert learner_day(datetime(2026, 3, 1, 0, 30, tzinfo=tz), day_starts_at=0) == date(2026, 3, 1)


grades = st.integers(min_value=0, max_value=5)
histories = st.lists(st.tuples(grades, st.integers(min_value=0, max_value=30)), max_size=40)


def replay(history: list[tuple[int, int]]) -> list[tuple[CardState, int, CardState]]:
    """(before, grade, after) for each review, each taken some days after the card fell due."""
    state, today, steps = CardState.new(), DAY, []
    for grade, late in history:
        today = (state.due or today) + timedelta(days=late)
        after = review(state, grade, today)
        steps.append((state, grade, after))
        state = after
    return steps


@settings(max_examples=300, deadline=None)
@given(histories)
def test_properties_over_random_histories(history: list[tuple[int, int]]) -> None:
    for before, grade, after in replay(history):
        assert after.easiness >= Decimal("1.30")
        assert after.easiness == after.easiness.quantize(Decimal("0.01"))
        if grade < 3:
            assert after.repetitions == 0 and after.interval == 1
        else:
            assert after.repetitions == before.repetitions + 1
            assert after.interval >= before.interval  # a pass never shortens the interval
            if before.repetitions >= 2:
                assert after.interval == min(math.ceil(before.interval * before.easiness), MAX_INTERVAL)


@settings(max_examples=200, deadline=None)
@given(histories)
def test_result_depends_only_on_the_arguments(history: list[tuple[int, int]]) -> None:
    steps = replay(history)
    assert steps == replay(history)
    for before, grade, after in steps:
        snapshot = replace(before)
        assert review(before, grade, after.last_review or DAY) == after
        assert before == snapshot  # the input is left alone
