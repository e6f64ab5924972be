"""Markdown (and Obsidian-style notes) to a Document: headings are sections, the rest their items.

A line-based reader of the CommonMark blocks that carry facts (headings, lists, paragraphs, tables,
quotes and callouts), written for speed: a 5,000-section deck reads in a fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from quiz.errors import DeckError
from quiz.generator.document import Document, Item, Section
from quiz.generator.inline import render_inline
from quiz.generator.text import tidy, unmark

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])(?:( +)(.*))?$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_CALLOUT = re.compile(r"^\[![\w-]+\][+-]?")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:")
_DELIMITER = re.compile(r"^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
_TASK = re.compile(r"^\[[ xX]\]\s+")  # a task list's checkbox: "- [ ] item"
_SKIP = re.compile(r"^<!--\s*quiz:\s*skip\s*-->$", re.IGNORECASE)
_EXPLICIT_LINE = re.compile(r"\s::\s")
CODE_INDENT = 4


@dataclass
class _Line:
    text: str  # tabs expanded, quote markers removed
    quoted: bool


@dataclass
class _OpenItem:
    indent: int  # of the marker
    content: int  # where the item's text starts
    item: Item


def _front_matter(text: str, source: str) -> tuple[dict[str, Any], list[str]]:
    """Split YAML front matter off; its lines become blank so line numbers stay true."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise DeckError("front matter opened with '---' is never closed: add a '---' line after it",
                        source=source, line=1)
    body = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(body) if body.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DeckError(f"front matter is not valid YAML ({problem}): fix or remove it",
                        source=source, line=line) from None
    if not isinstance(data, dict):
        raise DeckError("front matter must be 'key: value' lines", source=source, line=2)
    return data, [""] * (end + 1) + lines[end + 1 :]


def _string_list(value: Any, key: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    raise DeckError(f"front matter '{key}' must be a text or a list of texts", source=source, line=1)


def _unquote(raw: str) -> _Line:
    text = raw.expandtabs(CODE_INDENT)
    if not _QUOTE.match(text):
        return _Line(text, False)
    while _QUOTE.match(text):
        text = _QUOTE.sub("", text, count=1)
    # A callout's "[!note] Title" line is a label for the box, not a fact.
    return _Line("" if _CALLOUT.match(text.strip()) else text, True)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


class _Reader:
    """Walks the lines once, placing sections and items."""

    def __init__(self, lines: list[_Line], root: Section, title: str) -> None:
        self.lines = lines
        self.root = root
        self.stack: list[Section] = [root]
        self.items: list[_OpenItem] = []  # open list items, outermost first
        self.paragraph: list[str] = []
        self.paragraph_line = 0
        self.continuing: Item | None = None  # an item whose text the next line may continue
        self.blank = False
        self.titled = False
        self.title = title
        self.skipped = 0

    @property
    def section(self) -> Section:
        return self.stack[-1]

    # --- blocks -------------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.paragraph:
            return
        lines, first = self.paragraph, self.paragraph_line
        self.paragraph = []
        if any(_EXPLICIT_LINE.search(line) for line in lines):
            # Author cards "Question :: Answer" stand one a line.
            for offset, line in enumerate(lines):
                if line.strip():
                    self.section.items.append(Item("paragraph", line.strip(), first + offset))
            return
        self.section.items.append(Item("paragraph", "\n".join(lines), first))

    def close_lists(self) -> None:
        self.items = []
        self.continuing = None

    def heading(self, depth: int, raw: str, number: int) -> None:
        self.flush()
        self.close_lists()
        text, _refs = render_inline(raw)
        title = tidy(unmark(text))
        if depth == 1 and not self.titled:
            self.titled = True
            self.root.title = self.title or title or self.root.title
            self.root.line = number
            return
        level = max(1, depth - 1)
        while self.section.level >= level:
            self.stack.pop()
        section = Section(title=title or "(untitled)", level=level, line=number)
        self.section.children.append(section)
        self.stack.append(section)

    def list_item(self, indent: int, content: int, raw: str, number: int) -> None:
        self.flush()
        while self.items and (indent < self.items[-1].content or (self.blank and
                              indent <= self.items[-1].indent)):
            self.items.pop()
        lead = tidy(unmark(render_inline(self.items[-1].item.text)[0])) if self.items else None
        item = Item("bullet", raw, number, depth=len(self.items), lead=lead)
        self.section.items.append(item)
        self.items.append(_OpenItem(indent, content, item))
        self.continuing = item

    def table(self, start: int) -> int:
        self.flush()
        self.close_lists()
        header = [tidy(unmark(render_inline(c)[0])) for c in _cells(self.lines[start].text)]
        i = start + 2
        while i < len(self.lines) and "|" in self.lines[i].text and self.lines[i].text.strip():
            cells = _cells(self.lines[i].text)
            first, rest = cells[0], cells[1:]
            named = [f"{h}: {c}" if h else c for h, c in zip(header[1:], rest, strict=False) if c]
            text = f"{first} — {'; '.join(named)}" if named else first
            self.section.items.append(Item("row", text, i + 1))
            i += 1
        return i

    # --- skipping -----------------------------------------------------------------------------

    def skip_from(self, i: int) -> int:
        """Index past the block that starts at ``i``: a heading's whole section, an item, a block."""
        self.skipped += 1
        line = self.lines[i].text
        heading = _ATX.match(line)
        item = _ITEM.match(line)
        j = i + 1
        fence: str | None = None
        while j < len(self.lines):
            text = self.lines[j].text
            marker = _FENCE.match(text)
            if fence:
                if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                    fence = None
            elif marker:
                fence = marker.group(1)
            elif heading:
                other = _ATX.match(text)
                if other and len(other.group(1)) <= len(heading.group(1)):
                    return j
            elif item:
                if text.strip() and _indent(text) <= _indent(line) and (
                        _ITEM.match(text) or not self.lines[j - 1].text.strip()):
                    return j
                if _ATX.match(text):
                    return j
            elif not text.strip():
                return j
            j += 1
        return j

    # --- the walk -----------------------------------------------------------------------------

    def run(self) -> None:
        lines = self.lines
        skip_next = False
        i = 0
        while i < len(lines):
            line = lines[i]
            text = line.text
            stripped = text.strip()
            number = i + 1
            if not stripped:
                self.flush()
                self.blank = True
                i += 1
                continue
            fence = _FENCE.match(text)
            if fence:
                self.flush()
                i = self._past_fence(i, fence.group(1))
                continue
            if stripped.startswith("<!--"):
                self.flush()
                end = i
                while "-->" not in lines[end].text and end + 1 < len(lines):
                    end += 1
                comment = " ".join(lines[k].text.strip() for k in range(i, end + 1))
                skip_next = skip_next or bool(_SKIP.match(comment))
                i = end + 1
                continue
            if skip_next:
                skip_next = False
                self.flush()
                i = self.skip_from(i)
                continue
            if _FOOTNOTE.match(text):
                self.flush()
                self.close_lists()
                i += 1
                while i < len(lines) and _indent(lines[i].text) >= CODE_INDENT:
                    i += 1
                continue
            heading = _ATX.match(text)
            if heading and not line.quoted and _indent(text) < CODE_INDENT:
                self.heading(len(heading.group(1)), heading.group(2) or "", number)
                self.blank = False
                i += 1
                continue
            if self.paragraph and not self.items and _SETEXT.match(text):
                raw = " ".join(self.paragraph)
                first = self.paragraph_line
                self.paragraph = []
                self.heading(1 if stripped[0] == "=" else 2, raw, first)
                i += 1
                continue
            if _RULE.match(text):
                self.flush()
                self.close_lists()
                i += 1
                continue
            if "|" in text and i + 1 < len(lines) and "-" in lines[i + 1].text \
                    and _DELIMITER.match(lines[i + 1].text):
                i = self.table(i)
                continue
            item = _ITEM.match(text)
            if item and (item.group(4) or not self.paragraph) and _indent(text) < CODE_INDENT + (
                    self.items[-1].content if self.items else 0):
                indent = len(item.group(1))
                gap = len(item.group(3) or " ")
                content = indent + len(item.group(2)) + (gap if gap <= CODE_INDENT else 1)
                self.list_item(indent, content, _TASK.sub("", item.group(4) or ""), number)
                self.blank = False
                i += 1
                continue
            self._text_line(text, number)
            self.blank = False
            i += 1
        self.flush()

    def _past_fence(self, i: int, opening: str) -> int:
        j = i + 1
        while j < len(self.lines):
            marker = _FENCE.match(self.lines[j].text)
            if marker and marker.group(1)[0] == opening[0] and len(marker.group(1)) >= len(opening) \
                    and not self.lines[j].text.strip()[len(marker.group(1)):].strip():
                return j + 1
            j += 1
        return j

    def _text_line(self, text: str, number: int) -> None:
        indent = _indent(text)
        if self.items:
            if not self.blank and self.continuing is not None:
                self.continuing.text += "\n" + text.strip()  # a lazy or indented continuation
                return
            while self.items and indent < self.items[-1].content:
                self.items.pop()
            if self.items:
                # A second paragraph inside a list item.
                owner = self.items[-1].item
                lead = tidy(unmark(render_inline(owner.text)[0]))
                self.continuing = Item("paragraph", text.strip(), number, depth=owner.depth, lead=lead)
                self.section.items.append(self.continuing)
                return
            self.continuing = None
        if not self.paragraph and indent >= CODE_INDENT:
            return  # an indented code block: no facts in it
        if not self.paragraph:
            self.paragraph_line = number
        self.paragraph.append(text.strip())


def parse_markdown(text: str, source: str, default_title: str) -> Document:
    meta, raw_lines = _front_matter(text, source)
    lines = [_unquote(raw) for raw in raw_lines]
    if not any(_ATX.match(line.text) and not line.quoted for line in lines) and not any(
            _SETEXT.match(lines[i].text) and lines[i - 1].text.strip() for i in range(1, len(lines))):
        raise DeckError("has no headings: start the title with '# ' and each section with '## '",
                        source=source)
    title = str(meta.get("deck") or "").strip()
    root = Section(title=title or default_title, level=0, line=1)
    reader = _Reader(lines, root, title)
    reader.run()
    for section in root.walk():
        for item in section.items:
            rendered, refs = render_inline(item.text)
            item.text, item.references = tidy(rendered), refs
        section.items = [item for item in section.items if unmark(item.text).strip()]
    return Document(
        title=root.title,
        root=root,
        deck_id=str(meta["id"]).strip() if meta.get("id") is not None else None,
        tags=_string_list(meta.get("tags"), "tags", source),
        references=_string_list(meta.get("references"), "references", source),
        skipped=reader.skipped,
    )
