"""Source documents: finding them, reading and checking them (stubs set aside), and their outline.
No database code, so `quiz outline` starts without loading it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from quiz.errors import DeckError, NotFoundError, QuizError, StubError
from quiz.files import read_limited
from quiz.generator import MAX_DOCUMENT_BYTES, DeckDraft, SectionDraft, Uncarded, decode, generate
from quiz.generator.checks import card_flags

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class Document:
    draft: DeckDraft
    digest: str


def find_documents(paths: list[Path]) -> list[Path]:
    """The documents named, with folders searched for Markdown and text files."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise QuizError(f"{path}: no such file or folder: check the path")
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DOCUMENT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise QuizError(f"{path}: folder has no documents (.md or .txt files) to import")
            found.extend(inside)
        else:
            found.append(path)
    return found


@dataclass(frozen=True)
class Skipped:
    """A document left out of an import: a stub, with nothing to learn in it."""

    source: str
    reason: str


def read_documents(paths: list[Path]) -> tuple[list[Document], list[Skipped]]:
    """Every document named, or found in a folder named, read and checked, with the stubs set
    aside. Any other bad document raises: an import takes every document or none."""
    named = [(path, find_documents([path])) for path in paths]  # every path checked before reading
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path, found in named:
        stubs: list[Skipped] = []
        for document_path in found:
            try:
                documents.append(read_document(document_path))
            except StubError as exc:
                stubs.append(Skipped(str(document_path), exc.reason))
        # A folder of nothing but stubs is most likely not the folder meant (attachments, templates).
        if path.is_dir() and len(stubs) == len(found):
            raise QuizError(
                f"{path}: no document in this folder has anything to learn ({len(stubs)} "
                "stubs: front matter or images only): name the folder that holds the notes"
            )
        skipped.extend(stubs)
    return documents, skipped


def read_document(path: Path) -> Document:
    data = read_limited(path, MAX_DOCUMENT_BYTES, lambda why: _unreadable(path, why))
    text = decode(data, str(path))
    return Document(generate(text, str(path)), hashlib.sha256(data).hexdigest())


def _unreadable(path: Path, why: str) -> DeckError:
    fix = (
        "split it into several documents"
        if why.endswith("for one file")
        else "check its permissions"
        if why.startswith("cannot")
        else "give a Markdown or .txt file"
    )
    return DeckError(f"{why}: {fix}", source=str(path))


@dataclass(frozen=True)
class OutlineCard:
    """A card as `quiz outline --cards` shows it, with what the automatic checks flag in it."""

    key: str
    kind: str
    section_path: tuple[str, ...]
    front: str
    back: str
    line: int
    references: tuple[str, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class OutlineResult:
    source: str
    deck: str
    name: str
    sections: tuple[SectionDraft, ...]
    cards: int
    warnings: tuple[str, ...]
    images: tuple[str, ...] = ()
    # With `--cards` only: every card, and every piece of text that made none.
    with_cards: bool = False
    card_list: tuple[OutlineCard, ...] = ()
    uncarded: tuple[Uncarded, ...] = ()

    @property
    def flagged(self) -> int:
        return sum(1 for card in self.card_list if card.flags)


def outline(path: Path, *, with_cards: bool = False) -> OutlineResult:
    if not path.exists():
        raise NotFoundError(f"{path}: no such file: check the path")
    draft = read_document(path).draft
    card_list = (
        tuple(
            OutlineCard(
                card.key,
                card.kind,
                card.section_path,
                card.front,
                card.back,
                card.source_line,
                card.references,
                card_flags(card),
            )
            for card in draft.cards
        )
        if with_cards
        else ()
    )
    return OutlineResult(
        draft.source,
        draft.deck_id,
        draft.name,
        draft.sections,
        len(draft.cards),
        draft.warnings,
        draft.images,
        with_cards,
        card_list,
        draft.uncarded if with_cards else (),
    )
