"""Card drafts from a parsed Document, section by section, as decks.md lays down and cards.md judges:
one fact a card, the nearest lead-in for context, nothing on the front that gives the answer away.
The walk is here; the makers, by kind, in items, lists and which (shared: drafting)."""

from __future__ import annotations

from quiz.core.drafts import CardDraft
from quiz.generator import rules
from quiz.generator.cards.drafting import Collector
from quiz.generator.cards.items import fallback_cards, item_cards
from quiz.generator.cards.lists import list_cards
from quiz.generator.cards.which import which_cards
from quiz.generator.document import Document, Item, Section
from quiz.generator.text import unmark


def generate_cards(
    document: Document, deck_id: str
) -> tuple[list[CardDraft], list[str], list[tuple[tuple[str, ...], int, str]]]:
    """Every card the document yields, in document order; a warning per empty section; and the
    text that made no card, with its section and line."""
    out = Collector(deck_id)
    warnings: list[str] = []
    pieces: list[tuple[tuple[str, ...], Item]] = []

    def visit(section: Section, path: tuple[str, ...]) -> None:
        if not section.knowledge:
            return
        if not section.has_content():
            warnings.append(f"section '{section.title}' (line {section.line}) is empty: no cards")
        for item in section.items:
            item_cards(out, path, item)
            if not item.links_only and not rules.is_lead_in(item.text) and not rules.is_meta(item.text):
                pieces.append((path, item))
        list_cards(out, path, section)
        which_cards(out, path, section)
        for item in section.items:
            if (
                id(item) not in out.carried
                and not item.links_only
                and not rules.is_lead_in(item.text)
                and not rules.is_meta(item.text)
            ):
                fallback_cards(out, path, item)
        for child in section.children:
            visit(child, (*path, child.title))

    visit(document.root, (document.root.title,))
    uncarded = [(path, item.line, unmark(item.text)) for path, item in pieces if id(item) not in out.carried]
    return out.cards, warnings, uncarded
