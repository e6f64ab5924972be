"""Looking at what was made: the decks and a deck's cards."""

from __future__ import annotations

from dataclasses import dataclass

from quiz.services.lookup import find_deck, find_sections
from quiz.store import decks as store_decks
from quiz.store.db import Reader
from quiz.store.decks import CardRow, DeckRow


@dataclass(frozen=True)
class CardsResult:
    deck: str
    name: str
    section: str | None
    cards: tuple[CardRow, ...]


def list_decks(reader: Reader) -> tuple[DeckRow, ...]:
    return tuple(store_decks.deck_rows(reader))


def list_cards(reader: Reader, deck_name: str, section: str | None = None) -> CardsResult:
    deck = find_deck(reader, deck_name)
    section_ids = find_sections(reader, section, [deck]) if section is not None else None
    rows = store_decks.export_rows(reader, [deck.id], section_ids, include_retired=False, learner_id=None)
    cards = tuple(
        CardRow(r.key, r.deck, r.section_path, r.kind, r.front, r.back, r.references, r.source_line)
        for r in rows
    )
    return CardsResult(deck.slug, deck.name, section, cards)
