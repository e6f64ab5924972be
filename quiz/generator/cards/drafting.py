"""What every card maker shares: the deck's drafts, each made once under its stable key,
and a front's lead-in kept within FRONT_MAX_WORDS."""

from __future__ import annotations

import functools
import hashlib

from quiz.core.drafts import CardDraft
from quiz.generator import rules
from quiz.generator.document import Item
from quiz.generator.text import slug

FRONT_MAX_WORDS = 45


def card_key(deck_id: str, path: tuple[str, ...], kind: str, source_text: str, target: str) -> str:
    digest = hashlib.sha1(f"{source_text}\x00{target}".encode()).hexdigest()[:10]
    return f"{deck_id}/{_path_slug(path)}/{kind}/{digest}"


@functools.lru_cache(maxsize=32768)  # a section's slug, asked once a card: a deck has thousands
def _path_slug(path: tuple[str, ...]) -> str:
    return "/".join(slug(title) for title in path[1:]) or "_"


class Collector:
    """Accumulates the drafts of one deck, made once each, and which items they carry."""

    def __init__(self, deck_id: str) -> None:
        self.deck_id = deck_id
        self.cards: list[CardDraft] = []
        self.carried: set[int] = set()
        self._seen: set[object] = set()

    def add(
        self,
        path: tuple[str, ...],
        kind: str,
        front: str,
        back: str,
        items: list[Item],
        refs: tuple[str, ...],
        source_text: str,
    ) -> bool:
        front, back = front.strip(), back.strip()
        if not front or not back:
            return False
        key = card_key(self.deck_id, path, kind, source_text, back)
        # One definition per term in a deck: the first, where the document defines it.
        identity = ("definition", front) if kind == "definition" else (path, kind, front, back)
        self.carried.update(id(item) for item in items)
        if identity in self._seen or key in self._seen:
            return False
        self._seen.add(identity)
        self._seen.add(key)
        self.cards.append(CardDraft(key, kind, path, front, back, items[0].line, refs, source_text))
        return True


def lead_of(item: Item) -> str:
    return item.lead.rstrip(":").strip() if item.lead else ""


def fit(lead: str, front: str, gap_at: int) -> str:
    """The front with its nearest lead-in, kept under FRONT_MAX_WORDS: the lead goes first, then
    the words farthest from the gap."""
    joined = f"{lead}: {front}" if lead else front
    if len(joined.split()) <= FRONT_MAX_WORDS:
        return joined
    if len(front.split()) <= FRONT_MAX_WORDS:
        return front
    words = front.split()
    size = FRONT_MAX_WORDS - 2  # room for the ellipses
    gap_word = len(front[:gap_at].split())
    start = max(0, min(gap_word - size // 2, len(words) - size))
    window = words[start : start + size]
    return ("… " if start else "") + " ".join(window) + (" …" if start + size < len(words) else "")


def is_plain(item: Item) -> bool:
    return rules.explicit_basic(item.text) is None and not rules.explicit_clozes(item.text)
