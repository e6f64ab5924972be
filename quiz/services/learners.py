"""Learners: add, list, rename; and the cards a learner has suspended (leeches among them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from quiz import store
from quiz.errors import QuizError
from quiz.services.review import LearnerInfo, learner_info, resolve_learner, resolve_scope
from quiz.store.review import QueuedCard

MAX_NAME = 200


@dataclass(frozen=True)
class SuspendedReport:
    learner: str
    cards: tuple[QueuedCard, ...]
    leeches_only: bool


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise QuizError(f"a learner's name must be 1 to {MAX_NAME} characters, not {name!r}")
    return name


def add(session: Session, name: str, now: datetime) -> LearnerInfo:
    name = _check_name(name)
    if store.review.learner_by_name(session, name) is not None:
        raise QuizError(f"learner '{name}' exists already: choose another name")
    return learner_info(store.review.add_learner(session, name, now))


def list_all(session: Session) -> tuple[LearnerInfo, ...]:
    return tuple(learner_info(learner) for learner in store.review.learners(session))


def rename(session: Session, old: str, new: str, now: datetime) -> LearnerInfo:
    learner = resolve_learner(session, old, now)
    new = _check_name(new)
    if new != old and store.review.learner_by_name(session, new) is not None:
        raise QuizError(f"learner '{new}' exists already: choose another name")
    learner.name = new
    session.flush()
    return learner_info(learner)


def suspended(session: Session, learner_name: str | None, deck: str | None, now: datetime,
              leeches_only: bool) -> SuspendedReport:
    learner = resolve_learner(session, learner_name, now)
    scope = resolve_scope(session, deck, None)
    cards = store.review.suspended_cards(session, learner.id, scope.deck_ids, None, leeches_only)
    return SuspendedReport(learner.name, tuple(cards), leeches_only)


def unsuspend(session: Session, learner_name: str | None, deck: str | None, section: str | None,
              keys: tuple[str, ...], leeches_only: bool, now: datetime) -> tuple[str, int]:
    """Bring suspended cards back into the review; returns the learner and how many."""
    learner = resolve_learner(session, learner_name, now)
    scope = resolve_scope(session, deck, section)
    cards = store.review.suspended_cards(session, learner.id, scope.deck_ids, scope.section_ids,
                                         leeches_only)
    if keys:
        wanted = set(keys)
        unknown = wanted - {c.key for c in cards}
        if unknown:
            raise QuizError(f"not a suspended card of {learner.name}: {', '.join(sorted(unknown))} "
                            "(quiz leeches lists them)")
        cards = [c for c in cards if c.key in wanted]
    return learner.name, store.review.release(session, learner.id, [c.card_id for c in cards])
