"""Result objects to text: rich tables for people, JSON for programs. No queries, no printing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

if TYPE_CHECKING:  # result types only: rendering an outline must not load the database code
    from quiz.services.browse import CardsResult
    from quiz.services.cohorts import CohortDetail, CohortSummary
    from quiz.services.documents import OutlineResult
    from quiz.services.export import ExportResult
    from quiz.services.importing import ImportResult
    from quiz.store import CardRow, DeckRow
    from quiz.store.review import LearnerInfo


def text_of(*renderables: RenderableType, color: bool = False) -> str:
    """What rich would print, as a string (styled only for a terminal)."""
    return _text(renderables, color)


def _text(renderables: Iterable[RenderableType], color: bool) -> str:
    width = shutil.get_terminal_size((100, 24)).columns
    console = Console(width=width, force_terminal=color, no_color=not color, highlight=False,
                      soft_wrap=False)
    with console.capture() as capture:
        for item in renderables:
            console.print(item)
    return capture.get().rstrip("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_json_default, ensure_ascii=False, indent=2)


# --- import ---------------------------------------------------------------------------------------

def import_table(result: ImportResult, color: bool = False) -> str:
    title = "Import (dry run: nothing written)" if result.dry_run else "Import"
    table = Table(title=title, title_justify="left")
    for column in ("deck", "source", "cards", "added", "updated", "unchanged", "retired",
                   "warnings"):
        table.add_column(column, justify="right" if column not in ("deck", "source") else "left",
                         overflow="fold")
    for deck in result.decks:
        table.add_row(deck.deck, deck.source, str(deck.cards), str(deck.added), str(deck.updated),
                      str(deck.unchanged), str(deck.retired), str(len(deck.warnings)))
    return _text([table], color)


def import_warnings(result: ImportResult) -> list[str]:
    return [f"warning: {deck.source}: {warning}" for deck in result.decks for warning in deck.warnings]


def import_json(result: ImportResult) -> str:
    return to_json(result)


# --- outline --------------------------------------------------------------------------------------

def outline_tree(result: OutlineResult, color: bool = False) -> str:
    tree = Tree(f"[bold]{_escape(result.name)}[/] ({_cards(result.cards)}, deck id {result.deck})")
    nodes: dict[int, Tree] = {0: tree}
    for section in result.sections[1:]:
        parent = nodes[max(level for level in nodes if level < section.level)]
        count = "[yellow]empty[/]" if section.empty else _cards(section.card_count)
        label = f"{_escape(section.title)}  [dim]line {section.line}[/] · {count}"
        nodes = {level: node for level, node in nodes.items() if level < section.level}
        nodes[section.level] = parent.add(label)
    root_cards = result.sections[0].card_count if result.sections else 0
    lines: list[RenderableType] = [tree, f"{_cards(root_cards)} under the title itself"]
    return _text(lines, color)


def outline_json(result: OutlineResult) -> str:
    return to_json({
        "source": result.source, "deck": result.deck, "name": result.name, "cards": result.cards,
        "sections": [{"path": list(s.path), "title": s.title, "level": s.level, "line": s.line,
                      "cards": s.card_count, "empty": s.empty} for s in result.sections],
        "warnings": list(result.warnings),
    })


# --- decks and cards ------------------------------------------------------------------------------

def decks_table(rows: tuple[DeckRow, ...], color: bool = False) -> str:
    if not rows:
        return "No decks yet: run quiz import FILE."
    table = Table()
    for column in ("deck", "name", "cards", "sections", "empty", "retired", "imported", "source"):
        table.add_column(column, overflow="fold", justify="right" if column in (
            "cards", "sections", "empty", "retired") else "left")
    for row in rows:
        table.add_row(row.slug, _escape(row.name), str(row.cards), str(row.sections),
                      str(row.empty_sections), str(row.retired),
                      row.imported_at.strftime("%Y-%m-%d %H:%M"), row.source_path)
    return _text([table], color)


def decks_json(rows: tuple[DeckRow, ...]) -> str:
    return to_json([asdict(row) for row in rows])


def card_json(card: CardRow) -> dict[str, Any]:
    return {"key": card.key, "deck": card.deck, "section": list(card.section_path),
            "kind": card.kind, "front": card.front, "back": card.back,
            "references": list(card.references), "source_line": card.source_line}


def cards_table(result: CardsResult, color: bool = False) -> str:
    if not result.cards:
        return f"Deck {result.deck} has no cards."
    table = Table(title=f"{_escape(result.name)}: {len(result.cards)} cards", title_justify="left",
                  show_lines=True)
    for column in ("section", "kind", "front", "back", "refs", "line"):
        table.add_column(column, overflow="fold")
    for card in result.cards:
        table.add_row(_escape(" > ".join(card.section_path[1:]) or card.section_path[0]), card.kind,
                      _escape(card.front), _escape(card.back), ", ".join(card.references),
                      str(card.source_line))
    return _text([table], color)


def cards_json(result: CardsResult) -> str:
    return to_json([card_json(card) for card in result.cards])


def _cards(count: int) -> str:
    return f"{count} card" if count == 1 else f"{count} cards"


def _escape(text: str) -> str:
    return escape(text)


def learners_table(rows: tuple[LearnerInfo, ...], color: bool = False) -> str:
    if not rows:
        return "No learners yet: quiz review makes one for you, or quiz learner add NAME."
    table = Table()
    for column in ("learner", "new a day", "reviews a day", "leech after", "day starts"):
        table.add_column(column, justify="left" if column == "learner" else "right")
    for row in rows:
        table.add_row(_escape(row.name), str(row.new_per_day), str(row.reviews_per_day),
                      str(row.leech_threshold), f"{row.day_starts_at:02d}:00")
    return _text([table], color)


def learners_json(rows: tuple[LearnerInfo, ...]) -> str:
    return to_json([asdict(row) for row in rows])


def _assigned(decks: tuple[Any, ...]) -> str:
    return ", ".join(d.deck + (f" (due {d.due_date.isoformat()})" if d.due_date else "")
                     for d in decks) or "–"


def cohorts_table(rows: tuple[CohortSummary, ...], color: bool = False) -> str:
    if not rows:
        return "No cohorts yet: quiz cohort create NAME."
    table = Table()
    for column in ("cohort", "learners", "decks"):
        table.add_column(column, justify="right" if column == "learners" else "left")
    for row in rows:
        table.add_row(_escape(row.name), str(row.learners), _escape(_assigned(row.decks)))
    return _text([table], color)


def cohort_detail(detail: CohortDetail) -> str:
    return "\n".join([f"Cohort {detail.name} (created {detail.created_at:%Y-%m-%d})",
                      f"Decks: {_assigned(detail.decks)}",
                      f"Learners ({len(detail.learners)}): {', '.join(detail.learners) or 'none yet'}"])


def export_line(result: ExportResult) -> str:
    what = f"{result.cards} card{'s' if result.cards != 1 else ''}"
    if result.format == "anki":
        what += f" ({result.cloze} cloze) in {result.subdecks} subdecks"
        if result.suspended:
            what += f", {result.suspended} suspended"
    return f"Wrote {result.path}: {what} from {', '.join(result.decks)}."
