"""Storage: every query and write quiz makes, one module per area. Functions take the session (or,
for the review, the status and the reports, a plain-SQL Db: quiz.store.db) first and never
commit; the one exception is the review's AnswerWriter, which must make each answer durable before
the next card shows.

Submodules load on first use: the reports' queries (store.reports) need no SQLAlchemy, and a
report must not pay for importing it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quiz.store import cohorts, decks, progress, reports, review, status
    from quiz.store.decks import (
        CARDS,
        SECTIONS,
        CardRow,
        DeckRow,
        ExportRow,
        all_decks,
        card_rows,
        count_decks,
        deck_by_slug,
        deck_rows,
        export_rows,
        live_cards,
        matching_sections,
        save_deck,
        section_paths,
        stored_cards,
    )

SUBMODULES = frozenset({"cohorts", "progress", "reports", "review", "decks", "status"})

__all__ = [
    "CARDS",
    "SECTIONS",
    "CardRow",
    "DeckRow",
    "ExportRow",
    "all_decks",
    "card_rows",
    "cohorts",
    "count_decks",
    "deck_by_slug",
    "deck_rows",
    "decks",
    "export_rows",
    "live_cards",
    "matching_sections",
    "progress",
    "reports",
    "review",
    "save_deck",
    "section_paths",
    "status",
    "stored_cards",
]


def __getattr__(name: str) -> Any:
    if name in SUBMODULES:
        return importlib.import_module(f"quiz.store.{name}")
    if name in __all__:
        return getattr(importlib.import_module("quiz.store.decks"), name)
    raise AttributeError(f"module 'quiz.store' has no attribute {name!r}")
