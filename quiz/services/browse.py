"""Looking at what was made: the decks and a deck's cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quiz.services.lookup import find_deck, find_sections
from quiz.store import decks as store_decks
from quiz.store.db import Reader
from quiz.store.decks import DeckRow


@dataclass(frozen=True)
class DeckSummary:
    """A deck as `quiz decks` shows it."""

    slug: str
    name: str
    source_path: str
    imported_at: datetime
    cards: int
    retired: int
    sections: int
    empty_sections: int


@dataclass(frozen=True)
class DeckCard:
    """A card as `quiz cards` shows it."""

    key: str
    deck: str
    section: tuple[str, ...]  # its path, from the deck's title down
    kind: str
    front: str
    back: str
    references: tuple[str, ...]
    source_line: int


@dataclass(frozen=True)
class CardsResult:
    deck: str
    name: str
    section: str | None
    cards: tuple[DeckCard, ...]


def _summary(row: DeckRow) -> DeckSummary:
    return DeckSummary(
        row.slug,
        row.name,
        row.source_path,
        row.imported_at,
        row.cards,
        row.retired,
        row.sections,
        row.empty_sections,
    )


def list_decks(reader: Reader) -> tuple[DeckSummary, ...]:
    return tuple(_summary(row) for row in store_decks.deck_rows(reader))


def list_cards(reader: Reader, deck_name: str, section: str | None = None) -> CardsResult:
    deck = find_deck(reader, deck_name)
    section_ids = find_sections(reader, section, [deck]) if section is not None else None
    rows = store_decks.export_rows(reader, [deck.id], section_ids, include_retired=False, learner_id=None)
    cards = tuple(
        DeckCard(r.key, r.deck, r.section_path, r.kind, r.front, r.back, r.references, r.source_line)
        for r in rows
    )
    return CardsResult(deck.slug, deck.name, section, cards)
