"""Documents and decks as text: the import, the outline, the decks, a deck's cards, an export's line.

Returns strings from the services' results; no queries, no printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.render.columns import columns, terminal_width
from quiz.render.data import to_json
from quiz.render.style import paint
from quiz.render.terminal import clipped, shown

if TYPE_CHECKING:  # result types only: rendering an outline must not load the database code
    from quiz.core.drafts import Uncarded
    from quiz.services.browse import CardsResult, DeckSummary
    from quiz.services.documents import OutlineCard, OutlineResult
    from quiz.services.export import ExportResult
    from quiz.services.importing import ImportResult

IMAGES_NAMED = 5

# How much of a piece of text that made no card the outline quotes: enough to find it in the file.
UNCARDED_WIDTH = 160


def cards_count(count: int) -> str:
    return f"{count} card" if count == 1 else f"{count} cards"


# --- import ---------------------------------------------------------------------------------------


def import_table(result: ImportResult, color: bool = False) -> str:
    if not result.decks:
        return "Nothing imported: every document was skipped (see the warnings)."
    headers = ["deck", "source", "cards", "added", "updated", "unchanged", "retired", "warnings"]
    rows = [
        [
            d.deck,
            d.source,
            *map(str, (d.cards, d.added, d.updated, d.unchanged, d.retired, len(d.warnings))),
        ]
        for d in result.decks
    ]
    title = "Import (dry run: nothing written)" if result.dry_run else "Import"
    # No width to fit: a source path is kept whole, to be copied.
    return columns(headers, rows, title=paint(title, color, "bold"), left={0, 1})


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


def images_warning(source: str, images: tuple[str, ...]) -> str:
    """One line naming the images and embeds a document's cards leave out."""
    names = ", ".join(images[:IMAGES_NAMED])
    if len(images) > IMAGES_NAMED:
        names += f" and {len(images) - IMAGES_NAMED} more"
    count = "1 image" if len(images) == 1 else f"{len(images)} images"
    return f"warning: {source}: {count} not carried (cards are text only): {names}"


# --- outline --------------------------------------------------------------------------------------


@dataclass
class _Node:
    label: str
    children: list[_Node] = field(default_factory=list)


def _draw(node: _Node, prefix: str = "") -> list[str]:
    """A node's children drawn under it with tree guides, as `tree` does."""
    out: list[str] = []
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        first, *rest = child.label.split("\n")
        out.append(f"{prefix}{'└── ' if last else '├── '}{first}")
        below = prefix + ("    " if last else "│   ")
        out.extend(f"{below}{line}" for line in rest)
        out.extend(_draw(child, below))
    return out


def outline_warnings(result: OutlineResult) -> list[str]:
    lines = [images_warning(result.source, result.images)] if result.images else []
    return lines + [f"warning: {result.source}: {warning}" for warning in result.warnings]


def outline_tree(result: OutlineResult, color: bool = False) -> str:
    """The section tree; with the cards, each section's cards and the text that made none under it,
    in the document's order."""
    root = _Node(
        f"{paint(shown(result.name), color, 'bold')} ({cards_count(result.cards)}, deck id {result.deck})"
    )
    under = _outline_items(result)
    if result.sections:
        _add_items(root, under.pop(result.sections[0].path, None), color)
    nodes: dict[int, _Node] = {0: root}
    for section in result.sections[1:]:
        parent = nodes[max(level for level in nodes if level < section.level)]
        count = paint("empty", color, "yellow") if section.empty else cards_count(section.card_count)
        label = f"{shown(section.title)}  {paint(f'line {section.line}', color, 'dim')} · {count}"
        nodes = {level: node for level, node in nodes.items() if level < section.level}
        nodes[section.level] = _Node(label)
        parent.children.append(nodes[section.level])
        _add_items(nodes[section.level], under.pop(section.path, None), color)
    for items in under.values():  # a path the tree does not have: kept, under the title
        _add_items(root, items, color)
    root_cards = result.sections[0].card_count if result.sections else 0
    lines = [root.label, *_draw(root), f"{cards_count(root_cards)} under the title itself"]
    if result.with_cards:
        pieces = len(result.uncarded)
        lines.append(
            f"{cards_count(len(result.card_list))}, {result.flagged} flagged by the automatic checks; "
            f"{pieces} {'piece' if pieces == 1 else 'pieces'} of text with no card"
        )
        if result.flagged or result.uncarded:
            hint = (
                "Where text made no card, or a card is flagged, mark the term to ask "
                "(**term**) or write the card as a line of its own (Question :: Answer)"
            )
            lines.append(paint(hint, color, "dim"))
    return "\n".join(lines)


def _outline_items(result: OutlineResult) -> dict[tuple[str, ...], tuple[list[OutlineCard], list[Uncarded]]]:
    """Each section's cards and the text in it that made no card."""
    under: dict[tuple[str, ...], tuple[list[OutlineCard], list[Uncarded]]] = {}
    for card in result.card_list:
        under.setdefault(card.section_path, ([], []))[0].append(card)
    for piece in result.uncarded:
        under.setdefault(piece.section_path, ([], []))[1].append(piece)
    return under


def _add_items(node: _Node, items: tuple[list[OutlineCard], list[Uncarded]] | None, color: bool) -> None:
    """A section's cards and uncarded text under its node, by source line (a card first on a tie)."""
    cards, uncarded = items or ([], [])
    labels = [(card.line, _card_label(card, color)) for card in cards]
    for piece in uncarded:
        where = paint(f"line {piece.line}:", color, "dim")
        text = shown(clipped(piece.text, UNCARDED_WIDTH))
        labels.append((piece.line, f"{paint('no card:', color, 'yellow')} {where} {text}"))
    for _line, label in sorted(labels, key=lambda pair: pair[0]):
        node.children.append(_Node(label))


def _card_label(card: OutlineCard, color: bool) -> str:
    label = (
        f"{paint(card.kind, color, 'cyan')} {paint(f'· line {card.line}:', color, 'dim')} "
        f"{shown(card.front)}\n"
        f"{paint('→', color, 'dim')} {shown(card.back.replace(chr(10), '; '))}"
    )
    if card.flags:
        label += (
            f"\n{paint('flagged:', color, 'bold', 'red')} {paint(shown(', '.join(card.flags)), color, 'red')}"
        )
    return label


def outline_json(result: OutlineResult) -> str:
    """The outline for programs: each section with the list of its cards (with their flags) and
    the text in it that made none."""
    under = _outline_items(result)
    sections: list[dict[str, Any]] = []
    for s in result.sections:
        cards, uncarded = under.get(s.path, ([], []))
        sections.append(
            {
                "path": list(s.path),
                "title": s.title,
                "level": s.level,
                "line": s.line,
                "empty": s.empty,
                "cards": [
                    {
                        "key": c.key,
                        "kind": c.kind,
                        "front": c.front,
                        "back": c.back,
                        "line": c.line,
                        "references": c.references,
                        "flags": c.flags,
                    }
                    for c in cards
                ],
                "uncarded": [{"line": u.line, "text": u.text} for u in uncarded],
            }
        )
    return to_json(
        {
            "source": result.source,
            "deck": result.deck,
            "name": result.name,
            "cards": result.cards,
            "sections": sections,
            "warnings": result.warnings,
            "images": result.images,
            "totals": {
                "cards": len(result.card_list),
                "flagged": result.flagged,
                "uncarded": len(result.uncarded),
            },
        }
    )


# --- decks and cards ------------------------------------------------------------------------------


def decks_table(rows: tuple[DeckSummary, ...], color: bool = False) -> str:
    if not rows:
        return "No decks yet: run quiz import FILE."
    headers = ["deck", "name", "cards", "sections", "empty", "retired", "imported", "source"]
    table = [
        [
            row.slug,
            row.name,
            *map(str, (row.cards, row.sections, row.empty_sections, row.retired)),
            row.imported_at.strftime("%Y-%m-%d %H:%M"),
            row.source_path,
        ]
        for row in rows
    ]
    # The source path is never wrapped: it is kept whole, to be copied.
    return columns(headers, table, left={0, 1, 6, 7}, wrap={1}, width=terminal_width(), color=color)


def cards_table(result: CardsResult, color: bool = False) -> str:
    if not result.cards:
        return f"Deck {result.deck} has no cards."
    rows = [
        [
            BREADCRUMB_SEPARATOR.join(card.section[1:]) or card.section[0],
            card.kind,
            card.front,
            card.back,
            ", ".join(card.references),
            str(card.source_line),
            card.key,
        ]
        for card in result.cards
    ]
    # The key is never wrapped: it is kept whole, to be copied (quiz unsuspend --key); on a narrow
    # terminal it goes under its card's row.
    return columns(
        ["section", "kind", "front", "back", "refs", "line", "key"],
        rows,
        title=paint(f"{shown(result.name)}: {len(result.cards)} cards", color, "bold"),
        left={0, 1, 2, 3, 4, 6},
        wrap={0, 2, 3, 4},
        width=terminal_width(),
        spaced=True,
        under=6,
    )


def cards_json(result: CardsResult) -> str:
    return to_json(result.cards)


def export_line(result: ExportResult) -> str:
    what = f"{result.cards} card{'s' if result.cards != 1 else ''}"
    if result.format == "anki":
        what += f" as {result.notes} notes ({result.cloze} cloze) in {result.subdecks} subdecks"
        if result.suspended:
            what += f", {result.suspended} suspended"
        if result.retired:
            what += f", and {result.retired} retired (tagged quiz::retired, suspended)"
    return f"Wrote {result.path}: {what} from {', '.join(result.decks)}."
