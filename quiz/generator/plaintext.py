"""Plain text laid out like the HO source document to a Document, inferring the section levels.

The layout: the first line is the title; a short line with no closing full stop followed by content
is a heading; "1. Name" lines and "Label:" lines are sub-headings; "- " lines are bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from quiz.errors import DeckError
from quiz.generator.document import Document, Item, Section
from quiz.generator.text import strip_trailing_references, tidy

LineKind = Literal["heading", "numbered", "label", "bullet", "paragraph"]

_BULLET = re.compile(r"^[-*•]\s+")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(\S.*)$")
HEADING_MAX_WORDS = 8
LABEL_MAX_WORDS = 5
TITLE_MAX_WORDS = 15


@dataclass
class _Line:
    number: int
    kind: LineKind
    text: str
    indent: int = 0


def _words(text: str) -> int:
    return len(text.split())


def _classify(number: int, raw: str) -> _Line:
    expanded = raw.expandtabs(4)
    indent = len(expanded) - len(expanded.lstrip())
    text = expanded.strip()
    if _BULLET.match(text):
        return _Line(number, "bullet", _BULLET.sub("", text), indent)
    without_refs, _ = strip_trailing_references(text)
    numbered = _NUMBERED.match(text)
    if numbered and _words(text) <= HEADING_MAX_WORDS + 1 and not without_refs.endswith("."):
        return _Line(number, "numbered", numbered.group(1).strip())
    if text.endswith(":") and _words(text) <= LABEL_MAX_WORDS and "," not in text:
        return _Line(number, "label", text[:-1].strip())
    if _words(text) <= HEADING_MAX_WORDS and not re.search(r"[.!?:;,]$", without_refs):
        return _Line(number, "heading", text)
    return _Line(number, "paragraph", text)


class _Builder:
    """Places sections and items while walking the classified lines once."""

    def __init__(self, root: Section) -> None:
        self.stack: list[Section] = [root]
        self.kinds: dict[int, str] = {id(root): "heading"}
        self.base = 1  # where the next plain heading goes, unless the lines after it say otherwise

    def place(self, section: Section, kind: str) -> None:
        while self.stack[-1].level >= section.level:
            self.stack.pop()
        self.stack[-1].children.append(section)
        self.stack.append(section)
        self.kinds[id(section)] = kind

    def innermost(self, *kinds: str) -> Section:
        return next(s for s in reversed(self.stack) if self.kinds[id(s)] in kinds or s.level == 0)

    def label_parent(self) -> Section:
        # A label after a heading that already holds bullets is that heading's sibling.
        parent = self.innermost("heading", "numbered")
        if parent.items and not parent.children and parent.level > 0:
            return self.stack[self.stack.index(parent) - 1]
        return parent

    def content_section(self) -> Section:
        # Prose after a label list belongs to the section around the label.
        return (
            self.innermost("heading", "numbered")
            if self.kinds[id(self.stack[-1])] == "label"
            else self.stack[-1]
        )


def _heading_levels(lines: list[_Line], i: int, builder: _Builder, after_numbered: bool) -> list[int]:
    """Levels for the run of plain headings that starts at ``i`` (usually a run of one)."""
    if after_numbered:
        return [builder.stack[-1].level + 1]
    run = i
    while run < len(lines) and lines[run].kind == "heading":
        run += 1
    count = run - i
    after = lines[run].kind if run < len(lines) else None
    base = builder.base
    if after in ("paragraph", "numbered", "label"):
        # A section opened by prose or sub-headings is a main section; headings before it were empty.
        builder.base = 1
        return [base] * (count - 1) + [1]
    if after == "bullet" and count > 1:
        # "Imaging Characteristics / Radiography / - ...": the first heading holds the others.
        builder.base = base + 1
        return [base] + [base + 1] * (count - 1)
    return [base] * count


def parse_plaintext(text: str, source: str) -> Document:
    raw_lines = text.split("\n")
    lines = [_classify(n + 1, raw) for n, raw in enumerate(raw_lines) if raw.strip()]
    first = lines[0]
    if first.kind == "bullet" or _words(first.text) > TITLE_MAX_WORDS:
        raise DeckError("the first line should be the document's title", source=source, line=first.number)
    root = Section(title=tidy(first.text), level=0, line=first.number)
    lines = lines[1:]
    if not any(line.kind in ("heading", "numbered", "label") for line in lines):
        raise DeckError("has no headings: put each section's name on a short line of its own", source=source)
    builder = _Builder(root)
    previous: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if line.kind == "heading":
            levels = _heading_levels(lines, i, builder, previous == "numbered")
            for offset, level in enumerate(levels):
                entry = lines[i + offset]
                builder.place(Section(title=tidy(entry.text), level=level, line=entry.number), "heading")
            i += len(levels)
            previous = "heading"
            continue
        if line.kind == "numbered":
            parent = builder.innermost("heading")
            builder.place(
                Section(title=tidy(line.text), level=parent.level + 1, line=line.number), "numbered"
            )
        elif line.kind == "label":
            _place_label(builder, line)
        elif line.kind == "bullet":
            _add_bullet(builder, lines, i, line, nxt)
        else:
            _add_paragraph(builder.content_section(), line)
        previous = line.kind
        i += 1
    return Document(title=root.title, root=root)


def _place_label(builder: _Builder, line: _Line) -> None:
    parent = builder.label_parent()
    section = Section(title=tidy(line.text), level=parent.level + 1, line=line.number, label=True)
    builder.place(section, "label")


def _add_bullet(builder: _Builder, lines: list[_Line], i: int, line: _Line, nxt: _Line | None) -> None:
    body, refs = strip_trailing_references(line.text)
    body = tidy(body)
    if body.endswith(":") and _words(body) <= LABEL_MAX_WORDS + 1:
        if nxt is not None and nxt.kind == "bullet" and nxt.indent <= line.indent:
            # "- Common causes:" followed by bullets at its own depth: a label sub-heading.
            _place_label(builder, _Line(line.number, "label", body[:-1]))
            return
        if nxt is None or nxt.kind != "bullet":
            # A lead-in that lists nothing: no content (the section may end up reported empty).
            return
    section = builder.stack[-1]
    lead = None
    depth = 0
    indent = line.indent
    ancestor: _Line | None = None
    run_start = line
    for earlier in reversed(lines[:i]):
        if earlier.kind != "bullet":
            if (
                depth == 0
                and earlier.kind == "paragraph"
                and earlier.text.rstrip().endswith(":")
                and section.items
                and section.items[-1].line >= earlier.number
            ):
                lead = tidy(strip_trailing_references(earlier.text)[0])  # "...but involves:"
            break
        run_start = earlier
        if earlier.indent < indent:  # an ancestor bullet
            depth += 1
            indent = earlier.indent
            if ancestor is None:
                ancestor = earlier
                lead = tidy(strip_trailing_references(earlier.text)[0])
    # Bullets of one list share a group: the run they stand in, or their parent bullet.
    group = ancestor.number * 2 + 1 if ancestor is not None else run_start.number * 2
    section.items.append(
        Item(kind="bullet", text=body, line=line.number, references=refs, depth=depth, lead=lead, group=group)
    )


def _add_paragraph(section: Section, line: _Line) -> None:
    body, refs = strip_trailing_references(line.text)
    section.items.append(Item(kind="paragraph", text=tidy(body), line=line.number, references=refs))
