"""Import source documents into decks: read, generate, match against what is stored, write.
Stubs are skipped; a deck made from a file of another name is taken over only with `replace`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quiz.config import bundled_decks_dir
from quiz.core.controls import NAME_CONTROL, escaped
from quiz.core.identity import ImportPlan, plan_import
from quiz.errors import QuizError
from quiz.generator import guess_format
from quiz.services import batch
from quiz.services.documents import Document, Skipped, read_documents
from quiz.store import decks as store_decks
from quiz.store.db import Db


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
    images: tuple[str, ...] = ()  # in the document, not carried by its cards
    replaced_source: str | None = None  # the deck's earlier source, a file of another name


@dataclass(frozen=True)
class ImportResult:
    decks: tuple[DeckImportResult, ...]
    dry_run: bool
    skipped: tuple[Skipped, ...] = ()


def import_documents(
    db: Db,
    paths: list[Path],
    *,
    dry_run: bool = False,
    replace: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Import every document, or none: all are read and checked before anything is written.

    Stubs (nothing to learn) are skipped, not refused. A document whose deck came from a file of
    another name is refused unless ``replace``: importing it would retire that file's cards."""
    with batch():
        return _import_documents(db, paths, dry_run, replace, now)


def _import_documents(
    db: Db, paths: list[Path], dry_run: bool, replace: bool, now: datetime | None
) -> ImportResult:
    documents, skipped = read_documents(paths)
    seen: dict[str, str] = {}
    for document in documents:
        other = seen.setdefault(document.draft.deck_id, document.draft.source)
        if other != document.draft.source:
            raise QuizError(
                f"{document.draft.source}: deck id '{document.draft.deck_id}' is also "
                f"the id of {other}: give one of them another 'id' in its front matter"
            )
    now = now or datetime.now(UTC)
    with db.transaction():  # every document or none
        plans = [_plan(db, document, replace) for document in documents]  # every check first
        results = [
            _import_one(db, document, plan, replaced, dry_run, now) for document, plan, replaced in plans
        ]
    return ImportResult(tuple(results), dry_run, tuple(skipped))


def _plan(db: Db, document: Document, replace: bool) -> tuple[Document, ImportPlan, str | None]:
    """What importing the document would change, and the deck's earlier source when this document
    takes the deck over from a file of another name (refused without ``replace``)."""
    draft = document.draft
    if NAME_CONTROL.search(draft.name):  # a YAML title may spell an escape sequence ("\e]0;...")
        raise QuizError(
            f"{draft.source}: the deck's title '{escaped(draft.name, NAME_CONTROL)}' holds control "
            "characters: write it as plain text"
        )
    deck = next((d for d in store_decks.decks(db) if d.slug == draft.deck_id), None)
    stored = store_decks.stored_cards(db, deck.id) if deck is not None else []
    plan = plan_import(stored, list(draft.cards))
    replaced = _other_source(deck.source_path if deck is not None else None, draft.source)
    if replaced is not None and not replace:
        live = sum(1 for card in stored if not card.retired)
        change = (
            f"would retire {len(plan.retired)} of its {live} cards"
            if plan.retired
            else "would make this file its source"
        )
        # A text file has no front matter: its name is its deck's id.
        fix = (
            "another name" if guess_format(draft.source) == "text" else "another 'id' (front matter) or name"
        )
        raise QuizError(
            f"{draft.source}: deck '{draft.deck_id}' came from {_file_name(replaced)}; "
            f"importing this file {change}: give this file {fix}, or pass --replace"
        )
    return document, plan, replaced


def _file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _other_source(stored: str | None, source: str) -> str | None:
    """The deck's stored source when it is a file of another name than ``source``. The same name
    in another folder is the same document moved (the bundled deck is stored from the installed
    package, and a checkout's copy is the same file); case is ignored, as on many file systems."""
    if stored is None or _file_name(stored).casefold() == _file_name(source).casefold():
        return None
    return stored


def _import_one(
    db: Db, document: Document, plan: ImportPlan, replaced: str | None, dry_run: bool, now: datetime
) -> DeckImportResult:
    draft = document.draft
    if not dry_run:
        store_decks.save_deck(db, draft, plan, document.digest, now)
    return DeckImportResult(
        deck=draft.deck_id,
        name=draft.name,
        source=draft.source,
        cards=len(draft.cards),
        added=len(plan.added) + len(plan.restored),
        updated=len(plan.updated),
        unchanged=len(plan.unchanged),
        retired=len(plan.retired),
        warnings=draft.warnings,
        images=draft.images,
        replaced_source=replaced,
    )


def import_bundled_decks(db: Db) -> ImportResult:
    """The decks shipped with quiz, imported into a database that has none yet."""
    if store_decks.decks(db):
        return ImportResult((), dry_run=False)
    folder = bundled_decks_dir()
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return import_documents(db, paths) if paths else ImportResult((), dry_run=False)
