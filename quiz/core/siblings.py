"""Siblings: cards made from the same bullet or sentence, which must not follow each other in a day;
and the order new cards are met in, spread over a deck's sections."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def source_items(source_text: str) -> frozenset[str]:
    """The bullets or sentences a card was made from: a list card's source holds one per line."""
    return frozenset(line.strip() for line in source_text.splitlines() if line.strip())


def related(a: str, b: str) -> bool:
    """Whether two cards of one deck were made from a common bullet or sentence (same source text,
    or a list card and a card made from one of its items)."""
    return not source_items(a).isdisjoint(source_items(b))


def spread(items: Iterable[tuple[Hashable, T]]) -> list[T]:
    """Items in document order with their section, taken round-robin: the first of each section
    (sections in the order they first come), then the second of each, and so on."""
    by_section: dict[Hashable, list[T]] = {}
    for section, item in items:
        by_section.setdefault(section, []).append(item)
    ranked = [
        (rank, order, item)
        for order, group in enumerate(by_section.values())
        for rank, item in enumerate(group)
    ]
    return [item for _rank, _order, item in sorted(ranked, key=lambda t: (t[0], t[1]))]
