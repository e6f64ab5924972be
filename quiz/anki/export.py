"""Cards to an Anki package with genanki, to Anki's text import format, and to JSON (no I/O but
the file genanki writes). With notes.py and style.py, the only modules where Anki's word "note" appears.

The rules of ../shared/specs/anki-export.md, as issue 16 changed them: fixed note type ids and
fields, GUIDs from the cards' stable keys, subdecks per section, escaped text, one cloze note per
sentence, notes in document order, retired cards carried tagged and suspended.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import genanki

from quiz.anki.notes import GAP, GroupedCard, NoteGroup, cloze_fields, group_notes
from quiz.anki.style import (
    BASIC_MODEL,
    CLOZE_MODEL,
    GATHER_BY_POSITION,
    PRESET_ID,
    PRESET_NAME,
    SORT_AS_GATHERED,
)

__all__ = ["GAP", "anki_csv", "anki_package", "card_ordinals", "cards_json", "deck_name", "tags"]

# The section path on a card, as quiz shows a breadcrumb (quiz.core.drafts.BREADCRUMB_SEPARATOR: this
# layer imports no core; tests/test_import.py checks the two agree).
CONTEXT_SEPARATOR = " > "


class ExportCard(GroupedCard, Protocol):
    """What an export needs of a card (the store's ExportRow has it): what grouping into notes
    needs (quiz.anki.notes.GroupedCard), and more."""

    @property
    def references(self) -> tuple[str, ...]: ...
    @property
    def source_path(self) -> str: ...
    @property
    def source_line(self) -> int: ...
    @property
    def suspended(self) -> bool: ...
    @property
    def deck_tags(self) -> tuple[str, ...]: ...  # the front matter's tags
    @property
    def deck_references(self) -> tuple[str, ...]: ...  # the front matter's references


@dataclass(frozen=True)
class PackageSummary:
    notes: int
    cloze: int
    decks: tuple[str, ...]
    suspended: int
    retired: int = 0


RETIRED_TAG = "quiz::retired"


@functools.lru_cache(maxsize=4096)
def deck_name(path: tuple[str, ...]) -> str:
    """Anki's nested deck name: Deck::Section::Sub (a title's own "::" would nest it wrongly)."""
    return "::".join(title.replace("::", ":").strip() or "-" for title in path)


def _deck_id(name: str) -> int:
    # Anki matches decks by name; a stable id keeps genanki's package the same for the same name.
    return int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) + (1 << 31)


@functools.lru_cache(maxsize=4096)
def _tag_part(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text.strip().lower(), flags=re.UNICODE).strip("-") or "x"


def tags(card: ExportCard) -> list[str]:
    """A hierarchical tag for the section path, one for the card's kind, and the deck's own tags
    from its front matter (Anki tags hold no spaces)."""
    own = [_tag_part(tag) for tag in card.deck_tags]
    return [_section_tag(card.deck, card.section_path), f"quiz-kind::{card.kind}", *own]


@functools.lru_cache(maxsize=4096)
def _section_tag(deck: str, path: tuple[str, ...]) -> str:
    section = "::".join(_tag_part(title) for title in path[1:]) or "_"
    return f"quiz::{_tag_part(deck)}::{section}"


def _text(value: str) -> str:
    return html.escape(value, quote=False).replace("\n", "<br>")


def _answer(card: ExportCard) -> str:
    lines = card.back.split("\n")
    if card.kind == "list" or len(lines) > 1:
        return "<ul>" + "".join(f"<li>{html.escape(line, quote=False)}</li>" for line in lines) + "</ul>"
    return _text(card.back)


def _source(cards: Sequence[ExportCard]) -> str:
    """The references the cards cite, as the deck's front matter lists them, and the file and line
    they come from, folded behind "References" so that neither crowds the answer."""
    card = cards[0]
    cited = list(dict.fromkeys(ref for c in cards for ref in c.references))
    listed = card.deck_references
    items, unlisted = [], []
    for ref in cited:
        number = int(ref) if ref.isdigit() else 0
        if 0 < number <= len(listed):
            items.append(f'<li value="{number}">{_text(listed[number - 1])}</li>')
        else:
            unlisted.append(ref)
    numbered = f"<ol>{''.join(items)}</ol>" if items else ""
    if unlisted:
        # The deck lists no such reference: the source's own numbers, as it cites them.
        numbered += f'<div class="cited">Cited as {_text(", ".join(unlisted))}</div>'
    locator = f'<div class="locator">{_text(_file_name(card.source_path))}, line {card.source_line}</div>'
    label = "References" if cited else "Source"
    return f"<details><summary>{label}</summary>{numbered}{locator}</details>"


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


@functools.lru_cache(maxsize=4096)
def _context(path: tuple[str, ...]) -> str:
    """The breadcrumb below the deck (the deck is Anki's own deck name already), each title kept
    whole when a phone's width wraps it."""
    crumbs = [f'<span class="crumb">{_text(title)}</span>' for title in path[1:]]
    return '<span class="sep">›</span>'.join(crumbs)


_RETIRED_NOTICE = '<div class="retired">No longer in the source: suspend this card</div>'


def _note(group: NoteGroup[ExportCard], due: int) -> genanki.Note:
    first = group.cards[0]
    context = _context(first.section_path)
    if group.retired:
        context = _RETIRED_NOTICE + context
    if group.cloze:
        text, extra = cloze_fields(group)
        fields = [text, extra, context, _source(group.cards)]
        model = CLOZE_MODEL
    else:
        fields = [_text(first.front), _answer(first), context, _source(group.cards)]
        model = BASIC_MODEL
    note_tags = tags(first)
    if group.retired:
        note_tags.append(RETIRED_TAG)
    else:
        # One retired gap of a sentence that is still there: the tag names the card to suspend.
        note_tags.extend(f"{RETIRED_TAG}-gap::c{ord_ + 1}" for ord_, c in enumerate(group.cards) if c.retired)
    note = genanki.Note(model=model, fields=fields, tags=note_tags, guid=group.guid, due=due)
    for anki_card, card in zip(note.cards, group.cards, strict=True):
        anki_card.suspend = card.suspended or card.retired
    return note


def card_ordinals(cards: Sequence[ExportCard]) -> dict[tuple[str, int], str]:
    """(note GUID, Anki card ord) -> quiz card key, for the notes anki_package makes of ``cards``:
    how a review in Anki is matched to its quiz card."""
    return {
        (group.guid, ord_): card.key for group in group_notes(cards) for ord_, card in enumerate(group.cards)
    }


class _Deck(genanki.Deck):  # type: ignore[misc]
    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = super().to_json()
        found["conf"] = PRESET_ID
        return found


class _Package(genanki.Package):  # type: ignore[misc]
    """genanki's package with a deck preset that gathers new cards by position: Anki applies it
    when "Import deck presets" is ticked."""

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        super().write_to_db(cursor, timestamp, id_gen)
        presets = json.loads(cursor.execute("SELECT dconf FROM col").fetchone()[0])
        preset = dict(presets["1"])
        preset.update(id=PRESET_ID, name=PRESET_NAME, mod=int(timestamp))
        preset["newGatherPriority"] = GATHER_BY_POSITION
        preset["newSortOrder"] = SORT_AS_GATHERED
        # Siblings (the gaps of one sentence) wait for the next day rather than follow each other.
        preset["new"] = {**preset["new"], "bury": True}
        preset["rev"] = {**preset["rev"], "bury": True}
        presets[str(PRESET_ID)] = preset
        cursor.execute("UPDATE col SET dconf = ?", (json.dumps(presets),))


def prepared_notes(cards: Sequence[ExportCard]) -> list[tuple[str, genanki.Note]]:
    """Every note, with its subdeck's name, in the document's order (its due position)."""
    return [
        (deck_name(group.cards[0].section_path), _note(group, due))
        for due, group in enumerate(group_notes(cards))
    ]


def anki_package(cards: Sequence[ExportCard]) -> tuple[genanki.Package, PackageSummary]:
    """The package: one note per sentence, in a subdeck per section, due in the document's order.
    Checks every card first."""
    notes = prepared_notes(cards)
    decks: dict[str, genanki.Deck] = {}
    # The decks' roots first, so that they too take the preset that serves new cards in order.
    for root in dict.fromkeys(deck_name(card.section_path[:1]) for card in cards):
        decks[root] = _Deck(_deck_id(root), root)
    for name, note in notes:
        if name not in decks:
            decks[name] = _Deck(_deck_id(name), name)
        decks[name].add_note(note)
    package = _Package(list(decks.values()))
    summary = PackageSummary(
        len(notes),
        sum(1 for _, note in notes if note.model is CLOZE_MODEL),
        tuple(name for name, deck in decks.items() if deck.notes),
        sum(1 for c in cards if c.suspended and not c.retired),
        sum(1 for c in cards if c.retired),
    )
    return package, summary


def anki_csv(cards: Sequence[ExportCard], deck_title: str) -> str:
    """A file Anki's own text import reads: headers, then Front, Back and Tags, HTML on."""
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n#notetype:Basic\n")
    # A header value is one line: a title's line break would start a header line of its own.
    deck = " ".join(deck_name((deck_title,)).split())
    out.write(f"#deck:{deck}\n#columns:Front\tBack\tTags\n#tags column:3\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for card in cards:
        context = f'<div class="context">{_text(CONTEXT_SEPARATOR.join(card.section_path))}</div>'
        writer.writerow([context + _text(card.front), _answer(card), " ".join(tags(card))])
    return out.getvalue()


def cards_json(cards: Sequence[ExportCard]) -> str:
    return json.dumps(
        [
            {
                "key": c.key,
                "deck": c.deck,
                "section": list(c.section_path),
                "kind": c.kind,
                "front": c.front,
                "back": c.back,
                "references": list(c.references),
                "source": _file_name(c.source_path),
                "source_line": c.source_line,
            }
            for c in cards
        ],
        ensure_ascii=False,
        indent=2,
    )
