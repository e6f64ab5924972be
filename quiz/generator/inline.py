"""A block's inline text made card text: `==highlights==` marked, Obsidian's tags and citation
markers taken out, footnotes resolved into the line that cites them (or its references)."""

from __future__ import annotations

import functools
import re

from quiz.generator.document import MARK_CLOSE, MARK_OPEN, NOTE_CLOSE, NOTE_OPEN
from quiz.generator.text import mark_highlights, strip_bracket_references, tidy, unmark

# Footnote text that is a citation (kept as the card's reference) rather than a statement.
_CITATION = re.compile(
    r"https?://|\bwww\.|\bdoi\b|\bpmid\b|\bet al\b|\bibid\b|\bop\.? cit\b|\bjournal\b|\bguidelines?\b"
    r"|\b(?:19|20)\d{2}\b|^\W*\d+\W*$|^\W*[A-Z][A-Za-z'-]+,? ?\W*$",
    re.IGNORECASE,
)
CODE_EQUALS = "\ue001"  # an "=" inside code, kept from being read as a highlight
# Obsidian's inline tags ("#renal"): filing marks, not text.
_TAG = re.compile(r"(?<![\w&#/])#[A-Za-z][\w/-]*")
_LONG_NOTE_WORDS = 15


def inline_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """Card text from one block's inline text: highlights marked, citation markers and tags taken
    out."""
    text = mark_highlights(raw) if "==" in raw else raw
    if "#" in text:
        text = _TAG.sub("", text)
    if CODE_EQUALS in text:
        text = text.replace(CODE_EQUALS, "=")
    text, refs = strip_bracket_references(text)
    # A mark left open by odd input must not swallow the rest of the card.
    if text.count(MARK_OPEN) != text.count(MARK_CLOSE) or f"{MARK_OPEN}{MARK_OPEN}" in text:
        text = unmark(text)
    return text, refs


_FOOTNOTE = re.compile(f"{NOTE_OPEN}([^{NOTE_CLOSE}]*){NOTE_CLOSE}")


def resolve_footnotes(text: str, footnotes: dict[str, str]) -> tuple[str, tuple[str, ...], list[str]]:
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


@functools.lru_cache(maxsize=4096)
def lead_text(raw: str) -> str:
    """A lead-in as the card shows it (one list's items share it: read once)."""
    return tidy(unmark(resolve_footnotes(inline_text(raw)[0], {})[0]))


def citing_sentence(text: str) -> str:
    """The lead for a footnote's statement: the last sentence of the line that cites it."""
    from quiz.generator.rules import sentences

    last = sentences(unmark(text))[-1] if text.strip() else ""
    return tidy(last).rstrip(".:") + ":"
