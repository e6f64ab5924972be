"""Finding a deck from what the user typed: its id, its name, or the start of either."""

from __future__ import annotations

from collections.abc import Sequence

from quiz.errors import NotFoundError


def pick_deck(name: str, decks: Sequence[tuple[str, str]]) -> str:
    """The slug of the deck ``name`` means among (slug, name) pairs, when that is unambiguous."""
    typed = name.strip()
    wanted = typed.casefold()
    for match in (
        [slug for slug, _ in decks if slug == typed],
        [slug for slug, title in decks if title.casefold() == wanted],
        [slug for slug, title in decks if slug.startswith(wanted) or title.casefold().startswith(wanted)],
    ):
        if len(match) == 1:
            return match[0]
    known = ", ".join(slug for slug, _ in decks) or "none yet: run quiz import FILE"
    raise NotFoundError(f"no deck '{name}': the decks are {known}")
