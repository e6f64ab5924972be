"""Looking at what was made: the decks and a deck's cards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from quiz import store
from quiz.core.drafts import breadcrumb, path_titles
from quiz.core.matching import pick_deck
from quiz.errors import NotFoundError
from quiz.store.models import Deck


@dataclass(frozen=True)
class CardsResult:
    deck: str
    name: str
    section: str | None
    cards: tuple[store.CardRow, ...]


def list_decks(session: Session) -> tuple[store.DeckRow, ...]:
    return tuple(store.deck_rows(session))


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
    return CardsResult(deck.slug, deck.name, section, tuple(store.card_rows(session, deck, paths)))
