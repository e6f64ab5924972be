"""Export decks: to an Anki package that updates in place, to Anki's text import, to JSON.

Every file is written whole or not at all: to a temporary file beside it, then renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.anki import export as exporter
from quiz.errors import QuizError
from quiz.files import write_output, write_text
from quiz.services.lookup import find_deck, find_learner, find_sections
from quiz.store import database_file
from quiz.store import decks as store_decks
from quiz.store.db import Db
from quiz.store.decks import ExportRow


@dataclass(frozen=True)
class ExportResult:
    path: str
    format: str
    decks: tuple[str, ...]
    cards: int
    cloze: int = 0  # Anki notes of the cloze type
    subdecks: int = 0
    suspended: int = 0
    notes: int = 0  # Anki notes: the cloze cards of one sentence share one
    retired: int = 0  # cards no longer in the source, carried tagged quiz::retired and suspended


def cards_to_export(
    db: Db,
    deck_names: list[str],
    section: str | None,
    include_retired: bool,
    learner: str | None,
    now: datetime,
) -> tuple[list[ExportRow], list[str]]:
    everything = store_decks.decks(db)
    decks = [find_deck(db, name, everything) for name in deck_names] if deck_names else everything
    if not decks:
        raise QuizError("there are no decks to export: run quiz import FILE first")
    section_ids = find_sections(db, section, decks) if section is not None else None
    learner_id = find_learner(db, learner).id if learner is not None else None
    rows = store_decks.export_rows(db, [deck.id for deck in decks], section_ids, include_retired, learner_id)
    if not rows:
        names = ", ".join(deck.slug for deck in decks)
        raise QuizError(f"no cards to export from {names}" + (f" in '{section}'" if section else ""))
    return rows, [deck.slug for deck in decks]


def export_anki(
    db: Db,
    deck_names: list[str],
    output: Path,
    now: datetime,
    *,
    section: str | None = None,
    include_retired: bool = False,
    learner: str | None = None,
    suspended: bool = False,
    force: bool = False,
) -> ExportResult:
    if suspended and learner is None:
        raise QuizError("--suspended needs --learner NAME: whose suspended cards?")
    # Retired cards always travel to Anki, tagged and suspended there, so a student's Anki stops
    # showing what the source no longer says (include_retired matters to the text exports only).
    del include_retired
    cards, decks = cards_to_export(db, deck_names, section, True, learner if suspended else None, now)
    package, summary = exporter.anki_package(cards)
    # The real export time: Anki applies an edit only from a package newer than the last one.
    write_output(
        output,
        lambda path: package.write_to_file(str(path), timestamp=now.timestamp()),
        kind="apkg",
        force=force,
        database=database_file(db),
    )
    return ExportResult(
        str(output),
        "anki",
        tuple(decks),
        len(cards) - summary.retired,
        summary.cloze,
        len(summary.decks),
        summary.suspended,
        notes=summary.notes,
        retired=summary.retired,
    )


def export_text(
    db: Db,
    deck_name: str,
    output: Path,
    fmt: str,
    now: datetime,
    include_retired: bool = False,
    force: bool = False,
) -> ExportResult:
    cards, decks = cards_to_export(db, [deck_name], None, include_retired, None, now)
    if fmt == "csv":
        text = exporter.anki_csv(cards, cards[0].section_path[0])
    else:
        text = exporter.cards_json(cards) + "\n"
    write_text(output, text, kind=fmt, force=force, database=database_file(db))
    return ExportResult(str(output), fmt, tuple(decks), len(cards))
