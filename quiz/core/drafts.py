"""What the generator makes and the store keeps: a deck's sections and card drafts, as plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# How a section path is shown to a person: "Title > Section > Subsection".
BREADCRUMB_SEPARATOR = " > "
# How a section path is stored: the titles joined by the unit separator, which no title can hold
# (the document reader takes control characters out), so a heading "Dose > 10 mg/kg" stays one level.
PATH_SEPARATOR = "\x1f"


def breadcrumb(path: Iterable[str]) -> str:
    """A section path as a person reads it."""
    return BREADCRUMB_SEPARATOR.join(path)


def stored_path(path: Iterable[str]) -> str:
    """A section path as the database keeps it (sections.path)."""
    return PATH_SEPARATOR.join(path)


def path_titles(stored: str) -> tuple[str, ...]:
    """The titles of a stored section path, from the deck's title down."""
    return tuple(stored.split(PATH_SEPARATOR))


@dataclass(frozen=True)
class CardDraft:
    key: str
    kind: str  # definition | cloze | list | which | explicit
    section_path: tuple[str, ...]
    front: str
    back: str
    source_line: int
    references: tuple[str, ...]
    source_text: str  # what the card was made from, for matching it after an edit

    @property
    def breadcrumb(self) -> str:
        return breadcrumb(self.section_path)


@dataclass(frozen=True)
class SectionDraft:
    path: tuple[str, ...]
    title: str
    level: int
    line: int
    position: int
    card_count: int
    empty: bool

    @property
    def breadcrumb(self) -> str:
        return breadcrumb(self.path)


@dataclass(frozen=True)
class Uncarded:
    """A piece of the document (a bullet, a paragraph, a row) that made no card."""

    section_path: tuple[str, ...]
    line: int
    text: str


@dataclass(frozen=True)
class DeckDraft:
    deck_id: str
    name: str
    source: str
    sections: tuple[SectionDraft, ...]
    cards: tuple[CardDraft, ...]
    warnings: tuple[str, ...]
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # the front matter's list, numbered as the cards cite it
    images: tuple[str, ...] = ()  # images and embeds the import does not carry, as written
    uncarded: tuple[Uncarded, ...] = ()
