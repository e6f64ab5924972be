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

from quiz.core.drafts import breadcrumb

if TYPE_CHECKING:  # result types only: rendering an outline must not load the database code
    from quiz.core.drafts import Uncarded
    from quiz.services.browse import CardsResult
    from quiz.services.cohorts import CohortDetail, CohortSummary
    from quiz.services.documents import OutlineCard, OutlineResult
    from quiz.services.export import ExportResult
    from quiz.services.importing import ImportResult
    from quiz.store import CardRow, DeckRow
    from quiz.store.review import LearnerInfo


def text_of(*renderables: RenderableType, color: bool = False) -> str:
    """What rich would print, as a string (styled only for a terminal)."""
    return _text(renderables, color)


def _text(renderables: Iterable[RenderableType], color: bool) -> str:
    width = shutil.get_terminal_size((100, 24)).columns
    console = Console(width=width, force_terminal=color, no_color=not color, highlight=False, soft_wrap=False)
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
    if not result.decks:
        return "Nothing imported: every document was skipped (see the warnings)."
    title = "Import (dry run: nothing written)" if result.dry_run else "Import"
    table = Table(title=title, title_justify="left")
    for column in ("deck", "source", "cards", "added", "updated", "unchanged", "retired", "warnings"):
        table.add_column(
            column, justify="right" if column not in ("deck", "source") else "left", overflow="fold"
        )
    for deck in result.decks:
        table.add_row(
            deck.deck,
            deck.source,
            str(deck.cards),
            str(deck.added),
            str(deck.updated),
            str(deck.unchanged),
            str(deck.retired),
            str(len(deck.warnings)),
        )
    return _text([table], color)


def import_warnings(result: ImportResult) -> list[str]:
    lines = [f"warning: {skipped.source}: skipped: {skipped.reason}" for skipped in result.skipped]
    for deck in result.decks:
        if deck.replaced_source is not None:
            takes = "would take" if result.dry_run else "takes"
            lines.append(
                f"warning: {deck.source}: {takes} deck '{deck.deck}' over from "
                f"{deck.replaced_source} (--replace)"
            )
        if deck.images:
            lines.append(images_warning(deck.source, deck.images))
        lines.extend(f"warning: {deck.source}: {warning}" for warning in deck.warnings)
    return lines


IMAGES_NAMED = 5


def images_warning(source: str, images: tuple[str, ...]) -> str:
    """One line naming the images and embeds a document's cards leave out."""
    names = ", ".join(images[:IMAGES_NAMED])
    if len(images) > IMAGES_NAMED:
        names += f" and {len(images) - IMAGES_NAMED} more"
    count = "1 image" if len(images) == 1 else f"{len(images)} images"
    return f"warning: {source}: {count} not carried (cards are text only): {names}"


def import_json(result: ImportResult) -> str:
    return to_json(result)


# --- outline --------------------------------------------------------------------------------------


def outline_warnings(result: OutlineResult) -> list[str]:
    lines = [images_warning(result.source, result.images)] if result.images else []
    return lines + [f"warning: {result.source}: {warning}" for warning in result.warnings]


def outline_tree(result: OutlineResult, color: bool = False) -> str:
    """The section tree; with the cards, each section's cards and the text that made none under it,
    in the document's order."""
    tree = Tree(f"[bold]{_escape(result.name)}[/] ({_cards(result.cards)}, deck id {result.deck})")
    under = _outline_items(result)
    if result.sections:
        _add_items(tree, under.pop(result.sections[0].path, None))
    nodes: dict[int, Tree] = {0: tree}
    for section in result.sections[1:]:
        parent = nodes[max(level for level in nodes if level < section.level)]
        count = "[yellow]empty[/]" if section.empty else _cards(section.card_count)
        label = f"{_escape(section.title)}  [dim]line {section.line}[/] · {count}"
        nodes = {level: node for level, node in nodes.items() if level < section.level}
        nodes[section.level] = parent.add(label)
        _add_items(nodes[section.level], under.pop(section.path, None))
    for items in under.values():  # a path the tree does not have: kept, under the title
        _add_items(tree, items)
    root_cards = result.sections[0].card_count if result.sections else 0
    lines: list[RenderableType] = [tree, f"{_cards(root_cards)} under the title itself"]
    if result.with_cards:
        lines.append(_outline_counts(result))
        if result.flagged or result.uncarded:
            lines.append(
                "[dim]Where text made no card, or a card is flagged, mark the term to ask "
                "(**term**) or write the card as a line of its own (Question :: Answer)[/]"
            )
    return _text(lines, color)


def _outline_counts(result: OutlineResult) -> str:
    pieces = len(result.uncarded)
    return (
        f"{_cards(len(result.card_list))}, {result.flagged} flagged by the automatic checks; "
        f"{pieces} {'piece' if pieces == 1 else 'pieces'} of text with no card"
    )


def _outline_items(result: OutlineResult) -> dict[tuple[str, ...], tuple[list[OutlineCard], list[Uncarded]]]:
    """Each section's cards and the text in it that made no card."""
    under: dict[tuple[str, ...], tuple[list[OutlineCard], list[Uncarded]]] = {}
    for card in result.card_list:
        under.setdefault(card.section_path, ([], []))[0].append(card)
    for piece in result.uncarded:
        under.setdefault(piece.section_path, ([], []))[1].append(piece)
    return under


def _add_items(node: Tree, items: tuple[list[OutlineCard], list[Uncarded]] | None) -> None:
    """A section's cards and uncarded text under its node, by source line (a card first on a tie)."""
    cards, uncarded = items or ([], [])
    labels = [(card.line, _card_label(card)) for card in cards]
    labels += [
        (piece.line, f"[yellow]no card:[/] [dim]line {piece.line}:[/] {_escape(piece.text)}")
        for piece in uncarded
    ]
    for _line, label in sorted(labels, key=lambda pair: pair[0]):
        node.add(label)


def _card_label(card: OutlineCard) -> str:
    label = (
        f"[cyan]{card.kind}[/] [dim]· line {card.line}:[/] {_escape(card.front)}\n"
        f"[dim]→[/] {_escape(card.back.replace(chr(10), '; '))}"
    )
    if card.flags:
        label += f"\n[bold red]flagged:[/] [red]{', '.join(card.flags)}[/]"
    return label


def outline_json(result: OutlineResult) -> str:
    """The outline for programs; with the cards, each section's "cards" is the list of its cards
    (its count otherwise) and "uncarded" the text that made none."""
    under = _outline_items(result)
    sections: list[dict[str, Any]] = []
    for s in result.sections:
        section: dict[str, Any] = {
            "path": list(s.path),
            "title": s.title,
            "level": s.level,
            "line": s.line,
            "cards": s.card_count,
            "empty": s.empty,
        }
        if result.with_cards:
            cards, uncarded = under.get(s.path, ([], []))
            section["cards"] = [
                {
                    "key": c.key,
                    "kind": c.kind,
                    "front": c.front,
                    "back": c.back,
                    "line": c.line,
                    "references": list(c.references),
                    "flags": list(c.flags),
                }
                for c in cards
            ]
            section["uncarded"] = [{"line": u.line, "text": u.text} for u in uncarded]
        sections.append(section)
    data: dict[str, Any] = {
        "source": result.source,
        "deck": result.deck,
        "name": result.name,
        "cards": result.cards,
        "sections": sections,
        "warnings": list(result.warnings),
        "images": list(result.images),
    }
    if result.with_cards:
        data["totals"] = {
            "cards": len(result.card_list),
            "flagged": result.flagged,
            "uncarded": len(result.uncarded),
        }
    return to_json(data)


# --- decks and cards ------------------------------------------------------------------------------


def decks_table(rows: tuple[DeckRow, ...], color: bool = False) -> str:
    if not rows:
        return "No decks yet: run quiz import FILE."
    table = Table()
    for column in ("deck", "name", "cards", "sections", "empty", "retired", "imported", "source"):
        table.add_column(
            column,
            overflow="fold",
            justify="right" if column in ("cards", "sections", "empty", "retired") else "left",
        )
    for row in rows:
        table.add_row(
            row.slug,
            _escape(row.name),
            str(row.cards),
            str(row.sections),
            str(row.empty_sections),
            str(row.retired),
            row.imported_at.strftime("%Y-%m-%d %H:%M"),
            row.source_path,
        )
    return _text([table], color)


def decks_json(rows: tuple[DeckRow, ...]) -> str:
    return to_json([asdict(row) for row in rows])


def card_json(card: CardRow) -> dict[str, Any]:
    return {
        "key": card.key,
        "deck": card.deck,
        "section": list(card.section_path),
        "kind": card.kind,
        "front": card.front,
        "back": card.back,
        "references": list(card.references),
        "source_line": card.source_line,
    }


def cards_table(result: CardsResult, color: bool = False) -> str:
    if not result.cards:
        return f"Deck {result.deck} has no cards."
    table = Table(
        title=f"{_escape(result.name)}: {len(result.cards)} cards", title_justify="left", show_lines=True
    )
    for column in ("section", "kind", "front", "back", "refs", "line"):
        table.add_column(column, overflow="fold")
    for card in result.cards:
        table.add_row(
            _escape(breadcrumb(card.section_path[1:]) or card.section_path[0]),
            card.kind,
            _escape(card.front),
            _escape(card.back),
            ", ".join(card.references),
            str(card.source_line),
        )
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
        table.add_row(
            _escape(row.name),
            str(row.new_per_day),
            str(row.reviews_per_day),
            str(row.leech_threshold),
            f"{row.day_starts_at:02d}:00",
        )
    return _text([table], color)


def learners_json(rows: tuple[LearnerInfo, ...]) -> str:
    return to_json([asdict(row) for row in rows])


def _assigned(decks: tuple[Any, ...]) -> str:
    return (
        ", ".join(d.deck + (f" (due {d.due_date.isoformat()})" if d.due_date else "") for d in decks) or "–"
    )


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
    return "\n".join(
        [
            f"Cohort {detail.name} (created {detail.created_at:%Y-%m-%d})",
            f"Decks: {_assigned(detail.decks)}",
            f"Learners ({len(detail.learners)}): {', '.join(detail.learners) or 'none yet'}",
        ]
    )


def export_line(result: ExportResult) -> str:
    what = f"{result.cards} card{'s' if result.cards != 1 else ''}"
    if result.format == "anki":
        what += f" ({result.cloze} cloze) in {result.subdecks} subdecks"
        if result.suspended:
            what += f", {result.suspended} suspended"
    return f"Wrote {result.path}: {what} from {', '.join(result.decks)}."
