"""The Markdown reader's state, and what a finished block adds to it: items under their headings,
lists' lead-ins, callouts and their titles, table rows, fences of notes typed as plain text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from quiz.generator.document import Item
from quiz.generator.inline import inline_text, resolve_footnotes
from quiz.generator.text import tidy, unmark

_CALLOUT = re.compile(r"^\[!([\w-]+)\][+-]?[ \t]*")
_EXPLICIT_LINE = re.compile(r"(?<!\{c\d)::|\{\{c\d+::")
_LABEL_LINE = re.compile(r"^[^:\n]{1,60}:\s+\S")
_EQUATION_LINE = re.compile(r"^[^=\n]{1,30}\s=\s\S")
_PROSE_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+")


@dataclass
class Heading:
    depth: int  # as written: 1 for '#'
    title: str
    line: int
    items: list[Item] = field(default_factory=list)


@dataclass
class Buffer:
    """The inline text of one leaf block being read."""

    line: int
    parts: list[str] = field(default_factory=list)
    depth: int = 0  # a heading's, as written
    link_chars: int = 0
    other_chars: int = 0

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class ListContext:
    group: int
    lead: str | None


@dataclass
class ItemContext:
    line: int
    depth: int
    list: ListContext
    item: Item | None = None  # made once the item's own text is read
    paragraphs: int = 0
    task: bool = False


@dataclass
class QuoteContext:
    title: str | None = None
    first: bool = True
    question: str | None = None  # a callout titled with a question: its first paragraph answers it


class BlockReader:
    """The reading so far: the headings read, each with its items, and the blocks still open."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer(b"\n", text.encode())]  # byte offsets, as ranges are
        self.preamble = Heading(0, "", 1)
        self.headings: list[Heading] = []
        self.buffer: Buffer | None = None
        self.containers: list[Any] = []  # the open ListContext, ItemContext and QuoteContext
        self.groups = 0
        self.pending_lead: str | None = None  # a paragraph ending in ':' just read
        self.footnotes: dict[str, str] = {}
        self.footnote_label: str | None = None
        self.footnote_parts: list[str] = []
        self.images: list[str] = []
        self.skipped = 0
        self.skip_next = False
        self.skip_depth = 0  # > 0 while inside a block left out by <!-- quiz: skip -->
        self.skip_heading = 0  # > 0 while inside a heading's section left out
        self.hidden = 0  # > 0 inside text that is not card text: code, images, struck-out text
        self.html: list[str] = []
        self.table_header: list[str] | None = None
        self.row: list[str] = []
        self.row_line = 0
        self.in_link = 0
        self.code: list[str] | None = None  # the text of a fence of notes (no language) being read
        self.code_line = 0

    @property
    def heading(self) -> Heading:
        return self.headings[-1] if self.headings else self.preamble

    def line_of(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    # --- blocks -------------------------------------------------------------------------------

    def _list_lead(self) -> str | None:
        item = next((c for c in reversed(self.containers) if isinstance(c, ItemContext)), None)
        if item is not None:
            if item.item is None and self.buffer is not None:
                self._item_text(item)
            return tidy(unmark(item.item.text)) if item.item is not None else None
        if self.pending_lead:
            return self.pending_lead
        return self._callout_title()

    def _callout_title(self) -> str | None:
        quote = next((c for c in reversed(self.containers) if isinstance(c, QuoteContext)), None)
        return quote.title if quote is not None else None

    def _heading(self) -> None:
        if self.buffer is None:
            return
        title = tidy(unmark(resolve_footnotes(inline_text(self.buffer.text())[0], {})[0]))
        self.headings.append(Heading(self.buffer.depth, title, self.buffer.line))
        self.buffer = None

    def _paragraph(self) -> None:
        buffer, self.buffer = self.buffer, None
        if buffer is None:
            return
        if self.footnote_label is not None:
            self.footnote_parts.append(buffer.text())
            return
        text = buffer.text()
        quote = self.containers[-1] if self.containers else None
        if isinstance(quote, QuoteContext) and quote.first:
            quote.first = False
            callout = _CALLOUT.match(text)
            if callout:
                title, _, text = text[callout.end() :].partition("\n")
                # The title leads the callout's content, as a "...:" line would.
                heading = tidy(unmark(inline_text(title)[0])).rstrip(":")
                quote.title = f"{heading}:" if heading else None
                quote.question = heading if heading.endswith("?") else None
                if not text.strip():
                    return
        question = next((c for c in reversed(self.containers) if isinstance(c, QuoteContext)), None)
        if (
            question is not None
            and question.question
            and not any(isinstance(c, ItemContext) for c in self.containers)
        ):
            # "> [!question] Why ...?" and its answer: a card as the author would write it.
            self._add(Item("paragraph", f"{question.question} :: {' '.join(text.split())}", buffer.line))
            question.question = None
            return
        item = next((c for c in reversed(self.containers) if isinstance(c, ItemContext)), None)
        if item is not None:
            item.paragraphs += 1
            if item.item is None:
                self._item_text(item, buffer)
                return
            lead = tidy(unmark(item.item.text))
            self._add(
                Item(
                    "paragraph",
                    text,
                    buffer.line,
                    depth=item.depth,
                    lead=lead,
                    links_only=_links_only(buffer),
                )
            )
            return
        lines = text.split("\n")
        if len(lines) > 1 and all(
            _EXPLICIT_LINE.search(line) or _LABEL_LINE.match(line) or _EQUATION_LINE.match(unmark(line))
            for line in lines
            if line.strip()
        ):
            # "Question :: Answer" cards and "Label: value" lines stand one a line.
            for offset, line in enumerate(lines):
                if line.strip():
                    self._add(Item("paragraph", line, buffer.line + offset, lead=self._callout_title()))
            self.pending_lead = None
            return
        added = self._add(
            Item("paragraph", text, buffer.line, lead=self._callout_title(), links_only=_links_only(buffer))
        )
        plain = tidy(unmark(inline_text(text)[0])) if text.rstrip().endswith(":") else ""
        self.pending_lead = plain if added and plain.endswith(":") else None

    def _item_text(self, context: ItemContext, buffer: Buffer | None = None) -> None:
        buffer = buffer or self.buffer
        if buffer is None:
            return
        item = Item(
            "bullet",
            buffer.text(),
            context.line,
            depth=context.depth,
            lead=context.list.lead,
            group=context.list.group,
            links_only=_links_only(buffer),
        )
        context.item = item
        if not context.task:
            self._add(item)
        self.buffer = None

    def _prose_block(self, text: str) -> None:
        """A fence with no language holds notes typed as plain text (students keep scores and
        regimens so): a line is a paragraph, "- x" a bullet led by the last "...:" line, and an
        indented line continues the one above."""
        self.groups += 1
        lead: str | None = None
        last: Item | None = None
        for offset, line in enumerate(text.split("\n")):
            stripped = line.strip()
            if not stripped:
                continue
            if last is not None and line[:1] in (" ", "\t") and not _PROSE_BULLET.match(stripped):
                last.text += " " + stripped
                continue
            number = self.code_line + offset
            bullet = _PROSE_BULLET.match(stripped)
            if bullet:
                last = Item("bullet", stripped[bullet.end() :], number, lead=lead, group=self.groups)
            else:
                last = Item("paragraph", stripped, number)
                lead = stripped if stripped.endswith(":") else None
                if lead:
                    self.groups += 1
            self._add(last)

    def _row(self) -> None:
        header = self.table_header or []
        cells = [_cell(cell) for cell in self.row]
        if not cells or not any(cells):
            return
        pairs = tuple((_cell(header[i]) if i < len(header) else "", cell) for i, cell in enumerate(cells))
        named = [f"{h}: {c}" if h else c for h, c in pairs[1:] if c]
        text = f"{cells[0]} — {'; '.join(named)}" if named else cells[0]
        # The cells keep their footnote marks until the footnotes, at the end, are known.
        self._add(Item("row", text, self.row_line, cells=pairs))

    def _add(self, item: Item) -> bool:
        if not unmark(item.text).strip():
            return False
        self.heading.items.append(item)
        return True


def _cell(raw: str) -> str:
    return tidy(unmark(inline_text(raw)[0]))


def _links_only(buffer: Buffer) -> bool:
    return buffer.link_chars > 0 and buffer.other_chars == 0
