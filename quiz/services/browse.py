"""Looking at what was made: the decks and a deck's cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from quiz import store
from quiz.core.drafts import breadcrumb, path_titles
from quiz.core.matching import pick_deck
from quiz.errors import NotFoundError
from quiz.store.models import Deck


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


def _summary(row: store.DeckRow) -> DeckSummary:
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


def _card(row: store.CardRow) -> DeckCard:
    return DeckCard(
        row.key, row.deck, row.section_path, row.kind, row.front, row.back, row.references, row.source_line
    )


def list_decks(session: Session) -> tuple[DeckSummary, ...]:
    return tuple(_summary(row) for row in store.deck_rows(session))


def find_deck(session: Session, name: str) -> Deck:
    """A deck by its id, or by its name or the start of either when that is unambiguous."""
    exact = store.deck_by_slug(session, name.strip())
    if exact is not None:
        return exact
    everything = store.all_decks(session)
    slug = pick_deck(name, [(d.slug, d.name) for d in everything])
    return next(d for d in everything if d.slug == slug)


def list_cards(session: Session, deck_name: str, section: str | None = None) -> CardsResult:
    deck = find_deck(session, deck_name)
    paths = None
    if section is not None:
        wanted = section.strip().casefold()
        paths = [
            p
            for p in store.section_paths(session, deck.id)
            if wanted in breadcrumb(path_titles(p)).casefold()
        ]
        if not paths:
            raise NotFoundError(
                f"no section of deck '{deck.slug}' matches '{section}': "
                f"see quiz outline or quiz cards {deck.slug}"
            )
    cards = tuple(_card(row) for row in store.card_rows(session, deck, paths))
    return CardsResult(deck.slug, deck.name, section, cards)
