"""Markdown (and Obsidian-style notes) to a Document, read with a CommonMark parser (pulldown-cmark,
through pyromark): headings are sections, lists, paragraphs, callouts and table rows their items.

Obsidian's extensions ride on top: wiki links keep their label, embeds and images give no text (and
are named for the import's warning), `> [!note] Title` callouts lead their content with the title,
footnotes travel with the line that cites them, `==highlights==` mark a term, math reads as text.
"""

from __future__ import annotations

import re
from typing import Any

import pyromark

from quiz.errors import DeckError
from quiz.generator.blocks import BlockReader, Buffer, ItemContext, ListContext, QuoteContext
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
from quiz.generator.inline import CODE_EQUALS, citing_sentence, inline_text, lead_text, resolve_footnotes
from quiz.generator.latex import math_text
from quiz.generator.text import tidy, unmark

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

MAX_NESTING = 50  # levels of lists and quotes, each list level being a list and an item
_SKIP = re.compile(r"^\s*<!--\s*quiz:\s*skip\s*-->\s*$", re.IGNORECASE)
# Headings of sections that hold no knowledge to learn: the note's sources and links elsewhere.
_NOT_KNOWLEDGE = re.compile(
    r"^(?:sources?|references?|bibliography|citations?|further reading|reading list|links?|"
    r"external links|see also|related(?: notes| topics| links)?|resources|backlinks|footnotes|"
    r"tags|notes? to self|to ?do)$",
    re.IGNORECASE,
)


class _Reader(BlockReader):
    """One pass over the parser's events, placing items under the headings they follow."""

    source = ""

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
                    self.buffer.parts.append(value.replace("=", CODE_EQUALS))
                    self.buffer.other_chars += len(value)
            elif kind in ("InlineMath", "DisplayMath"):
                self._text(math_text(value))
            elif kind == "TaskListMarker":
                # A task ("- [ ] check the dose") is a to-do of the note's author, not a fact.
                item = next((c for c in reversed(self.containers) if isinstance(c, ItemContext)), None)
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
            if self.skip_depth > 2 * MAX_NESTING:
                self._nest(offset)
        elif kind == "End":
            self.skip_depth -= 1

    def _nest(self, offset: int) -> None:
        """Refuse lists and quotes nested past any note's use: ">>>>..." is a quote per character,
        and a megabyte of them would take the reader half a minute."""
        if len(self.containers) + self.skip_depth >= 2 * MAX_NESTING:
            raise DeckError(
                f"nests lists or quotes more than {MAX_NESTING} levels deep: flatten them",
                source=self.source,
                line=self.line_of(offset),
            )

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
            self.buffer = Buffer(self.line_of(offset), depth=int(tag["Heading"]["level"][1]))
        elif name == "Paragraph":
            self.buffer = Buffer(self.line_of(offset))
        elif name == "Item":
            outer = self.containers[-1]
            assert isinstance(outer, ListContext)
            depth = sum(isinstance(c, ItemContext) for c in self.containers)
            self.containers.append(ItemContext(self.line_of(offset), depth, outer))
            self.buffer = Buffer(self.line_of(offset))
        elif name == "List":
            self._nest(offset)
            lead = self._list_lead()
            self.groups += 1
            self.containers.append(ListContext(self.groups, lead))
            self.pending_lead = None
        elif name == "BlockQuote":
            self._nest(offset)
            self.containers.append(QuoteContext())
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
            self.buffer = Buffer(self.row_line)
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
            assert isinstance(context, ItemContext)
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


_THRESHOLD_LINE = re.compile(r"(?m)^([ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?)>(?=\d)")
_PROSE_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "note", "notes", "md", "markdown"})


def _is_prose_block(kind: Any) -> bool:
    return isinstance(kind, dict) and str(kind.get("Fenced", "x")).strip().lower() in _PROSE_LANGUAGES


def parse_markdown(text: str, source: str, default_title: str) -> Document:
    meta, body = split_front_matter(text, source)
    if ">" in body:
        # "- >5.5 mmol/L": CommonMark reads a quote; a note's author wrote "greater than".
        body = _THRESHOLD_LINE.sub(r"\1\\>", body)
    reader = _Reader(body)
    reader.source = source
    reader.run(body)
    title, root = _tree(reader, meta, default_title)
    for section in root.walk():
        kept: list[Item] = []
        for item in section.items:
            rendered, refs = inline_text(item.text)
            statements: list[str] = []
            if NOTE_OPEN in rendered:
                rendered, notes, statements = resolve_footnotes(rendered, reader.footnotes)
                refs = refs + notes
            if item.lead is not None:
                item.lead = lead_text(item.lead)
            if item.cells:
                cells = [resolve_footnotes(text, reader.footnotes) for pair in item.cells for text in pair]
                refs = refs + tuple(r for _, found, _ in cells for r in found)
                resolved = [tidy(text) for text, _, _ in cells]
                item.cells = tuple(zip(resolved[0::2], resolved[1::2], strict=True))
            item.text, item.references = tidy(rendered), tuple(dict.fromkeys(refs))
            if unmark(item.text).strip():
                kept.append(item)
                kept.extend(
                    Item(
                        "paragraph", tidy(note), item.line, depth=item.depth, lead=citing_sentence(item.text)
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
