"""Storage: every query and write quiz makes, one module per area. Functions take the session
first and flush, never commit; the one exception is the review's AnswerWriter, which must make
each answer durable before the next card shows."""

from quiz.store import review
from quiz.store.decks import (
    CARDS,
    SECTIONS,
    CardRow,
    DeckRow,
    ExportRow,
    card_rows,
    count_decks,
    deck_by_slug,
    deck_rows,
    decks,
    export_rows,
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
    "ExportRow",
    "card_rows",
    "count_decks",
    "deck_by_slug",
    "deck_rows",
    "decks",
    "export_rows",
    "matching_sections",
    "review",
    "save_deck",
    "section_paths",
    "stored_cards",
]
