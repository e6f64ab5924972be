"""Siblings: cards made from the same bullet or sentence, which must not follow each other in a day."""

from __future__ import annotations


def source_items(source_text: str) -> frozenset[str]:
    """The bullets or sentences a card was made from: a list card's source holds one per line."""
    return frozenset(line.strip() for line in source_text.splitlines() if line.strip())


def related(a: str, b: str) -> bool:
    """Whether two cards of one deck were made from a common bullet or sentence (same source text,
    or a list card and a card made from one of its items)."""
    return not source_items(a).isdisjoint(source_items(b))
