"""Table tests of the pure core, called directly: a grading, replay, identity across edits, typed answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from quiz.core.drafts import CardDraft
from quiz.core.grading import CRAM, REPEAT, REVIEW, grade_card
from quiz.core.identity import StoredCard, plan_import
from quiz.core.replay import LoggedReview, replay
from quiz.core.scheduler import CardState

DAY = date(2026, 3, 2)
NEW = None
# A card passed twice (n = 2, interval 6), due today.
PASSED = CardState(
    repetitions=2, easiness=Decimal("2.50"), interval=6, due=DAY, last_review=DAY - timedelta(6)
)
# A card failed this morning: due tomorrow, so a second grading today is a repeat.
FAILED_TODAY = CardState(
    repetitions=0, easiness=Decimal("1.96"), interval=1, due=DAY + timedelta(1), last_review=DAY
)


@pytest.mark.parametrize(
    ("state", "grade", "options", "kind", "after", "passed_before", "became_leech", "again_today"),
    [
        # first grade of the day, a pass on a new card: n = 1, interval 1
        (
            NEW,
            4,
            {},
            REVIEW,
            CardState(1, Decimal("2.50"), 1, DAY + timedelta(1), DAY, 0, 0, 1),
            False,
            False,
            False,
        ),
        # first grade of the day, a pass graded 3: counted, shown again today (under 4)
        (
            NEW,
            3,
            {},
            REVIEW,
            CardState(1, Decimal("2.36"), 1, DAY + timedelta(1), DAY, 0, 0, 1),
            False,
            False,
            True,
        ),
        # first grade of the day, a fail on a new card: no lapse (never passed), one failure
        (
            NEW,
            1,
            {},
            REVIEW,
            CardState(0, Decimal("1.96"), 1, DAY + timedelta(1), DAY, 0, 1, 1),
            False,
            False,
            True,
        ),
        # passed before, then passed: interval 6 x 2.50 = 15
        (
            PASSED,
            4,
            {},
            REVIEW,
            replace(PASSED, repetitions=3, interval=15, due=DAY + timedelta(15), last_review=DAY, reviews=1),
            True,
            False,
            False,
        ),
        # passed before, then failed: a lapse
        (
            PASSED,
            0,
            {},
            REVIEW,
            replace(
                PASSED,
                repetitions=0,
                easiness=Decimal("1.70"),
                interval=1,
                due=DAY + timedelta(1),
                last_review=DAY,
                lapses=1,
                failures=1,
                reviews=1,
            ),
            True,
            False,
            True,
        ),
        # same-day repeat: logged, the state stays, shown again while under 4
        (FAILED_TODAY, 2, {}, REPEAT, FAILED_TODAY, False, False, True),
        (FAILED_TODAY, 5, {}, REPEAT, FAILED_TODAY, False, False, False),
        # cram: nothing changes, even for a card due today or a new card
        (PASSED, 0, {"cram": True}, CRAM, PASSED, False, False, True),
        (NEW, 5, {"cram": True}, CRAM, None, False, False, False),
    ],
)
def test_one_grading(
    state: CardState | None,
    grade: int,
    options: dict[str, bool],
    kind: str,
    after: CardState | None,
    passed_before: bool,
    became_leech: bool,
    again_today: bool,
) -> None:
    graded = grade_card(state, grade, DAY, **options)
    assert (graded.kind, graded.state, graded.passed_before, graded.became_leech, graded.again_today) == (
        kind,
        after,
        passed_before,
        became_leech,
        again_today,
    )
    assert graded.counted == (kind == REVIEW)


@pytest.mark.parametrize(
    ("failures", "grade", "already", "became"),
    [
        (2, 1, False, True),  # the third failure reaches a threshold of 3
        (1, 1, False, False),  # the second does not
        (2, 3, False, False),  # a pass never makes a leech
        (2, 1, True, False),  # a leech already does not become one again
        (5, 0, False, True),  # past the threshold (it was raised, then lowered): a leech at the next failure
    ],
)
def test_leech_threshold(failures: int, grade: int, already: bool, became: bool) -> None:
    state = replace(PASSED, failures=failures)
    graded = grade_card(state, grade, DAY, leech_threshold=3, leech=already)
    assert graded.became_leech is became
    assert graded.again_today is (grade < 4 and not became)  # a new leech is suspended, not repeated


def test_a_grading_before_the_last_review_is_refused() -> None:
    with pytest.raises(ValueError, match="before the card's last review"):
        grade_card(replace(PASSED, last_review=DAY + timedelta(1)), 4, DAY)


@pytest.mark.parametrize("grade", [6, -1, 2.5, "4"])
def test_only_grades_0_to_5(grade: object) -> None:
    with pytest.raises(ValueError, match="0 to 5"):
        grade_card(NEW, grade, DAY)  # type: ignore[arg-type]


# --- replay ------------------------------------------------------------------------------------------


def _log(*entries: tuple[int, str, int]) -> list[LoggedReview]:
    """(day offset, kind, grade) -> the log, uids in order."""
    return [
        LoggedReview(f"r{n}", grade, kind, DAY + timedelta(offset))
        for n, (offset, kind, grade) in enumerate(entries)
    ]


@pytest.mark.parametrize(
    ("entries", "kinds", "repetitions", "interval", "introduced", "leech"),
    [
        # nothing counted: the card stays new
        ([], [], None, None, None, False),
        ([(0, "cram", 5)], ["cram"], None, None, None, False),
        # 4, 4, 4 on their due days: 1, 6, 15
        ([(0, "review", 4), (1, "review", 4), (7, "review", 4)], ["review"] * 3, 3, 15, 0, False),
        # a second grading the same day is a repeat, whatever the log called it
        (
            [(0, "review", 2), (0, "review", 4), (1, "review", 4)],
            ["review", "repeat", "review"],
            1,
            1,
            0,
            False,
        ),
        # a review logged twice (once on each of two machines) counts once
        ([(0, "review", 5), (0, "review", 5)], ["review", "repeat"], 1, 1, 0, False),
        # studying ahead is logged but does not count
        ([(0, "review", 5), (0, "cram", 0), (1, "review", 5)], ["review", "cram", "review"], 2, 6, 0, False),
        # three failures on three days reach a threshold of 3
        ([(0, "review", 0), (1, "review", 0), (2, "review", 1)], ["review"] * 3, 0, 1, 0, True),
        # introduced on the first counted review, not on cramming
        ([(0, "cram", 4), (2, "review", 4)], ["cram", "review"], 1, 1, 2, False),
    ],
)
def test_replay(
    entries: list[tuple[int, str, int]],
    kinds: list[str],
    repetitions: int | None,
    interval: int | None,
    introduced: int | None,
    leech: bool,
) -> None:
    result = replay(_log(*entries), leech_threshold=3)
    assert [r.kind for r in result.reviews] == kinds
    assert [r.uid for r in result.reviews] == [f"r{n}" for n in range(len(entries))]
    if repetitions is None:
        assert result.state is None
    else:
        assert result.state is not None
        assert (result.state.repetitions, result.state.interval) == (repetitions, interval)
    assert result.introduced == (None if introduced is None else DAY + timedelta(introduced))
    assert result.leech is leech


def test_replay_marks_passed_before_on_counted_reviews_only() -> None:
    result = replay(_log((0, "review", 4), (0, "review", 4), (1, "review", 1), (2, "review", 4)), 8)
    assert [r.passed_before for r in result.reviews] == [False, False, True, False]
    assert result.state is not None and result.state.lapses == 1


# --- identity across edits ---------------------------------------------------------------------------

PATH = ("Deck", "Imaging")


def _draft(
    key: str, text: str, back: str = "answer", path: tuple[str, ...] = PATH, kind: str = "cloze"
) -> CardDraft:
    return CardDraft(key, kind, path, text, back, 1, (), text)


def _stored(
    id: int,
    key: str,
    text: str,
    back: str = "answer",
    *,
    source_key: str | None = None,
    retired: bool = False,
) -> StoredCard:
    return StoredCard(id, key, source_key or key, PATH, "cloze", text, back, retired)


LONG = "Computed tomography has a high sensitivity for detecting loose bodies in the joint"


@pytest.mark.parametrize(
    ("stored", "drafts", "expected"),
    [
        # unchanged: the same text gives the same key
        ([_stored(1, "k1", LONG)], [_draft("k1", LONG)], {"unchanged": [(1, "k1")]}),
        # edited a little: same section and kind, similar text, matched in place
        ([_stored(1, "k1", LONG)], [_draft("k2", LONG + " and joints")], {"updated": [(1, "k2")]}),
        # an edit undone gives the first key back
        ([_stored(1, "k1", LONG + "!", source_key="k2")], [_draft("k1", LONG)], {"updated": [(1, "k1")]}),
        # new: nothing alike
        ([], [_draft("k1", LONG)], {"added": ["k1"]}),
        # rewritten entirely: the old card retires, the new one is added
        (
            [_stored(1, "k1", LONG)],
            [_draft("k9", "Bisphosphonates delay mineralisation")],
            {"added": ["k9"], "retired": [1]},
        ),
        # a retired card made again comes back
        ([_stored(1, "k1", LONG, retired=True)], [_draft("k1", LONG)], {"restored": [(1, "k1")]}),
        # a similar text in another section is another card
        (
            [_stored(1, "k1", LONG)],
            [_draft("k2", LONG + " and joints", path=("Deck", "Other"))],
            {"added": ["k2"], "retired": [1]},
        ),
        # a retired card is not retired twice
        ([_stored(1, "k1", LONG, retired=True)], [], {}),
    ],
)
def test_plan_import(
    stored: list[StoredCard], drafts: list[CardDraft], expected: dict[str, list[object]]
) -> None:
    plan = plan_import(stored, drafts)
    got = {
        "unchanged": [(i, d.key) for i, d in plan.unchanged],
        "updated": [(i, d.key) for i, d in plan.updated],
        "restored": [(i, d.key) for i, d in plan.restored],
        "added": [d.key for d in plan.added],
        "retired": plan.retired,
    }
    assert {k: v for k, v in got.items() if v} == expected


def test_plan_import_pairs_the_closest_edit_first() -> None:
    stored = [_stored(1, "k1", LONG + " of the hip"), _stored(2, "k2", LONG + " of the knee joint")]
    plan = plan_import(stored, [_draft("k3", LONG + " of the knee joints")])
    assert [(i, d.key) for i, d in plan.updated] == [(2, "k3")]
    assert plan.retired == [1]
