"""Reviews made in Anki, merged in from a student's Anki export (.colpkg, or .apkg with scheduling).

Each answer to a card of a note quiz exported becomes one quiz review, replayed through the scheduler
as a progress file's are; the revlog id makes each review's uid, so importing again adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quiz.anki.collection import AnkiFileError, AnkiLog, read_reviews
from quiz.core.days import learner_day
from quiz.core.grading import REVIEW
from quiz.errors import QuizError
from quiz.services import batch
from quiz.services.progress import merge_reviews
from quiz.services.progress_file import Entry
from quiz.store import cohorts as store_cohorts
from quiz.store import decks as store_decks
from quiz.store import learners as store_learners
from quiz.store import progress as store_progress
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo

SUFFIXES = (".colpkg", ".apkg")
# Anki's four buttons as quiz's grades 0-5: Again a failure that was close (1), Hard a pass with
# difficulty (3), Good a pass after a hesitation (4), Easy a perfect answer (5).
GRADES = {1: 1, 2: 3, 3: 4, 4: 5}
MERGE_CARDS = 250


@dataclass(frozen=True)
class AnkiFileImport:
    path: str
    learner: str
    notes: int  # quiz's notes found in the file
    unknown_notes: int  # notes of the student's own, or of decks this database does not have: ignored
    reviews: int  # answers to quiz's cards in the file
    added: int  # new to this database
    skipped: int  # rows that are not answers (manual rescheduling), or of cards quiz no longer has
    cards: int  # cards whose state was replayed


@dataclass(frozen=True)
class AnkiImport:
    files: tuple[AnkiFileImport, ...]


def is_anki_file(path: Path) -> bool:
    """A file named as Anki names its exports."""
    return path.suffix.lower() in SUFFIXES


def _refuse(path: Path, why: str) -> QuizError:
    return QuizError(f"{path}: {why}; nothing was imported")


def import_anki(db: Db, paths: list[Path], learner_name: str, cohort_name: str | None = None) -> AnkiImport:
    """Merge Anki exports of one learner: every file is read and checked before anything is
    written, and all are merged in one transaction."""
    from quiz.anki.export import card_ordinals  # genanki: loaded only when an Anki file is imported

    learner = _member(db, paths[0], learner_name, cohort_name)
    rows = store_decks.export_rows(db, [deck.id for deck in store_decks.decks(db)], None, True, None)
    ordinals = card_ordinals(rows)
    guids = frozenset(guid for guid, _ordinal in ordinals)
    with batch():
        logs = [(path, _read(path, guids)) for path in paths]
        with db.transaction():
            return AnkiImport(tuple(_merge_file(db, learner, path, log, ordinals) for path, log in logs))


def _member(db: Db, path: Path, name: str, cohort_name: str | None) -> LearnerInfo:
    from quiz.services.lookup import find_cohort

    cohort = find_cohort(db, cohort_name) if cohort_name is not None else None
    learner = store_learners.learner_by_name(db, name)
    cohorts = [c.name for c in store_cohorts.cohorts_of(db, learner.id)] if learner is not None else []
    if learner is None or not cohorts or (cohort is not None and cohort.name not in cohorts):
        where = f"cohort '{cohort.name}'" if cohort is not None else "any cohort"
        raise _refuse(
            path,
            f"the learner '{name}' is not in {where}: add them with "
            f"quiz cohort add {cohort.name if cohort else 'COHORT'} {name}",
        )
    return learner


def _read(path: Path, guids: frozenset[str]) -> AnkiLog:
    try:
        log = read_reviews(path, guids)
    except AnkiFileError as exc:
        raise _refuse(path, str(exc)) from None
    if log.known_notes == 0:
        raise _refuse(
            path,
            f"holds none of the notes quiz exported ({log.notes} notes, none from a deck here): "
            "export the deck with quiz export anki, study it in Anki, then send that collection",
        )
    if not log.all_reviews and path.suffix.lower() == ".apkg":
        raise _refuse(
            path,
            "was exported without scheduling information: re-export with 'Include scheduling "
            "information' ticked",
        )
    return log


def _merge_file(
    db: Db, learner: LearnerInfo, path: Path, log: AnkiLog, ordinals: dict[tuple[str, int], str]
) -> AnkiFileImport:
    entries: dict[str, Entry] = {}
    skipped = log.skipped
    for review in log.reviews:
        key = ordinals.get((review.guid, review.ordinal))
        if key is None:  # a card of a known note that quiz's package no longer makes
            skipped += 1
            continue
        at = datetime.fromtimestamp(review.id / 1000, UTC)
        uid = f"anki-{learner.id}-{review.id}"
        entries[uid] = Entry(
            uid,
            key,
            GRADES[review.ease],
            REVIEW,
            at,
            learner_day(at.astimezone(), learner.day_starts_at),
            review.milliseconds / 1000,
        )
    cards = store_progress.cards_by_key(db, sorted({e.key for e in entries.values()}))
    stored = store_progress.logged_uids(db, sorted(entries))
    for uid, (learner_id, card_id, grade) in stored.items():
        entry = entries[uid]
        if (learner_id, card_id, grade) != (learner.id, cards[entry.key][0], entry.grade):
            raise _refuse(path, f"review {uid} is stored here with another card or grade: export it again")
    by_card: dict[str, dict[str, Entry]] = defaultdict(dict)
    for uid, entry in entries.items():
        if uid not in stored:
            by_card[entry.key][uid] = entry
    # Each card replays on its own, so a year of a student's answers merges a few hundred cards at
    # a time: the same result, in a fraction of the memory.
    keys = sorted(by_card)
    replayed = 0
    for start in range(0, len(keys), MERGE_CARDS):
        batch = {uid: e for key in keys[start : start + MERGE_CARDS] for uid, e in by_card[key].items()}
        replayed += merge_reviews(db, learner, batch, cards)
    added = sum(len(found) for found in by_card.values())
    return AnkiFileImport(
        str(path),
        learner.name,
        log.known_notes,
        log.notes - log.known_notes,
        len(entries),
        added,
        skipped,
        replayed,
    )
