"""Automatic checks on a card, as `quiz outline --cards` flags them (a part of cards.md's six checks
that rules can see: length, list size, markup left, the answer on the front)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.core.drafts import CardDraft

FRONT_MAX_WORDS = 45
LIST_MAX_ITEMS = 5

# Markup of any kind that a learner should never read on a card.
MARKUP = re.compile(
    r"\*\*|__|==|~~|\[\[|\]\]|<!--|-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|\[!|\[\^|\{\{|\}\}"
    r"|`|\$|\\[A-Za-z]+|\\[^\sA-Za-z0-9]|&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);|\]\(|\|"
    r"|\[\d+(?:\s*[,;–-]\s*\d+)*\]|[\x00-\x08\x0b-\x1f\x7f]"
)
_WORD = re.compile(r"[^\W_]{4,}")
# Words that say nothing of the answer on their own: seeing one on the front gives nothing away.
_FILLER = frozenset(
    {
        "with",
        "from",
        "into",
        "that",
        "this",
        "than",
        "then",
        "them",
        "they",
        "their",
        "there",
        "other",
        "others",
        "forms",
        "form",
        "also",
        "such",
        "some",
        "most",
        "more",
        "less",
        "very",
        "only",
        "each",
        "both",
        "when",
        "which",
        "what",
        "where",
        "after",
        "before",
        "about",
        "over",
        "under",
        "between",
        "within",
        "without",
        "through",
        "during",
        "including",
        "include",
        "includes",
        "used",
        "uses",
        "using",
        "patients",
        "patient",
        "have",
        "been",
        "being",
        "will",
        "should",
        "could",
        "would",
        "does",
        "done",
        "make",
        "made",
        "many",
        "much",
        "well",
        "were",
        "these",
        "those",
        "your",
        "least",
        "times",
        "time",
        "days",
        "hours",
        "minutes",
        "weeks",
        "give",
        "take",
        "months",
        "years",
        "seconds",
    }
)
# Units: the same unit on the front is no leak; only the same value would be.
_UNITS = frozenset(
    {
        "mmhg",
        "mmol",
        "µmol",
        "μmol",
        "umol",
        "nmol",
        "pmol",
        "mosm",
        "units",
        "unit",
        "beats",
        "breaths",
        "mins",
        "micrograms",
        "microgram",
        "litre",
        "litres",
        "kpa",
    }
)
FLAGS = ("front over 45 words", "list over 5 items", "markup left", "answer words on the front")


def words(text: str) -> int:
    return len(text.split())


def answer_words_shown(answer: str, shown: str) -> list[str]:
    """The answer's significant words (4 letters or more, not filler, not units) that can be read
    in `shown`."""
    seen = {w.casefold() for w in _WORD.findall(shown)}
    found: list[str] = []
    for word in _WORD.findall(answer):
        folded = word.casefold()
        if folded not in _FILLER and folded not in _UNITS and folded in seen and folded not in found:
            found.append(folded)
    return found


def _gives_away(card: CardDraft) -> bool:
    shown = f"{card.breadcrumb} {card.front}"
    words = answer_words_shown(card.back, shown)
    if card.kind == "which":
        # A sibling's name ("Bone Scan") is given away by its whole name, not by "bone formation".
        return bool(words) and len(words) == len(answer_words_shown(card.back, card.back))
    if card.kind == "definition":
        # "Sepsis: [...]": the term is the question; only the answer's own words on the front leak.
        term = card.front.split(":")[0]
        return bool(set(words) - set(answer_words_shown(term, term)))
    return bool(words)


def card_flags(card: CardDraft) -> tuple[str, ...]:
    """What the automatic checks find wrong with a card, in FLAGS' order; () for a clean card.

    The author's own cards (`Q :: A`, `{{c1::...}}`) are taken as written: only markup is checked.
    """
    flags: list[str] = []
    authored = card.kind == "explicit"
    if not authored and words(card.front) > FRONT_MAX_WORDS:
        flags.append(FLAGS[0])
    if card.kind == "list" and len(card.back.split("\n")) > LIST_MAX_ITEMS:
        flags.append(FLAGS[1])
    if (
        MARKUP.search(card.front)
        or MARKUP.search(card.back)
        or any(MARKUP.search(title) for title in card.section_path)
    ):
        flags.append(FLAGS[2])
    if not authored and card.kind != "list" and _gives_away(card):
        flags.append(FLAGS[3])
    return tuple(flags)
