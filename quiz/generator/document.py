"""The parsed shape of a source document: sections with their items, before any card is made.

Both parsers (Markdown and plain text) produce this, so the card rules see one structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Author-marked terms (``**term**``, ``==term==``) travel through the text between these two
# characters, and a footnote's label between the next two: none can occur in a document we accept.
MARK_OPEN = "\x01"
MARK_CLOSE = "\x02"
NOTE_OPEN = "\x03"
NOTE_CLOSE = "\x04"

ItemKind = Literal["bullet", "paragraph", "row"]


@dataclass
class Item:
    """One fact-bearing piece of a section: a bullet, a paragraph or a table row."""

    kind: ItemKind
    text: str
    line: int
    references: tuple[str, ...] = ()
    depth: int = 0
    lead: str | None = None  # the nearest lead-in: a parent bullet, a list's "...:" line, a callout title
    group: int = 0  # the list a bullet belongs to: bullets of one list share it
    cells: tuple[tuple[str, str], ...] = ()  # a table row: (column header, value), the row's label first
    links_only: bool = False  # nothing but links: a list of related notes, not a fact


@dataclass
class Section:
    title: str
    level: int
    line: int
    items: list[Item] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    label: bool = False  # a "Label:" sub-heading of a plain-text document
    knowledge: bool = True  # False for sources, references, further reading: no cards

    def walk(self) -> list[Section]:
        """This section and every section below it, in document order."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def has_content(self) -> bool:
        return bool(self.items) or any(child.has_content() for child in self.children)


@dataclass
class Document:
    title: str
    root: Section
    deck_id: str | None = None
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    skipped: int = 0  # blocks left out by <!-- quiz: skip -->
    images: tuple[str, ...] = ()  # images and embeds, which cards do not carry
