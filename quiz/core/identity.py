"""Which stored card each newly generated card is: the same, an edit of one, or new (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from quiz.core.drafts import CardDraft

# How alike (0-100) an edited card's text must be to the old one to count as the same card.
SIMILARITY_THRESHOLD = 75.0


@dataclass(frozen=True)
class StoredCard:
    id: int
    key: str  # the stable key, given when the card was first made
    source_key: str  # the key of the text it was last made from
    section_path: tuple[str, ...]
    kind: str
    source_text: str
    back: str
    retired: bool


@dataclass
class ImportPlan:
    unchanged: list[tuple[int, CardDraft]] = field(default_factory=list)
    updated: list[tuple[int, CardDraft]] = field(default_factory=list)
    restored: list[tuple[int, CardDraft]] = field(default_factory=list)
    added: list[CardDraft] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)


def plan_import(stored: list[StoredCard], drafts: list[CardDraft]) -> ImportPlan:
    plan = ImportPlan()
    by_source = {card.source_key: card for card in stored}
    # An edit undone makes the card's first text, and so its first key, again.
    by_original = {card.key: card for card in stored}
    matched: set[int] = set()
    pending: list[CardDraft] = []
    for draft in drafts:
        same = by_source.get(draft.key)
        reverted = by_original.get(draft.key) if same is None else None
        card = same or reverted
        if card is None or card.id in matched:
            pending.append(draft)
            continue
        matched.add(card.id)
        if card.retired:
            plan.restored.append((card.id, draft))
        else:
            (plan.unchanged if same else plan.updated).append((card.id, draft))

    # An edit keeps the section and kind and most of the text: pair the closest first.
    open_cards: dict[tuple[tuple[str, ...], str], list[StoredCard]] = {}
    for card in stored:
        if card.id not in matched and not card.retired:
            open_cards.setdefault((card.section_path, card.kind), []).append(card)
    scored: list[tuple[float, int, int]] = []
    for index, draft in enumerate(pending):
        for card in open_cards.get((draft.section_path, draft.kind), []):
            score = fuzz.ratio(f"{draft.source_text}\n{draft.back}", f"{card.source_text}\n{card.back}")
            if score >= SIMILARITY_THRESHOLD:
                scored.append((-score, index, card.id))
    taken: set[int] = set()
    for _score, index, card_id in sorted(scored):
        if card_id in matched or index in taken:
            continue
        matched.add(card_id)
        taken.add(index)
        plan.updated.append((card_id, pending[index]))
    plan.added = [draft for index, draft in enumerate(pending) if index not in taken]
    plan.retired = [card.id for card in stored if card.id not in matched and not card.retired]
    return plan
