"""Storage: every query and write quiz makes, one module per area. Functions take the session
first; they flush, never commit."""

from quiz.store import review
from quiz.store.decks import (
    CARDS,
    SECTIONS,
    CardRow,
    DeckRow,
    card_rows,
    count_decks,
    deck_by_slug,
    deck_rows,
    decks,
    matching_sections,
    save_deck,
    section_paths,
    stored_cards,
)

__all__ = [
    "CARDS",
    "SECTIONS",
    "CardRow",
    "DeckRow",
    "card_rows",
    "count_decks",
    "deck_by_slug",
    "deck_rows",
    "decks",
    "matching_sections",
    "review",
    "save_deck",
    "section_paths",
    "stored_cards",
]
