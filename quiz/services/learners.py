"""Learners: add, list, rename; and the cards a learner has suspended (leeches among them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from quiz.core.controls import check_name
from quiz.errors import OptionError, QuizError
from quiz.services.lookup import resolve_learner
from quiz.services.queue import resolve_scope
from quiz.store import learners as store_learners
from quiz.store import queue as store_queue
from quiz.store import review as store_review
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo
from quiz.store.review import QueuedCard

MAX_NAME = 200


@dataclass(frozen=True)
class LearnerSummary:
    """A learner and their daily limits, as `quiz learner list` shows them."""

    name: str
    new_per_day: int
    reviews_per_day: int
    leech_threshold: int
    day_starts_at: int


@dataclass(frozen=True)
class SuspendedCard:
    key: str
    deck: str
    section: tuple[str, ...]  # its path, from the deck's title down
    kind: str
    front: str
    back: str
    failures: int
    leech: bool


@dataclass(frozen=True)
class SuspendedReport:
    learner: str
    cards: tuple[SuspendedCard, ...]
    leeches_only: bool


@dataclass(frozen=True)
class UnsuspendResult:
    learner: str
    cards: int  # how many came back into the review


def summary_of(info: LearnerInfo) -> LearnerSummary:
    return LearnerSummary(
        info.name, info.new_per_day, info.reviews_per_day, info.leech_threshold, info.day_starts_at
    )


def _suspended_card(card: QueuedCard) -> SuspendedCard:
    return SuspendedCard(
        card.key,
        card.deck,
        card.section_path,
        card.kind,
        card.front,
        card.back,
        card.stored.state.failures if card.stored else 0,
        bool(card.stored and card.stored.leech),
    )


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise QuizError(f"a learner's name must be 1 to {MAX_NAME} characters, not {name!r}")
    return check_name("learner", name)


def add(db: Db, name: str, now: datetime) -> LearnerInfo:
    name = _check_name(name)
    with db.transaction():
        if store_learners.learner_by_name(db, name) is not None:
            raise QuizError(f"learner '{name}' exists already: choose another name")
        return store_learners.add_learner(db, name, now)


def list_all(db: Db) -> tuple[LearnerSummary, ...]:
    return tuple(summary_of(info) for info in store_learners.learners(db))


def rename(db: Db, old: str, new: str, now: datetime) -> LearnerInfo:
    new = _check_name(new)
    with db.transaction():
        learner = resolve_learner(db, old, now)
        if new != old and store_learners.learner_by_name(db, new) is not None:
            raise QuizError(f"learner '{new}' exists already: choose another name")
        store_learners.rename_learner(db, learner.id, new)
    return replace(learner, name=new)


def set_limits(
    db: Db, name: str, new_per_day: int | None, reviews_per_day: int | None, now: datetime
) -> LearnerInfo:
    """Keep a learner's daily limits (those given; the others stay)."""
    for value, option in ((new_per_day, "--new"), (reviews_per_day, "--limit")):
        if value is not None and value < 0:
            raise OptionError(option, f"{option} must be 0 or more, not {value}")
    with db.transaction():
        learner = resolve_learner(db, name, now)
        changed = replace(
            learner,
            new_per_day=learner.new_per_day if new_per_day is None else new_per_day,
            reviews_per_day=learner.reviews_per_day if reviews_per_day is None else reviews_per_day,
        )
        store_learners.set_limits(db, changed)
    return changed


def suspended(
    db: Db, learner_name: str | None, deck: str | None, now: datetime, leeches_only: bool
) -> SuspendedReport:
    with db.transaction():
        learner = resolve_learner(db, learner_name, now)
    scope = resolve_scope(db, deck, None)
    cards = store_queue.suspended_cards(db, learner.id, scope.deck_ids, None, leeches_only)
    return SuspendedReport(learner.name, tuple(_suspended_card(c) for c in cards), leeches_only)


def unsuspend(
    db: Db,
    learner_name: str | None,
    deck: str | None,
    section: str | None,
    keys: tuple[str, ...],
    leeches_only: bool,
    now: datetime,
) -> UnsuspendResult:
    """Bring suspended cards back into the review; returns the learner and how many."""
    with db.transaction():
        name, count = _unsuspend(db, learner_name, deck, section, keys, leeches_only, now)
    return UnsuspendResult(name, count)


def _unsuspend(
    db: Db,
    learner_name: str | None,
    deck: str | None,
    section: str | None,
    keys: tuple[str, ...],
    leeches_only: bool,
    now: datetime,
) -> tuple[str, int]:
    learner = resolve_learner(db, learner_name, now)
    scope = resolve_scope(db, deck, section)
    cards = store_queue.suspended_cards(db, learner.id, scope.deck_ids, scope.section_ids, leeches_only)
    if keys:
        wanted = set(keys)
        unknown = wanted - {c.key for c in cards}
        if unknown:
            raise QuizError(
                f"not a suspended card of {learner.name}: {', '.join(sorted(unknown))} "
                "(quiz leeches lists them)"
            )
        cards = [c for c in cards if c.key in wanted]
    return learner.name, store_review.release(db, learner.id, [c.card_id for c in cards])
