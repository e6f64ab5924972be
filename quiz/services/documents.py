"""Source documents: finding them, reading and checking them, and their outline. No database code,
so `quiz outline` starts without loading it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from quiz.errors import DeckError, NotFoundError, QuizError
from quiz.generator import DeckDraft, SectionDraft, decode, generate

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
            inside = sorted(p for p in path.rglob("*")
                            if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not inside:
                raise QuizError(f"{path}: folder has no documents (.md or .txt files) to import")
            found.extend(inside)
        else:
            found.append(path)
    return found


def read_document(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeckError(f"cannot be read ({exc.strerror}): check its permissions",
                        source=str(path)) from None
    text = decode(data, str(path))
    return Document(generate(text, str(path)), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class OutlineResult:
    source: str
    deck: str
    name: str
    sections: tuple[SectionDraft, ...]
    cards: int
    warnings: tuple[str, ...]


def outline(path: Path) -> OutlineResult:
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file: check the path")
    draft = read_document(path).draft
    return OutlineResult(draft.source, draft.deck_id, draft.name, draft.sections,
                         len(draft.cards), draft.warnings)
