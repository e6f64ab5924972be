"""Cohorts, their members and the decks assigned to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from quiz.store.models import Assignment, Cohort, Deck, Learner, Membership


@dataclass(frozen=True)
class AssignmentRow:
    deck_id: int
    deck: str
    name: str
    due_date: date | None
    assigned_at: datetime


def cohort_by_name(session: Session, name: str) -> Cohort | None:
    return session.scalars(select(Cohort).where(Cohort.name == name)).first()


def cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.name)))


def add_cohort(session: Session, name: str, now: datetime) -> Cohort:
    cohort = Cohort(name=name, created_at=now)
    session.add(cohort)
    session.flush()
    return cohort


def members(session: Session, cohort_id: int) -> list[Learner]:
    return list(
        session.scalars(
            select(Learner)
            .join(Membership, Membership.learner_id == Learner.id)
            .where(Membership.cohort_id == cohort_id)
            .order_by(Learner.name)
        )
    )


def member_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Membership.cohort_id, func.count()).group_by(Membership.cohort_id))
    return {cohort_id: int(count) for cohort_id, count in rows}


def cohorts_of(session: Session, learner_id: int) -> list[Cohort]:
    return list(
        session.scalars(
            select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.learner_id == learner_id)
            .order_by(Cohort.name)
        )
    )


def add_member(session: Session, cohort_id: int, learner_id: int, now: datetime) -> bool:
    """Put a learner in a cohort; False when they were in it already."""
    if session.get(Membership, (cohort_id, learner_id)) is not None:
        return False
    session.add(Membership(cohort_id=cohort_id, learner_id=learner_id, joined_at=now))
    session.flush()
    return True


def remove_member(session: Session, cohort_id: int, learner_id: int) -> bool:
    result = session.execute(
        delete(Membership).where(Membership.cohort_id == cohort_id, Membership.learner_id == learner_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def assignments(session: Session, cohort_id: int | None = None) -> dict[int, list[AssignmentRow]]:
    """The decks assigned, per cohort id, in the order of their deck names."""
    query = (
        select(
            Assignment.cohort_id, Deck.id, Deck.slug, Deck.name, Assignment.due_date, Assignment.assigned_at
        )
        .join(Deck, Deck.id == Assignment.deck_id)
        .order_by(Deck.name)
    )
    if cohort_id is not None:
        query = query.where(Assignment.cohort_id == cohort_id)
    found: dict[int, list[AssignmentRow]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(AssignmentRow(*row[1:]))
    return found


def assign(session: Session, cohort_id: int, deck_id: int, due_date: date | None, now: datetime) -> bool:
    """Assign a deck (or change its date); True when it was not assigned before."""
    existing = session.scalars(
        select(Assignment).where(Assignment.cohort_id == cohort_id, Assignment.deck_id == deck_id)
    ).first()
    if existing is not None:
        existing.due_date = due_date
        session.flush()
        return False
    session.add(Assignment(cohort_id=cohort_id, deck_id=deck_id, due_date=due_date, assigned_at=now))
    session.flush()
    return True


def unassign(session: Session, cohort_id: int, deck_id: int) -> bool:
    result = session.execute(
        delete(Assignment).where(Assignment.cohort_id == cohort_id, Assignment.deck_id == deck_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
