"""Markdown (and Obsidian-style notes) to a Document, read with a CommonMark parser (pulldown-cmark,
through pyromark): headings are sections, lists, paragraphs, callouts and table rows their items.

Obsidian's extensions ride on top: wiki links keep their label, embeds and images give no text (and
are named for the import's warning), `> [!note] Title` callouts lead their content with the title,
footnotes travel with the line that cites them, `==highlights==` mark a term, math reads as text.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import pyromark

from quiz.generator.document import (
    MARK_CLOSE,
    MARK_OPEN,
    NOTE_CLOSE,
    NOTE_OPEN,
    Document,
    Item,
    Section,
)
from quiz.generator.frontmatter import FrontMatter, split_front_matter
from quiz.generator.latex import math_text
from quiz.generator.text import mark_highlights, strip_bracket_references, tidy, unmark

_O = pyromark.Options
OPTIONS = (
    _O.ENABLE_TABLES
    | _O.ENABLE_FOOTNOTES
    | _O.ENABLE_STRIKETHROUGH
    | _O.ENABLE_TASKLISTS
    | _O.ENABLE_MATH
    | _O.ENABLE_WIKILINKS
)
_PARSER = pyromark.Markdown(options=OPTIONS)

_SKIP = re.compile(r"^\s*<!--\s*quiz:\s*skip\s*-->\s*$", re.IGNORECASE)
_CALLOUT = re.compile(r"^\[!([\w-]+)\][+-]?[ \t]*")
_EXPLICIT_LINE = re.compile(r"(?<!\{c\d)::|\{\{c\d+::")
_LABEL_LINE = re.compile(r"^[^:\n]{1,60}:\s+\S")
_EQUATION_LINE = re.compile(r"^[^=\n]{1,30}\s=\s\S")
# Headings of sections that hold no knowledge to learn: the note's sources and links elsewhere.
_NOT_KNOWLEDGE = re.compile(
    r"^(?:sources?|references?|bibliography|citations?|further reading|reading list|links?|"
    r"external links|see also|related(?: notes| topics| links)?|resources|backlinks|footnotes|"
    r"tags|notes? to self|to ?do)$",
    re.IGNORECASE,
)
# Footnote text that is a citation (kept as the card's reference) rather than a statement.
_CITATION = re.compile(
    r"https?://|\bwww\.|\bdoi\b|\bpmid\b|\bet al\b|\bibid\b|\bop\.? cit\b|\bjournal\b|\bguidelines?\b"
    r"|\b(?:19|20)\d{2}\b|^\W*\d+\W*$|^\W*[A-Z][A-Za-z'-]+,? ?\W*$",
    re.IGNORECASE,
)
_CODE_EQUALS = "\ue001"  # an "=" inside code, kept from being read as a highlight
# Obsidian's inline tags ("#renal"): filing marks, not text.
_TAG = re.compile(r"(?<![\w&#/])#[A-Za-z][\w/-]*")
_LONG_NOTE_WORDS = 15


@dataclass
class _Heading:
    depth: int  # as written: 1 for '#'
    title: str
    line: int
    items: list[Item] = field(default_factory=list)


@dataclass
class _Buffer:
    """The inline text of one leaf block being read."""

    line: int
    parts: list[str] = field(default_factory=list)
    depth: int = 0  # a heading's, as written
    link_chars: int = 0
    other_chars: int = 0

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _ListContext:
    group: int
    lead: str | None


@dataclass
class _ItemContext:
    line: int
    depth: int
    list: _ListContext
    item: Item | None = None  # made once the item's own text is read
    paragraphs: int = 0
    task: bool = False


@dataclass
class _QuoteContext:
    title: str | None = None
    first: bool = True
    question: str | None = None  # a callout titled with a question: its first paragraph answers it


class _Reader:
    """One pass over the parser's events, placing items under the headings they follow."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer(b"\n", text.encode())]  # byte offsets, as ranges are
        self.preamble = _Heading(0, "", 1)
        self.headings: list[_Heading] = []
        self.buffer: _Buffer | None = None
        self.containers: list[Any] = []  # the open _ListContext, _ItemContext and _QuoteContext
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
    def heading(self) -> _Heading:
        return self.headings[-1] if self.headings else self.preamble

    def line_of(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    # --- the walk -----------------------------------------------------------------------------

    def run(self, text: str) -> None:
        for raw, span in _PARSER.events_with_range(text, merge_text=True):
            event: Any = raw
            if self.skip_heading or self.skip_depth:
                self._skipping(event, span["start"])
                continue
            if type(event) is str:
                if event in ("SoftBreak", "HardBreak") and self.buffer is not None:
                    self.buffer.parts.append("\n")
                continue
            kind = next(iter(event))
            value = event[kind]
            if kind == "Text":
                self._text(value)
            elif kind == "Start":
                self._start(value, span["start"])
            elif kind == "End":
                self._end(value)
            elif kind == "Code":
                if not self.hidden and self.buffer is not None:
                    self.buffer.parts.append(value.replace("=", _CODE_EQUALS))
                    self.buffer.other_chars += len(value)
            elif kind in ("InlineMath", "DisplayMath"):
                self._text(math_text(value))
            elif kind == "TaskListMarker":
                # A task ("- [ ] check the dose") is a to-do of the note's author, not a fact.
                item = next((c for c in reversed(self.containers) if isinstance(c, _ItemContext)), None)
                if item is not None:
                    item.task = True
            elif kind == "FootnoteReference":
                if self.buffer is not None:
                    self.buffer.parts.append(f"{NOTE_OPEN}{value}{NOTE_CLOSE}")
            elif kind == "Html":
                self.html.append(value)
            elif (
                kind == "InlineHtml"
                and self.buffer is not None
                and re.match(r"<br\s*/?>", value, re.IGNORECASE)
            ):
                self.buffer.parts.append(" ")

    def _skipping(self, event: Any, offset: int) -> None:
        if type(event) is str:
            return
        kind = next(iter(event))
        if self.skip_heading:
            value = event[kind]
            if (
                kind == "Start"
                and isinstance(value, dict)
                and "Heading" in value
                and int(value["Heading"]["level"][1]) <= self.skip_heading
            ):
                self.skip_heading = 0
                self._start(value, offset)
            return
        if kind == "Start":
            self.skip_depth += 1
        elif kind == "End":
            self.skip_depth -= 1

    def _text(self, value: str) -> None:
        if self.code is not None:
            self.code.append(value)
            return
        if self.hidden:
            return
        if self.footnote_label is not None and self.buffer is None:
            self.footnote_parts.append(value)
            return
        if self.buffer is not None:
            self.buffer.parts.append(value)
            if self.in_link:
                self.buffer.link_chars += len(value.strip())
            else:
                self.buffer.other_chars += len(value.strip(" ,.;:-–—|•()[]"))

    def _start(self, tag: Any, offset: int) -> None:
        name = tag if isinstance(tag, str) else next(iter(tag))
        if self.skip_next and name in ("Heading", "Paragraph", "Item", "Table", "BlockQuote", "CodeBlock"):
            self.skip_next = False
            self.skipped += 1
            if name == "Heading":
                self.skip_heading = int(tag["Heading"]["level"][1])
            else:
                self.skip_depth = 1
            return
        if name == "Heading":
            self.pending_lead = None
            self.buffer = _Buffer(self.line_of(offset), depth=int(tag["Heading"]["level"][1]))
        elif name == "Paragraph":
            self.buffer = _Buffer(self.line_of(offset))
        elif name == "Item":
            outer = self.containers[-1]
            assert isinstance(outer, _ListContext)
            depth = sum(isinstance(c, _ItemContext) for c in self.containers)
            self.containers.append(_ItemContext(self.line_of(offset), depth, outer))
            self.buffer = _Buffer(self.line_of(offset))
        elif name == "List":
            lead = self._list_lead()
            self.groups += 1
            self.containers.append(_ListContext(self.groups, lead))
            self.pending_lead = None
        elif name == "BlockQuote":
            self.containers.append(_QuoteContext())
        elif name == "FootnoteDefinition":
            self.footnote_label = tag["FootnoteDefinition"]
            self.footnote_parts = []
        elif name == "CodeBlock" and _is_prose_block(tag["CodeBlock"]):
            self.code = []
            self.code_line = self.line_of(offset) + 1
        elif name in ("CodeBlock", "Image", "Strikethrough"):
            self.hidden += 1
            if name == "Image":
                self.images.append(tag["Image"]["dest_url"])
        elif name == "Strong":
            if self.buffer is not None and not self.hidden:
                self.buffer.parts.append(MARK_OPEN)
        elif name == "Link":
            self.in_link += 1
        elif name == "HtmlBlock":
            self.html = []
        elif name == "TableHead":
            self.table_header = []
            self.row = []
        elif name == "TableRow":
            self.row = []
            self.row_line = self.line_of(offset)
        elif name == "TableCell":
            self.buffer = _Buffer(self.row_line)
        elif name == "Table":
            self.pending_lead = None

    def _end(self, tag: Any) -> None:
        name = tag if isinstance(tag, str) else next(iter(tag))
        if name == "Heading":
            self._heading()
        elif name == "Paragraph":
            self._paragraph()
        elif name == "Item":
            context = self.containers.pop()
            assert isinstance(context, _ItemContext)
            if context.item is None and self.buffer is not None:
                self._item_text(context)
            self.buffer = None
        elif name == "List":
            self.containers.pop()
            self.pending_lead = None
        elif name == "BlockQuote":
            self.containers.pop()
        elif name == "FootnoteDefinition":
            self.footnotes[self.footnote_label or ""] = tidy(unmark(" ".join(self.footnote_parts)))
            self.footnote_label = None
        elif name == "CodeBlock" and self.code is not None:
            # Undo the escape put before a line's ">5.5" (a fence shows it as written).
            self._prose_block("".join(self.code).replace("\\>", ">"))
            self.code = None
        elif name in ("CodeBlock", "Image", "Strikethrough"):
            self.hidden -= 1
        elif name == "Strong":
            if self.buffer is not None and not self.hidden:
                self.buffer.parts.append(MARK_CLOSE)
        elif name == "Link":
            self.in_link -= 1
        elif name == "HtmlBlock":
            if _SKIP.match("".join(self.html)):
                self.skip_next = True
        elif name == "TableCell":
            self.row.append(self.buffer.text() if self.buffer is not None else "")
            self.buffer = None
        elif name == "TableHead":
            self.table_header = self.row
        elif name == "TableRow":
            self._row()

    # --- blocks -------------------------------------------------------------------------------

    def _list_lead(self) -> str | None:
        item = next((c for c in reversed(self.containers) if isinstance(c, _ItemContext)), None)
        if item is not None:
            if item.item is None and self.buffer is not None:
                self._item_text(item)
            return tidy(unmark(item.item.text)) if item.item is not None else None
        if self.pending_lead:
            return self.pending_lead
        return self._callout_title()

    def _callout_title(self) -> str | None:
        quote = next((c for c in reversed(self.containers) if isinstance(c, _QuoteContext)), None)
        return quote.title if quote is not None else None

    def _heading(self) -> None:
        if self.buffer is None:
            return
        title = tidy(unmark(_resolve_footnotes(_plain(self.buffer.text())[0], {})[0]))
        self.headings.append(_Heading(self.buffer.depth, title, self.buffer.line))
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
        if isinstance(quote, _QuoteContext) and quote.first:
            quote.first = False
            callout = _CALLOUT.match(text)
            if callout:
                title, _, text = text[callout.end() :].partition("\n")
                # The title leads the callout's content, as a "...:" line would.
                heading = tidy(unmark(_plain(title)[0])).rstrip(":")
                quote.title = f"{heading}:" if heading else None
                quote.question = heading if heading.endswith("?") else None
                if not text.strip():
                    return
        question = next((c for c in reversed(self.containers) if isinstance(c, _QuoteContext)), None)
        if (
            question is not None
            and question.question
            and not any(isinstance(c, _ItemContext) for c in self.containers)
        ):
            # "> [!question] Why ...?" and its answer: a card as the author would write it.
            self._add(Item("paragraph", f"{question.question} :: {' '.join(text.split())}", buffer.line))
            question.question = None
            return
        item = next((c for c in reversed(self.containers) if isinstance(c, _ItemContext)), None)
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
        plain = tidy(unmark(_plain(text)[0])) if text.rstrip().endswith(":") else ""
        self.pending_lead = plain if added and plain.endswith(":") else None

    def _item_text(self, context: _ItemContext, buffer: _Buffer | None = None) -> None:
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


_THRESHOLD_LINE = re.compile(r"(?m)^([ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?)>(?=\d)")
_PROSE_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+")
_PROSE_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "note", "notes", "md", "markdown"})


def _is_prose_block(kind: Any) -> bool:
    return isinstance(kind, dict) and str(kind.get("Fenced", "x")).strip().lower() in _PROSE_LANGUAGES


def _cell(raw: str) -> str:
    return tidy(unmark(_plain(raw)[0]))


def _links_only(buffer: _Buffer) -> bool:
    return buffer.link_chars > 0 and buffer.other_chars == 0


def _plain(raw: str) -> tuple[str, tuple[str, ...]]:
    """Card text from one block's inline text: highlights marked, citation markers and tags taken
    out."""
    text = mark_highlights(raw) if "==" in raw else raw
    if "#" in text:
        text = _TAG.sub("", text)
    if _CODE_EQUALS in text:
        text = text.replace(_CODE_EQUALS, "=")
    text, refs = strip_bracket_references(text)
    # A mark left open by odd input must not swallow the rest of the card.
    if text.count(MARK_OPEN) != text.count(MARK_CLOSE) or f"{MARK_OPEN}{MARK_OPEN}" in text:
        text = unmark(text)
    return text, refs


_FOOTNOTE = re.compile(f"{NOTE_OPEN}([^{NOTE_CLOSE}]*){NOTE_CLOSE}")


def _resolve_footnotes(text: str, footnotes: dict[str, str]) -> tuple[str, tuple[str, ...], list[str]]:
    """A footnote that cites a source becomes a reference; a short one that states a fact is
    carried, in parentheses, where the line cites it; a longer statement is returned, to stand as
    its own item led by the line."""
    refs: list[str] = []
    statements: list[str] = []

    def place(match: re.Match[str]) -> str:
        label = match.group(1)
        note = footnotes.get(label, "")
        if not note or _CITATION.search(note) or len(note.split()) < 3:
            refs.append(label)
            return ""
        if len(note.split()) > _LONG_NOTE_WORDS:
            statements.append(note)
            return ""
        note = note.rstrip(". ")
        if len(note) > 1 and note[0].isupper() and note[1].islower():
            note = note[0].lower() + note[1:]
        return f" ({note})"

    return _FOOTNOTE.sub(place, text), tuple(refs), statements


def parse_markdown(text: str, source: str, default_title: str) -> Document:
    meta, body = split_front_matter(text, source)
    if ">" in body:
        # "- >5.5 mmol/L": CommonMark reads a quote; a note's author wrote "greater than".
        body = _THRESHOLD_LINE.sub(r"\1\\>", body)
    reader = _Reader(body)
    reader.run(body)
    title, root = _tree(reader, meta, default_title)
    for section in root.walk():
        kept: list[Item] = []
        for item in section.items:
            rendered, refs = _plain(item.text)
            statements: list[str] = []
            if NOTE_OPEN in rendered:
                rendered, notes, statements = _resolve_footnotes(rendered, reader.footnotes)
                refs = refs + notes
            if item.lead is not None:
                item.lead = _lead_text(item.lead)
            if item.cells:
                cells = [_resolve_footnotes(text, reader.footnotes) for pair in item.cells for text in pair]
                refs = refs + tuple(r for _, found, _ in cells for r in found)
                resolved = [tidy(text) for text, _, _ in cells]
                item.cells = tuple(zip(resolved[0::2], resolved[1::2], strict=True))
            item.text, item.references = tidy(rendered), tuple(dict.fromkeys(refs))
            if unmark(item.text).strip():
                kept.append(item)
                kept.extend(
                    Item(
                        "paragraph", tidy(note), item.line, depth=item.depth, lead=_citing_sentence(item.text)
                    )
                    for note in statements
                )
        section.items = kept
    return Document(
        title=title,
        root=root,
        deck_id=meta.deck_id,
        tags=meta.tags,
        references=meta.references,
        skipped=reader.skipped,
        images=tuple(dict.fromkeys(reader.images)),
    )


@functools.lru_cache(maxsize=4096)
def _lead_text(raw: str) -> str:
    """A lead-in as the card shows it (one list's items share it: read once)."""
    return tidy(unmark(_resolve_footnotes(_plain(raw)[0], {})[0]))


def _citing_sentence(text: str) -> str:
    """The lead for a footnote's statement: the last sentence of the line that cites it."""
    from quiz.generator.rules import sentences

    last = sentences(unmark(text))[-1] if text.strip() else ""
    return tidy(last).rstrip(".:") + ":"


def _tree(reader: _Reader, meta: FrontMatter, default_title: str) -> tuple[str, Section]:
    """The section tree, per decks.md: a lone '#' heading at the top, with every other heading
    deeper, is the title; otherwise every heading is a section under the note's own title."""
    headings = reader.headings
    lone_top = bool(headings) and headings[0].depth == 1 and all(h.depth > 1 for h in headings[1:])
    title = meta.title or (headings[0].title if lone_top else "") or default_title
    root = Section(title=title, level=0, line=1)
    root.items.extend(reader.preamble.items)
    if lone_top:
        root.line = headings[0].line
        root.items.extend(headings[0].items)
        headings = headings[1:]
    stack: list[tuple[int, Section]] = [(0, root)]
    for heading in headings:
        while stack[-1][0] >= heading.depth:
            stack.pop()
        parent = stack[-1][1]
        section = Section(
            title=heading.title or "(untitled)",
            level=parent.level + 1,
            line=heading.line,
            items=heading.items,
        )
        section.knowledge = parent.knowledge and not _NOT_KNOWLEDGE.match(heading.title.strip(" :"))
        parent.children.append(section)
        stack.append((heading.depth, section))
    return title, root
