"""A synthetic cohort for demos, for instructors trying the report, and for the benchmarks.

Learners differ in diligence (how many days they study) and memory (how likely they recall a card
on time); each studies day by day like the review loop does: due cards first, most overdue first,
then new cards in the document's order, graded 0 to 5 and rescheduled by the real scheduler, with
SM-2's same-day repeats. The same seed gives the same cohort.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from quiz.core import defaults
from quiz.core.grading import Grading, grade_card
from quiz.core.scheduler import learner_day
from quiz.errors import OptionError, QuizError
from quiz.services.lookup import find_deck
from quiz.services.review import answered_state
from quiz.store import cohorts as store_cohorts
from quiz.store import decks as store_decks
from quiz.store import learners as store_learners
from quiz.store import progress as store_progress
from quiz.store import review as store_review
from quiz.store.db import Db
from quiz.store.review import StoredState

LIMIT = defaults.REVIEWS_PER_DAY  # simulated learners keep the default limit of reviews a day
BATCH = 20_000  # review rows written at a time


MAX_LEARNERS = 10_000  # the options' limits: a cohort and a span this tool is for
MAX_DAYS = 3_650


@dataclass(frozen=True)
class SimulationResult:
    cohort: str
    deck: str
    learners: int
    days: int
    cards: int
    reviews: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class _Profile:
    diligence: float  # chance of studying on a given day
    memory: float  # chance of recalling a card reviewed on its due day
    new_per_day: int


def _profile(rng: random.Random) -> _Profile:
    return _Profile(
        diligence=rng.uniform(0.5, 0.98),
        memory=rng.uniform(0.72, 0.97),
        new_per_day=rng.choice((10, 15, 20, 25)),
    )


def _uid(rng: random.Random, at: datetime) -> str:
    digits = f"{int(at.timestamp() * 1000):012x}{rng.getrandbits(80):020x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def simulate(
    db: Db,
    learners: int,
    days: int,
    now: datetime,
    *,
    deck: str | None = None,
    seed: int = 1,
    cohort: str = "simulated",
) -> SimulationResult:
    """Add ``learners`` learners to a new cohort and ``days`` days of their reviews, ending today."""
    if not 1 <= learners <= MAX_LEARNERS:
        raise OptionError("--learners", f"--learners must be 1 to {MAX_LEARNERS}, not {learners}")
    if not 1 <= days <= MAX_DAYS:
        raise OptionError("--days", f"--days must be 1 to {MAX_DAYS}, not {days}")
    with db.transaction():
        return _simulate(db, learners, days, now, deck, seed, cohort)


def _simulate(
    db: Db, learners: int, days: int, now: datetime, deck: str | None, seed: int, cohort: str
) -> SimulationResult:
    if store_cohorts.cohort_by_name(db, cohort) is not None:
        raise QuizError(f"cohort '{cohort}' exists already: choose another with --cohort")
    chosen = find_deck(db, deck) if deck is not None else next(iter(store_decks.decks(db)), None)
    if chosen is None:
        raise QuizError("there is no deck to simulate: import one first (quiz import FILE)")
    cards = store_decks.live_cards(db, chosen.id)
    today = learner_day(now.astimezone())
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(9), UTC)
    group = store_cohorts.add_cohort(db, cohort, start)
    store_cohorts.assign(db, group.id, chosen.id, today + timedelta(days=max(7, days // 3)), start)
    rng = random.Random(f"{seed}:{cohort}")  # another cohort, other review ids
    written = 0
    pending: list[dict[str, Any]] = []
    for number in range(1, learners + 1):
        name = f"{cohort}-{number:03d}"
        if store_learners.learner_by_name(db, name) is not None:
            raise QuizError(f"learner '{name}' exists already: choose another --cohort or a fresh database")
        person = store_learners.add_learner(db, name, start)
        store_cohorts.add_member(db, group.id, person.id, start)
        states, rows = _learner_history(rng, _profile(rng), person.id, cards, first, days)
        pending += rows
        written += len(rows)
        store_progress.put_states(db, person.id, states, {})
        if len(pending) >= BATCH:
            store_progress.add_reviews(db, pending)
            pending = []
    store_progress.add_reviews(db, pending)
    return SimulationResult(group.name, chosen.slug, learners, days, len(cards), written, first, today)


def _learner_history(
    rng: random.Random,
    profile: _Profile,
    learner_id: int,
    cards: list[tuple[int, int]],
    first: date,
    days: int,
) -> tuple[dict[int, tuple[int, StoredState]], list[dict[str, Any]]]:
    stored: dict[int, StoredState] = {}
    section = dict(cards)
    rows: list[dict[str, Any]] = []
    falling_due: dict[date, list[int]] = {}  # due day -> cards, filed as they are rescheduled
    backlog: list[tuple[date, int]] = []  # due and not yet reviewed
    next_new = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        backlog += [(day, card_id) for card_id in falling_due.pop(day, [])]
        if rng.random() > profile.diligence:
            continue
        at = datetime.combine(day, time(18), UTC) + timedelta(minutes=rng.randint(0, 240))
        backlog.sort()  # most overdue first
        queue, backlog = [card_id for _due, card_id in backlog[:LIMIT]], backlog[LIMIT:]
        fresh = [c for c, _s in cards[next_new : next_new + profile.new_per_day]]
        next_new += len(fresh)
        repeats = []
        for card_id in queue + fresh:
            before = stored.get(card_id)
            state = before.state if before else None
            if state is None:
                chance = profile.memory * 0.85
            else:
                late = max(1.0, (day - (state.last_review or day)).days / max(1, state.interval))
                chance = profile.memory**late
            grade = rng.choice((3, 4, 4, 5, 5)) if rng.random() < chance else rng.choice((0, 1, 2, 2))
            graded = grade_card(state, grade, day, leech_threshold=defaults.LEECH_THRESHOLD)
            assert graded.state is not None  # every card in the queue is due or new: the review counts
            after = answered_state(before, graded.state, graded.became_leech, day)
            stored[card_id] = after
            if not graded.became_leech and graded.state.due is not None:  # a leech is suspended
                falling_due.setdefault(graded.state.due, []).append(card_id)
            at += timedelta(seconds=rng.uniform(3, 20))
            rows.append(_row(rng, learner_id, card_id, section[card_id], grade, graded, at, day, after))
            if graded.again_today:
                repeats.append(card_id)
        for card_id in repeats:  # the same-day repeats: seen again until recalled well
            at += timedelta(seconds=rng.uniform(3, 12))
            grade = rng.choice((4, 4, 5))
            graded = grade_card(stored[card_id].state, grade, day)
            rows.append(
                _row(rng, learner_id, card_id, section[card_id], grade, graded, at, day, stored[card_id])
            )
    return {card_id: (section[card_id], s) for card_id, s in stored.items()}, rows


def _row(
    rng: random.Random,
    learner_id: int,
    card_id: int,
    section_id: int,
    grade: int,
    graded: Grading,
    at: datetime,
    day: date,
    shown: StoredState,
) -> dict[str, Any]:
    return {
        "uid": _uid(rng, at),
        "learner_id": learner_id,
        "card_id": card_id,
        "section_id": section_id,
        "grade": grade,
        "kind": graded.kind,
        "reviewed_at": at,
        "day": day,
        "seconds": round(rng.uniform(3, 20), 1),
        "passed_before": graded.passed_before,
        **store_review.outcome_values(shown.state),
    }
