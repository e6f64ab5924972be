"""Cohorts: create one, put learners in it, assign decks with a date, list and show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from quiz.core.controls import check_name
from quiz.errors import NotFoundError, OptionError, QuizError
from quiz.services import learners
from quiz.services.lookup import find_cohort, find_deck, find_learner
from quiz.store import cohorts as store_cohorts
from quiz.store import learners as store_learners
from quiz.store.cohorts import AssignmentRow, CohortInfo
from quiz.store.db import Db, Reader

MAX_NAME = 200


@dataclass(frozen=True)
class AssignedDeck:
    """A deck assigned to a cohort, with the date every card should be learned by."""

    deck: str
    name: str
    due_date: date | None
    assigned_at: datetime


@dataclass(frozen=True)
class AssignResult:
    cohort: str
    deck: str
    assigned: AssignedDeck | None  # None once the deck is taken off
    new: bool


def _assigned(rows: list[AssignmentRow]) -> tuple[AssignedDeck, ...]:
    return tuple(AssignedDeck(r.deck, r.name, r.due_date, r.assigned_at) for r in rows)


@dataclass(frozen=True)
class CohortSummary:
    name: str
    learners: int
    decks: tuple[AssignedDeck, ...]


@dataclass(frozen=True)
class CohortDetail:
    name: str
    created_at: datetime
    learners: tuple[str, ...]
    decks: tuple[AssignedDeck, ...]


@dataclass(frozen=True)
class MembershipChange:
    cohort: str
    changed: tuple[str, ...]  # added or removed
    unchanged: tuple[str, ...]  # were in (or out of) it already
    created: tuple[str, ...] = ()  # learners made on the way


def create(db: Db, name: str, now: datetime) -> CohortSummary:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise QuizError(f"a cohort's name must be 1 to {MAX_NAME} characters, not {name!r}")
    check_name("cohort", name)
    with db.transaction():
        if store_cohorts.cohort_by_name(db, name) is not None:
            raise QuizError(f"cohort '{name}' exists already: choose another name")
        store_cohorts.add_cohort(db, name, now)
    return CohortSummary(name, 0, ())


def add(db: Db, cohort_name: str, names: tuple[str, ...], now: datetime) -> MembershipChange:
    """Put learners in a cohort; a learner not known yet is added (the instructor names the class)."""
    with db.transaction():
        return add_members(db, find_cohort(db, cohort_name), names, now)


def add_members(db: Db, cohort: CohortInfo, names: tuple[str, ...], now: datetime) -> MembershipChange:
    """``add`` inside the caller's transaction, for a cohort already found."""
    added: list[str] = []
    already: list[str] = []
    created: list[str] = []
    for name in names:
        found = store_learners.learner_by_name(db, name.strip())
        learner = found if found is not None else learners.add(db, name, now)
        if found is None:
            created.append(learner.name)
        (added if store_cohorts.add_member(db, cohort.id, learner.id, now) else already).append(learner.name)
    return MembershipChange(cohort.name, tuple(added), tuple(already), tuple(created))


def remove(db: Db, cohort_name: str, names: tuple[str, ...]) -> MembershipChange:
    """Take learners out of a cohort; their schedules and review logs stay."""
    removed: list[str] = []
    absent: list[str] = []
    with db.transaction():
        cohort = find_cohort(db, cohort_name)
        for name in names:
            learner = find_learner(db, name)
            (removed if store_cohorts.remove_member(db, cohort.id, learner.id) else absent).append(
                learner.name
            )
    return MembershipChange(cohort.name, tuple(removed), tuple(absent))


def assign(
    db: Db,
    cohort_name: str,
    deck_name: str,
    due_date: date | None,
    now: datetime,
    remove: bool = False,
) -> AssignResult:
    """Assign a deck to a cohort, with the date every card should be learned by (or change it)."""
    with db.transaction():
        cohort = find_cohort(db, cohort_name)
        deck = find_deck(db, deck_name)
        if remove:
            if not store_cohorts.unassign(db, cohort.id, deck.id):
                raise NotFoundError(f"deck '{deck.slug}' is not assigned to cohort '{cohort.name}'")
            return AssignResult(cohort.name, deck.slug, None, False)
        if due_date is not None and due_date < now.date():
            raise OptionError(
                "--due", f"--due {due_date.isoformat()} is in the past: give a date from today on"
            )
        new = store_cohorts.assign(db, cohort.id, deck.id, due_date, now)
        row = next(r for r in store_cohorts.assignments(db, cohort.id)[cohort.id] if r.deck_id == deck.id)
    return AssignResult(cohort.name, deck.slug, _assigned([row])[0], new)


def list_all(reader: Reader) -> tuple[CohortSummary, ...]:
    counts = store_cohorts.member_counts(reader)
    decks = store_cohorts.assignments(reader)
    return tuple(
        CohortSummary(c.name, counts.get(c.id, 0), _assigned(decks.get(c.id, [])))
        for c in store_cohorts.cohorts(reader)
    )


def show(reader: Reader, cohort_name: str) -> CohortDetail:
    cohort = find_cohort(reader, cohort_name)
    return CohortDetail(
        cohort.name,
        cohort.created_at,
        tuple(m.name for m in store_cohorts.members(reader, cohort.id)),
        _assigned(store_cohorts.assignments(reader, cohort.id).get(cohort.id, [])),
    )
