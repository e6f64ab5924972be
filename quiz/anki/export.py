"""Cards to an Anki package with genanki, to Anki's text import format, and to JSON (no I/O but
the file genanki writes). The only module where Anki's word "note" appears.

The rules of ../shared/specs/anki-export.md: fixed note type ids and fields, GUIDs from the cards'
stable keys, subdecks per section, escaped text, one card per cloze note.
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
from typing import Protocol

import genanki

from quiz.errors import QuizError

# The section path on a card, as quiz shows a breadcrumb (quiz.core.drafts.BREADCRUMB_SEPARATOR: this
# layer imports no core; tests/test_import.py checks the two agree).
CONTEXT_SEPARATOR = " > "

# Chosen once: Anki matches note types by id and fields. Changing the fields means a new id and
# name together (see the README).
BASIC_MODEL_ID = 1_730_211_001
CLOZE_MODEL_ID = 1_730_211_002
BASIC_MODEL_NAME = "Quiz Basic"
CLOZE_MODEL_NAME = "Quiz Cloze"
BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")
GAP = "[...]"

CSS = """.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.45; color: #1f2328; background: #fff;
  text-align: left; max-width: 40em; margin: 0 auto; padding: 0.5em;
}
.nightMode.card, .night_mode .card { color: #e6edf3; background: #0d1117; }
.context { font-size: 0.7em; color: #57606a; margin-bottom: 0.8em; }
.nightMode .context, .night_mode .context { color: #8d96a0; }
.back, .extra { margin-top: 0.6em; }
.back ul { margin: 0.2em 0 0 1.2em; padding: 0; }
.cloze { font-weight: bold; color: #0969da; }
.nightMode .cloze, .night_mode .cloze { color: #58a6ff; }
.source { font-size: 0.65em; color: #6e7781; margin-top: 1.2em; }
hr#answer { border: none; border-top: 1px solid #d0d7de; }
"""

BASIC_MODEL = genanki.Model(
    BASIC_MODEL_ID,
    BASIC_MODEL_NAME,
    fields=[{"name": name} for name in BASIC_FIELDS],
    templates=[
        {
            "name": "Card",
            "qfmt": '<div class="context">{{Context}}</div><div class="front">{{Front}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>'
            '<div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    CLOZE_MODEL_NAME,
    fields=[{"name": name} for name in CLOZE_FIELDS],
    templates=[
        {
            "name": "Cloze",
            "qfmt": '<div class="context">{{Context}}</div>{{cloze:Text}}',
            "afmt": '<div class="context">{{Context}}</div>{{cloze:Text}}<div class="extra">{{Extra}}</div>'
            '<div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)


class ExportCard(Protocol):
    """What an export needs of a card (the store's ExportRow has it)."""

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
    def references(self) -> tuple[str, ...]: ...
    @property
    def source_path(self) -> str: ...
    @property
    def source_line(self) -> int: ...
    @property
    def suspended(self) -> bool: ...


@dataclass(frozen=True)
class PackageSummary:
    notes: int
    cloze: int
    decks: tuple[str, ...]
    suspended: int


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
    """A hierarchical tag for the section path and one for the card's kind (Anki tags hold no spaces)."""
    return [_section_tag(card.deck, card.section_path), f"quiz-kind::{card.kind}"]


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


def _source(card: ExportCard) -> str:
    refs = f"References: {', '.join(card.references)} · " if card.references else ""
    return _text(f"{refs}{_file_name(card.source_path)}, line {card.source_line}")


def _cloze_text(card: ExportCard) -> str:
    """The front with its gap made an Anki deletion, or a QuizError naming the card."""
    if card.front.count(GAP) == 0:
        raise QuizError(
            f"cloze card {card.key} has no gap '{GAP}' to make a deletion of: "
            "fix its source line and import the document again"
        )
    answers = card.back.split("; ") if card.front.count(GAP) > 1 else [card.back]
    if len(answers) != card.front.count(GAP):
        answers = [card.back] * card.front.count(GAP)
    pieces = html.escape(card.front, quote=False).split(html.escape(GAP, quote=False))
    text = pieces[0]
    for answer, piece in zip(answers, pieces[1:], strict=True):
        # "::" and "}}" inside an answer would end Anki's deletion early.
        safe = html.escape(answer, quote=False).replace("::", ":&#58;").replace("}}", "}&#125;")
        text += "{{c1::" + safe + "}}" + piece
    return text.replace("\n", "<br>")


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _is_cloze(card: ExportCard) -> bool:
    return card.kind == "cloze" or (card.kind == "explicit" and GAP in card.front)


@functools.lru_cache(maxsize=4096)
def _context(path: tuple[str, ...]) -> str:
    return _text(CONTEXT_SEPARATOR.join(path))


def note_for(card: ExportCard) -> genanki.Note:
    context = _context(card.section_path)
    if _is_cloze(card):
        fields = [_cloze_text(card), "", context, _source(card)]
        model = CLOZE_MODEL
    else:
        fields = [_text(card.front), _answer(card), context, _source(card)]
        model = BASIC_MODEL
    note = genanki.Note(model=model, fields=fields, tags=tags(card), guid=genanki.guid_for(card.key))
    if card.suspended:
        for anki_card in note.cards:
            anki_card.suspend = True
    return note


def card_ordinals(cards: Sequence[ExportCard]) -> dict[tuple[str, int], str]:
    """(note GUID, card ordinal) -> card key, as the package groups cards into notes: what an
    import of Anki's review log matches its cards by. One note per card: its only card is ordinal 0."""
    return {(genanki.guid_for(card.key), 0): card.key for card in cards}


def anki_package(cards: Sequence[ExportCard]) -> tuple[genanki.Package, PackageSummary]:
    """The package: one note per card, in a subdeck per section. Checks every card first."""
    notes = [(deck_name(card.section_path), note_for(card)) for card in cards]
    decks: dict[str, genanki.Deck] = {}
    for name, note in notes:
        if name not in decks:
            decks[name] = genanki.Deck(_deck_id(name), name)
        decks[name].add_note(note)
    package = genanki.Package(list(decks.values()))
    summary = PackageSummary(
        len(notes), sum(1 for c in cards if _is_cloze(c)), tuple(decks), sum(1 for c in cards if c.suspended)
    )
    return package, summary


def anki_csv(cards: Sequence[ExportCard], deck_title: str) -> str:
    """A file Anki's own text import reads: headers, then Front, Back and Tags, HTML on."""
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n#notetype:Basic\n")
    out.write(f"#deck:{deck_name((deck_title,))}\n#columns:Front\tBack\tTags\n#tags column:3\n")
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
