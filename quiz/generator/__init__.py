"""The card generator: a source document's text in, sections and card drafts out (no I/O)."""

from __future__ import annotations

import re
from typing import Literal

from quiz.core.drafts import BREADCRUMB_SEPARATOR, CardDraft, DeckDraft, SectionDraft, Uncarded
from quiz.errors import DeckError, StubError
from quiz.generator.cards import generate_cards
from quiz.generator.document import Document, Section
from quiz.generator.markdown import parse_markdown
from quiz.generator.plaintext import parse_plaintext
from quiz.generator.rules import CLOZE_GAP
from quiz.generator.text import slug

__all__ = [
    "BREADCRUMB_SEPARATOR",
    "CLOZE_GAP",
    "MAX_DOCUMENT_BYTES",
    "CardDraft",
    "DeckDraft",
    "SectionDraft",
    "Uncarded",
    "decode",
    "generate",
]

Format = Literal["markdown", "text"]
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
_CONTROL = re.compile("[\x00\x05-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def decode(data: bytes, source: str) -> str:
    """The document's text, or a DeckError saying why these bytes are not a document."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DeckError(
            f"is {len(data) / 1e6:.1f} MB, over the {MAX_DOCUMENT_BYTES // 2**20} MiB "
            "limit for one document: split it into several documents",
            source=source,
        )
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise DeckError(
            f"is a binary file, not a text document (a NUL at byte {nul}): give a Markdown or .txt file",
            source=source,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DeckError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at byte {exc.start}): save it as UTF-8",
            source=source,
            line=line,
        ) from None
    if any(ch in text for ch in "\x01\x02\x03\x04"):
        raise DeckError("contains control characters: save it as plain text", source=source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Other control characters (an escape sequence that would clear the screen or retitle the
    # window) are not text: no card carries them to a terminal.
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def guess_format(source: str) -> Format:
    return "text" if source.lower().endswith(".txt") else "markdown"


def generate(text: str, source: str, *, fmt: Format | None = None) -> DeckDraft:
    """Parse a document and make its cards. Raises DeckError, and nothing else, on bad input."""
    if not text.strip():
        raise DeckError("is empty: write a title and at least one section", source=source)
    fmt = fmt or guess_format(source)
    stem = re.sub(r"\.[^./]*$", "", source.replace("\\", "/").split("/")[-1])
    document: Document
    if fmt == "text":
        document = parse_plaintext(text, source)
    else:
        document = parse_markdown(text, source, default_title=stem or "Untitled")
    deck_id = document.deck_id or slug(stem)
    if not _DECK_ID.match(deck_id):
        raise DeckError(
            f"front matter id '{deck_id}' is not a slug: use lower-case letters, digits and hyphens",
            source=source,
            line=1,
        )
    if not any(section.items for section in document.root.walk()):
        headings = len(document.root.walk()) - 1
        what = (
            f"only headings ({headings})"
            if headings
            else "only images"
            if document.images
            else "front matter only"
            if text.lstrip().startswith("---")
            else "no text"
        )
        raise StubError(f"has nothing to learn ({what}): write some notes in it", source=source)
    cards, warnings, uncarded = generate_cards(document, deck_id)
    sections = _sections(document.root, cards)
    return DeckDraft(
        deck_id=deck_id,
        name=document.title,
        source=source,
        sections=sections,
        cards=tuple(cards),
        warnings=tuple(warnings),
        tags=document.tags,
        references=document.references,
        images=document.images,
        uncarded=tuple(Uncarded(path, line, text) for path, line, text in uncarded),
    )


def _sections(root: Section, cards: list[CardDraft]) -> tuple[SectionDraft, ...]:
    counts: dict[tuple[str, ...], int] = {}
    for card in cards:
        counts[card.section_path] = counts.get(card.section_path, 0) + 1
    found: list[SectionDraft] = []

    def visit(section: Section, path: tuple[str, ...]) -> None:
        found.append(
            SectionDraft(
                path,
                section.title,
                section.level,
                section.line,
                len(found),
                counts.get(path, 0),
                not section.has_content(),
            )
        )
        for child in section.children:
            visit(child, (*path, child.title))

    visit(root, (root.title,))
    return tuple(found)
