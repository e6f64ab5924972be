"""Import source documents into decks: read, generate, match against what is stored, write."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from quiz import store
from quiz.config import bundled_decks_dir
from quiz.errors import QuizError
from quiz.identity import plan_import
from quiz.services.documents import Document, find_documents, read_document


@dataclass(frozen=True)
class DeckImportResult:
    deck: str
    name: str
    source: str
    cards: int
    added: int
    updated: int
    unchanged: int
    retired: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    decks: tuple[DeckImportResult, ...]
    dry_run: bool


def import_documents(session: Session, paths: list[Path], *, dry_run: bool = False,
                     now: datetime | None = None) -> ImportResult:
    """Import every document, or none: all are read and checked before anything is written."""
    with _batch():
        return _import_documents(session, paths, dry_run, now)


@contextmanager
def _batch() -> Iterator[None]:
    """Pause the cycle collector: an import makes tens of thousands of small objects and no cycles,
    and collecting as they pile up costs a fifth of the time. It runs again, and catches up, after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_documents(session: Session, paths: list[Path], dry_run: bool,
                      now: datetime | None) -> ImportResult:
    documents = [read_document(path) for path in find_documents(paths)]
    seen: dict[str, str] = {}
    for document in documents:
        other = seen.setdefault(document.draft.deck_id, document.draft.source)
        if other != document.draft.source:
            raise QuizError(f"{document.draft.source}: deck id '{document.draft.deck_id}' is also "
                            f"the id of {other}: give one of them another 'id' in its front matter")
    now = now or datetime.now(UTC)
    results = [_import_one(session, document, dry_run, now) for document in documents]
    return ImportResult(tuple(results), dry_run)


def _import_one(session: Session, document: Document, dry_run: bool,
                now: datetime) -> DeckImportResult:
    draft = document.draft
    deck = store.deck_by_slug(session, draft.deck_id)
    stored = store.stored_cards(session, deck.id) if deck is not None else []
    plan = plan_import(stored, list(draft.cards))
    if not dry_run:
        store.save_deck(session, draft, plan, document.digest, now)
    return DeckImportResult(
        deck=draft.deck_id, name=draft.name, source=draft.source, cards=len(draft.cards),
        added=len(plan.added) + len(plan.restored), updated=len(plan.updated),
        unchanged=len(plan.unchanged), retired=len(plan.retired), warnings=draft.warnings,
    )


def import_bundled_decks(session: Session) -> ImportResult:
    """The decks shipped with quiz, imported into a database that has none yet."""
    if store.count_decks(session):
        return ImportResult((), dry_run=False)
    folder = bundled_decks_dir()
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return import_documents(session, paths) if paths else ImportResult((), dry_run=False)
