"""Progress files: a learner's review log written out on their machine, merged in by the instructor.

The file names cards by their stable keys, never their text, and is signed with the learner's own
invite secret, so an edited, forged or borrowed file is refused; merging replays the learner's log
through the scheduler, so the states match what the learner has, and a file merged twice changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.core import signing
from quiz.core.replay import LoggedReview, replay
from quiz.errors import QuizError
from quiz.files import file_safe, write_text
from quiz.services import batch
from quiz.services.invites import read_invite
from quiz.services.lookup import resolve_learner
from quiz.services.progress_file import (
    COLUMNS,
    FORMAT,
    VERSION,
    Entry,
    ProgressFile,
    check_signature,
    checksum,
    read_file,
    refuse,
)
from quiz.store import cohorts as store_cohorts
from quiz.store import database_file
from quiz.store import decks as store_decks
from quiz.store import learners as store_learners
from quiz.store import progress as store_progress
from quiz.store import review as store_review
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo
from quiz.store.progress import LogRow
from quiz.store.review import StoredState


@dataclass(frozen=True)
class ProgressExport:
    learner: str
    path: Path
    reviews: int
    decks: tuple[str, ...]
    cohort: str | None  # the invite's cohort; None: not signed (an instructor's import refuses it)


@dataclass(frozen=True)
class FileImport:
    path: str
    learner: str
    reviews: int  # distinct reviews in the file
    added: int  # new to this database
    cards: int  # cards whose state was replayed
    repeated: int = 0  # rows of the file that repeat one of its reviews, counted once


@dataclass(frozen=True)
class ProgressImport:
    files: tuple[FileImport, ...]


def export_progress(
    db: Db,
    learner_name: str | None,
    target: Path | None,
    now: datetime,
    invite_path: Path | None = None,
    force: bool = False,
) -> ProgressExport:
    """Write the learner's whole review log to a progress file (default: progress-NAME.json),
    signed with their invite. With an invite the file names the invite's learner; whose log it
    holds is ``learner_name``, else the invite's learner if known here, else this machine's user."""
    invite = read_invite(invite_path) if invite_path is not None else None
    with db.transaction():  # the default learner is made on first use
        if learner_name is None and invite is not None and store_learners.learner_by_name(db, invite.learner):
            learner_name = invite.learner
        learner = resolve_learner(db, learner_name, now)
    log = store_progress.learner_log(db, learner.id)
    decks = sorted({row.deck for row in log})
    name = invite.learner if invite is not None else learner.name
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION if invite is not None else 1,
        "quiz": __version__,
        "learner": name,
        "exported_at": now.astimezone(UTC).isoformat(),
        "decks": decks,
        "columns": COLUMNS,
        "reviews": [
            [r.uid, r.key, r.grade, r.kind, r.reviewed_at.isoformat(), r.day.isoformat(), r.seconds]
            for r in log
        ],
    }
    if invite is not None:
        body["cohort"] = invite.cohort
        body["signature"] = signing.sign(body, invite.secret)
    else:
        body["checksum"] = checksum(body)
    path = target or Path(f"progress-{file_safe(name)}.json")
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_text(path, text, kind="progress", force=force, database=database_file(db))
    return ProgressExport(name, path, len(log), tuple(decks), invite.cohort if invite is not None else None)


# --- merging ----------------------------------------------------------------------------------------------


def import_progress(
    db: Db, paths: list[Path], cohort_name: str | None = None, now: datetime | None = None
) -> ProgressImport:
    """Merge progress files: every file is read and checked before anything is written, and all
    are merged in one transaction."""
    now = now or datetime.now(UTC)
    with batch():
        files = [read_file(path, now) for path in paths]
        with db.transaction():
            return _import_progress(db, files, cohort_name)


def _import_progress(db: Db, files: list[ProgressFile], cohort_name: str | None) -> ProgressImport:
    from quiz.services.lookup import find_cohort

    cohort = find_cohort(db, cohort_name) if cohort_name is not None else None
    known_decks = {deck.slug for deck in store_decks.decks(db)}
    learners: dict[str, LearnerInfo] = {}
    for file in files:
        learner = store_learners.learner_by_name(db, file.learner)
        if learner is None:
            raise refuse(
                file.path,
                f"its learner '{file.learner}' is not known here: add them to "
                f"the cohort with quiz cohort add COHORT {file.learner}",
            )
        cohorts = [c.name for c in store_cohorts.cohorts_of(db, learner.id)]
        if (cohort is not None and cohort.name not in cohorts) or not cohorts:
            where = f"cohort '{cohort.name}'" if cohort is not None else "any cohort"
            raise refuse(
                file.path,
                f"its learner '{file.learner}' is not in {where}: add them with "
                f"quiz cohort add {cohort.name if cohort else 'COHORT'} {file.learner}",
            )
        check_signature(db, file, learner, cohort)
        unknown = [d for d in file.decks if d not in known_decks]
        if unknown:
            raise refuse(
                file.path,
                f"it is for deck '{unknown[0]}', which this database does not "
                "have: import the deck's source first (quiz import FILE)",
            )
        learners[file.path] = learner
    cards = store_progress.cards_by_key(db, sorted({e.key for f in files for e in f.entries}))
    for file in files:
        missing = [e.key for e in file.entries if e.key not in cards]
        if missing:
            raise refuse(
                file.path,
                f"{len(missing)} review(s) are of cards this database does not "
                f"have (such as {missing[0]}): import the same version of the "
                "deck's source the learner has",
            )
    stored = store_progress.logged_uids(db, sorted({e.uid for f in files for e in f.entries}))
    new: dict[int, dict[str, Entry]] = defaultdict(dict)  # learner id -> uid -> entry
    for file in files:
        learner = learners[file.path]
        for entry in file.entries:
            card_id = cards[entry.key][0]
            seen = stored.get(entry.uid)
            if seen is None:  # the same review in two of these files must be the same review
                stored[entry.uid] = (learner.id, card_id, entry.grade)
                new[learner.id][entry.uid] = entry
            elif seen != (learner.id, card_id, entry.grade):
                raise refuse(
                    file.path,
                    f"review {entry.uid} is stored here, or in another file, with "
                    "another learner, card or grade: the file was edited or mixed up",
                )
    by_id = {learner.id: learner for learner in learners.values()}
    replayed = {
        learner_id: merge_reviews(db, by_id[learner_id], entries, cards)
        for learner_id, entries in new.items()
    }
    results = []
    for file in files:
        learner = learners[file.path]
        added = sum(1 for e in file.entries if e.uid in new[learner.id])
        results.append(
            FileImport(
                file.path,
                file.learner,
                len(file.entries),
                added,
                replayed.get(learner.id, 0) if added else 0,
                file.repeated,
            )
        )
    return ProgressImport(tuple(results))


def merge_reviews(
    db: Db, learner: LearnerInfo, entries: dict[str, Entry], cards: dict[str, tuple[int, int, str]]
) -> int:
    """Add a learner's new reviews and rebuild their states of the cards they touch by replaying
    each card's whole log, old and new reviews in time order; returns how many cards."""
    # A card's log: its new entries and its stored rows, which name their fields alike.
    by_card: dict[int, list[Entry | LogRow]] = defaultdict(list)
    for entry in entries.values():
        by_card[cards[entry.key][0]].append(entry)
    touched = sorted(by_card)
    for logged in store_progress.card_logs(db, learner.id, touched):
        by_card[logged.card_id].append(logged)
    existing = store_progress.stored_states(db, learner.id, touched)
    added: list[dict[str, Any]] = []
    corrections: list[dict[str, Any]] = []
    states: dict[int, tuple[int, StoredState]] = {}
    for card_id, rows in by_card.items():
        rows.sort(key=_in_time)
        try:
            result = replay(
                (LoggedReview(r.uid, r.grade, r.kind, r.day) for r in rows), learner.leech_threshold
            )
        except ValueError as exc:
            raise QuizError(
                f"the reviews of card {rows[0].key} by {learner.name} do not replay ({exc}): "
                "nothing was imported"
            ) from None
        for row, outcome in zip(rows, result.reviews, strict=True):
            after = store_review.outcome_values(outcome.state)
            if isinstance(row, LogRow):
                if (row.kind, row.passed_before, row.interval, row.easiness, row.due) != (
                    outcome.kind,
                    outcome.passed_before,
                    *after.values(),
                ):  # an older review the merge reorders
                    corrections.append(
                        {
                            "uid": row.uid,
                            "kind": outcome.kind,
                            "passed_before": outcome.passed_before,
                            **after,
                        }
                    )
                continue
            added.append(
                {
                    "uid": row.uid,
                    "learner_id": learner.id,
                    "card_id": card_id,
                    "section_id": cards[row.key][1],
                    "grade": row.grade,
                    "reviewed_at": row.reviewed_at,
                    "day": row.day,
                    "seconds": row.seconds,
                    "kind": outcome.kind,
                    "passed_before": outcome.passed_before,
                    **after,
                }
            )
        before = existing.get(card_id)
        if result.state is not None:
            held = before is not None and before.suspended and not before.leech
            first = rows[0]
            states[card_id] = (
                first.section_id if isinstance(first, LogRow) else cards[first.key][1],
                StoredState(
                    result.state,
                    result.introduced,
                    held or result.leech,
                    result.leech,
                    before.buried_until if before else None,
                    (before.version + 1) if before else 1,
                ),
            )
    store_progress.add_reviews(db, added)
    store_progress.set_review_outcomes(db, corrections)
    store_progress.put_states(db, learner.id, states, existing)
    return len(by_card)


def _in_time(row: Entry | LogRow) -> tuple[datetime, str]:
    return row.reviewed_at, row.uid
