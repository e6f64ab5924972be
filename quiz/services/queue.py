"""The day's queue of a review: the due cards, the new ones spread over each deck's sections (counted
per deck), the same-day repeats; and none that shares its bullet or sentence with a card met today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quiz.core.grading import REPEAT_BELOW
from quiz.core.siblings import source_items
from quiz.services.lookup import find_deck, find_sections
from quiz.store import queue as store_queue
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo
from quiz.store.review import QueuedCard


@dataclass(frozen=True)
class Scope:
    deck_ids: list[int] | None
    section_ids: list[int] | None
    deck_slugs: frozenset[str] | None = None

    def holds(self, card: QueuedCard) -> bool:
        return (self.deck_slugs is None or card.deck in self.deck_slugs) and (
            self.section_ids is None or card.section_id in self.section_ids
        )


def resolve_scope(db: Db, deck: str | None, section: str | None) -> Scope:
    chosen = [find_deck(db, deck)] if deck is not None else None
    section_ids = find_sections(db, section, chosen) if section is not None else None
    return Scope(
        [d.id for d in chosen] if chosen else None,
        section_ids,
        frozenset({chosen[0].slug}) if chosen else None,
    )


def todays_queue(
    db: Db, info: LearnerInfo, today: date, scope: Scope
) -> tuple[list[QueuedCard], list[QueuedCard]]:
    """The cards to show (due ones, most overdue first, then new ones) and the same-day repeats,
    within ``info``'s limits less what the learner did earlier that day."""
    todays = store_queue.todays_reviews(db, info.id, today)
    seen_today = [card_id for card_id, _grade, _kind in todays]
    new_today = store_queue.introduced_per_deck(db, info.id, today, seen_today)
    counted_today = sum(1 for _c, _g, kind in todays if kind == "review")
    due = store_queue.due_cards(
        db,
        info.id,
        today,
        info.reviews_per_day - (counted_today - sum(new_today.values())),
        scope.deck_ids,
        scope.section_ids,
    )
    decks = scope.deck_ids if scope.deck_ids is not None else store_queue.deck_ids(db)
    new = store_queue.new_cards(
        db,
        info.id,
        today,
        {deck: info.new_per_day - new_today.get(deck, 0) for deck in decks},
        scope.section_ids,
    )
    # Cards whose last grade today was under 4 are still to be repeated.
    last_grade: dict[int, int] = {}
    for card_id, grade, kind in todays:
        if kind != "cram":
            last_grade[card_id] = grade
    pending = [card_id for card_id, grade in last_grade.items() if grade < REPEAT_BELOW]
    queued = {c.card_id for c in due} | {c.card_id for c in new}
    repeats = [
        c
        for c in store_queue.cards_by_id(db, info.id, [i for i in pending if i not in queued])
        if (c.stored is None or not c.stored.suspended) and scope.holds(c)
    ]
    # Practice (cram) buries nothing: only the day's counted answers keep their siblings away.
    answered = [card_id for card_id, _grade, kind in todays if kind != "cram"]
    return _unrelated(db, info.id, due + new, answered), repeats


def _unrelated(db: Db, learner_id: int, cards: list[QueuedCard], seen_today: list[int]) -> list[QueuedCard]:
    """The cards that share no bullet or sentence with a card answered today (their siblings were
    buried when it was answered; this also keeps out those met only now, past the first queue)."""
    if not seen_today or not cards:
        return cards
    seen: dict[str, set[str]] = {}
    for card in store_queue.cards_by_id(db, learner_id, sorted(set(seen_today))):
        seen.setdefault(card.deck, set()).update(source_items(card.source_text))
    answered = set(seen_today)
    return [
        c
        for c in cards
        if c.card_id in answered or seen.get(c.deck, set()).isdisjoint(source_items(c.source_text))
    ]
