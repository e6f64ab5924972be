"""Quiz cards grouped into Anki notes: the cloze cards of one sentence (same deck, section and
source text) become one cloze note, one deletion each, so Anki knows they are siblings.

A note's GUID is the stable key of its first-made card, and each card's deletion number follows
the order the cards were first made (cards.id): a gap added to a sentence gets the next number,
and a retired gap keeps its own (its card is suspended), so no other card is renumbered.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import genanki

from quiz.errors import QuizError

GAP = "[...]"


class GroupedCard(Protocol):
    """What grouping needs of a card."""

    @property
    def id(self) -> int: ...  # cards.id: the order cards were first made in
    @property
    def key(self) -> str: ...
    @property
    def deck(self) -> str: ...  # the deck's id
    @property
    def section_path(self) -> tuple[str, ...]: ...  # from the deck's title down
    @property
    def kind(self) -> str: ...
    @property
    def front(self) -> str: ...
    @property
    def back(self) -> str: ...
    @property
    def position(self) -> int: ...  # the card's place in its deck's document
    @property
    def retired(self) -> bool: ...
    @property
    def source_text(self) -> str: ...


C = TypeVar("C", bound=GroupedCard)


@dataclass(frozen=True)
class NoteGroup(Generic[C]):
    """One Anki note: its GUID and its cards, cards[i] being Anki's card ord i (deletion c{i+1})."""

    guid: str
    cards: tuple[C, ...]
    cloze: bool
    position: int  # the document order of the note: its first card's place

    @property
    def retired(self) -> bool:
        return all(card.retired for card in self.cards)


def is_cloze(card: GroupedCard) -> bool:
    return card.kind == "cloze" or (card.kind == "explicit" and GAP in card.front)


def gap_answers(card: GroupedCard) -> list[str]:
    """The answer of each of the card's gaps, or a QuizError naming the card."""
    gaps = card.front.count(GAP)
    if gaps == 0:
        raise QuizError(
            f"cloze card {card.key} has no gap '{GAP}' to make a deletion of: "
            "fix its source line and import the document again"
        )
    answers = card.back.split("; ") if gaps > 1 else [card.back]
    return answers if len(answers) == gaps else [card.back] * gaps


def filled(card: GroupedCard) -> tuple[str, list[tuple[int, int]]]:
    """The card's front with its answers in the gaps, and where each answer stands in it."""
    pieces = card.front.split(GAP)
    text, spans = pieces[0], []
    for answer, piece in zip(gap_answers(card), pieces[1:], strict=True):
        spans.append((len(text), len(text) + len(answer)))
        text += answer + piece
    return text, spans


def group_notes(cards: Sequence[C]) -> list[NoteGroup[C]]:
    """The notes of ``cards``, in document order."""
    groups: dict[tuple[str, tuple[str, ...], str], list[C]] = {}
    notes: list[NoteGroup[C]] = []
    for card in cards:
        if is_cloze(card):
            groups.setdefault((card.deck, card.section_path, card.source_text), []).append(card)
        else:
            notes.append(NoteGroup(genanki.guid_for(card.key), (card,), False, card.position))
    for members in groups.values():
        notes.extend(_merged(sorted(members, key=lambda c: c.id)))
    return sorted(notes, key=lambda n: (n.cards[0].deck, n.position, n.cards[0].id))


def _merged(members: list[C]) -> list[NoteGroup[C]]:
    """One note of the cards whose gaps fit one text; any card that does not fit (its filled
    sentence differs, or its gap overlaps another's) becomes a note of its own."""
    live = [card for card in members if not card.retired]
    reference = filled(live[0] if live else members[0])[0]
    taken: list[tuple[int, int]] = []
    fitting: list[C] = []
    alone: list[C] = []
    for card in members:
        text, spans = filled(card)
        if text == reference and not any(s < e2 and s2 < e for s, e in spans for s2, e2 in taken):
            taken.extend(spans)
            fitting.append(card)
        else:
            alone.append(card)
    notes = [
        NoteGroup(genanki.guid_for(fitting[0].key), tuple(fitting), True, min(c.position for c in fitting))
    ]
    notes.extend(NoteGroup(genanki.guid_for(card.key), (card,), True, card.position) for card in alone)
    return notes


def _deletion(answer: str, number: int) -> str:
    # "::" and "}}" inside an answer would end Anki's deletion early.
    safe = html.escape(answer, quote=False).replace("::", ":&#58;").replace("}}", "}&#125;")
    return "{{c" + str(number) + "::" + safe + "}}"


def cloze_fields(note: NoteGroup[C]) -> tuple[str, str]:
    """The Text field (each card's gaps made its deletion) and the Extra field (the lead-in the
    cards' fronts open with: a list's "...:" line, a section's title, the sentence citing a
    footnote), both as HTML."""
    first = note.cards[0]
    text, _ = filled(first)
    marks: list[tuple[int, int, int]] = []
    for number, card in enumerate(note.cards, start=1):
        marks.extend((start, end, number) for start, end in filled(card)[1])
    lead = ""
    sentence = first.source_text.strip()
    if sentence and text.endswith(sentence) and len(text) > len(sentence):
        cut = len(text) - len(sentence)
        if all(start >= cut for start, _, _ in marks):
            lead, text = text[:cut].strip(), text[cut:]
            marks = [(start - cut, end - cut, number) for start, end, number in marks]
    out, at = [], 0
    for start, end, number in sorted(marks):
        out.append(html.escape(text[at:start], quote=False))
        out.append(_deletion(text[start:end], number))
        at = end
    out.append(html.escape(text[at:], quote=False))
    return "".join(out).replace("\n", "<br>"), html.escape(lead, quote=False)
