"""Progress files: a learner's review log written out on their machine, merged in by the instructor.

The file names cards by their stable keys, never their text. It carries a checksum of its content,
so a damaged or hand-edited file is refused; merging replays the learner's log through the
scheduler, so the states match what the learner has, and a file merged twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.core.replay import LoggedReview, replay
from quiz.errors import QuizError
from quiz.files import read_limited, write_text
from quiz.services.lookup import resolve_learner
from quiz.store import cohorts as store_cohorts
from quiz.store import decks as store_decks
from quiz.store import learners as store_learners
from quiz.store import progress as store_progress
from quiz.store import review as store_review
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo
from quiz.store.progress import LogRow
from quiz.store.review import StoredState

FORMAT = "quiz-progress"
VERSION = 1
COLUMNS = ["uid", "card", "grade", "kind", "reviewed_at", "day", "seconds"]
KINDS = frozenset({"review", "repeat", "cram"})
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ProgressExport:
    learner: str
    path: Path
    reviews: int
    decks: tuple[str, ...]


@dataclass(frozen=True)
class FileImport:
    path: str
    learner: str
    reviews: int  # in the file
    added: int  # new to this database
    cards: int  # cards whose state was replayed


@dataclass(frozen=True)
class ProgressImport:
    files: tuple[FileImport, ...]


def checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_progress(db: Db, learner_name: str | None, target: Path | None, now: datetime) -> ProgressExport:
    """Write the learner's whole review log to a progress file (default: progress-NAME.json)."""
    with db.transaction():  # the default learner is made on first use
        learner = resolve_learner(db, learner_name, now)
    log = store_progress.learner_log(db, learner.id)
    decks = sorted({row.deck for row in log})
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "quiz": __version__,
        "learner": learner.name,
        "exported_at": now.astimezone(UTC).isoformat(),
        "decks": decks,
        "columns": COLUMNS,
        "reviews": [
            [r.uid, r.key, r.grade, r.kind, r.reviewed_at.isoformat(), r.day.isoformat(), r.seconds]
            for r in log
        ],
    }
    body["checksum"] = checksum(body)
    path = target or Path(f"progress-{_file_safe(learner.name)}.json")
    write_text(path, json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n")
    return ProgressExport(learner.name, path, len(log), tuple(decks))


def _file_safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name) or "learner"


# --- reading a file -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    uid: str
    key: str
    grade: int
    kind: str
    reviewed_at: datetime
    day: date
    seconds: float


@dataclass(frozen=True)
class _File:
    path: str
    learner: str
    decks: tuple[str, ...]
    entries: tuple[_Entry, ...]


def _refuse(path: str, why: str) -> QuizError:
    return QuizError(f"{path}: {why}; nothing was imported")


def _read(path: Path) -> _File:
    name = str(path)
    raw = read_limited(path, MAX_FILE_BYTES, lambda why: _refuse(name, why))
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _refuse(name, f"is not a quiz progress file (not UTF-8 text at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        if not raw.lstrip().startswith(b"{"):
            raise _refuse(name, "is not a quiz progress file (made by quiz progress export)") from None
        raise _refuse(
            name,
            f"is damaged (not valid JSON at line {exc.lineno}): ask for a new export (quiz progress export)",
        ) from None
    except ValueError:  # a number of thousands of digits
        raise _refuse(name, "is not a quiz progress file (a number too long to read)") from None
    except RecursionError:
        raise _refuse(name, "is not a quiz progress file (nested too deeply)") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _refuse(name, "is not a quiz progress file (made by quiz progress export)")
    version = body.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise _refuse(name, f"was written by a newer quiz (format version {version!r}): upgrade quiz")
    stated = body.pop("checksum", None)
    if stated != checksum(body):
        raise _refuse(
            name,
            "was changed after it was exported (its checksum does not match): "
            "ask the learner for a new export",
        )
    try:
        learner = body["learner"]
        if not isinstance(learner, str) or not learner.strip():
            raise ValueError("no learner")
        if body["columns"] != COLUMNS:
            raise ValueError("unknown columns")
        entries = tuple(_entry(row) for row in body["reviews"])
        decks = tuple(str(d) for d in body["decks"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse(name, f"is not a valid progress file ({exc})") from None
    return _File(name, learner, decks, entries)


def _entry(row: Any) -> _Entry:
    uid, key, grade, kind, reviewed_at, day, seconds = row
    if not isinstance(uid, str) or not 0 < len(uid) <= 36 or not isinstance(key, str):
        raise ValueError(f"bad review id or card key in {row!r}")
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise ValueError(f"grade {grade!r} is not 0 to 5")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    instant = datetime.fromisoformat(reviewed_at)
    if instant.tzinfo is None:
        raise ValueError(f"time {reviewed_at!r} has no time zone")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise ValueError(f"seconds {seconds!r} is not a duration")
    return _Entry(uid, key, grade, kind, instant.astimezone(UTC), date.fromisoformat(day), float(seconds))


# --- merging ----------------------------------------------------------------------------------------------


def import_progress(db: Db, paths: list[Path], cohort_name: str | None = None) -> ProgressImport:
    """Merge progress files: every file is read and checked before anything is written, and all
    are merged in one transaction."""
    files = [_read(path) for path in paths]
    with db.transaction():
        return _import_progress(db, files, cohort_name)


def _import_progress(db: Db, files: list[_File], cohort_name: str | None) -> ProgressImport:
    from quiz.services.lookup import find_cohort

    cohort = find_cohort(db, cohort_name) if cohort_name is not None else None
    known_decks = {deck.slug for deck in store_decks.decks(db)}
    learners: dict[str, LearnerInfo] = {}
    for file in files:
        learner = store_learners.learner_by_name(db, file.learner)
        if learner is None:
            raise _refuse(
                file.path,
                f"its learner '{file.learner}' is not known here: add them to "
                f"the cohort with quiz cohort add COHORT {file.learner}",
            )
        cohorts = [c.name for c in store_cohorts.cohorts_of(db, learner.id)]
        if (cohort is not None and cohort.name not in cohorts) or not cohorts:
            where = f"cohort '{cohort.name}'" if cohort is not None else "any cohort"
            raise _refuse(
                file.path,
                f"its learner '{file.learner}' is not in {where}: add them with "
                f"quiz cohort add {cohort.name if cohort else 'COHORT'} {file.learner}",
            )
        unknown = [d for d in file.decks if d not in known_decks]
        if unknown:
            raise _refuse(
                file.path,
                f"it is for deck '{unknown[0]}', which this database does not "
                "have: import the deck's source first (quiz import FILE)",
            )
        learners[file.path] = learner
    cards = store_progress.cards_by_key(db, sorted({e.key for f in files for e in f.entries}))
    for file in files:
        missing = [e.key for e in file.entries if e.key not in cards]
        if missing:
            raise _refuse(
                file.path,
                f"{len(missing)} review(s) are of cards this database does not "
                f"have (such as {missing[0]}): import the same version of the "
                "deck's source the learner has",
            )
    stored = store_progress.logged_uids(db, sorted({e.uid for f in files for e in f.entries}))
    new: dict[int, dict[str, _Entry]] = defaultdict(dict)  # learner id -> uid -> entry
    for file in files:
        learner = learners[file.path]
        for entry in file.entries:
            card_id = cards[entry.key][0]
            seen = stored.get(entry.uid)
            if seen is None:  # the same review in two of these files must be the same review
                stored[entry.uid] = (learner.id, card_id, entry.grade)
                new[learner.id][entry.uid] = entry
            elif seen != (learner.id, card_id, entry.grade):
                raise _refuse(
                    file.path,
                    f"review {entry.uid} is stored here, or in another file, with "
                    "another learner, card or grade: the file was edited or mixed up",
                )
    by_id = {learner.id: learner for learner in learners.values()}
    replayed = {
        learner_id: _merge(db, by_id[learner_id], entries, cards) for learner_id, entries in new.items()
    }
    results = []
    for file in files:
        learner = learners[file.path]
        added = sum(1 for e in file.entries if e.uid in new[learner.id])
        results.append(
            FileImport(
                file.path, file.learner, len(file.entries), added, replayed.get(learner.id, 0) if added else 0
            )
        )
    return ProgressImport(tuple(results))


def _merge(
    db: Db, learner: LearnerInfo, entries: dict[str, _Entry], cards: dict[str, tuple[int, int, str]]
) -> int:
    """Add a learner's new reviews and rebuild their states of the cards they touch by replaying
    each card's whole log, old and new reviews in time order; returns how many cards."""
    by_card: dict[int, list[LogRow]] = defaultdict(list)
    for entry in entries.values():
        card_id, section_id, deck = cards[entry.key]
        by_card[card_id].append(
            LogRow(
                entry.uid,
                learner.id,
                card_id,
                section_id,
                entry.key,
                deck,
                entry.grade,
                entry.kind,
                entry.reviewed_at,
                entry.day,
                entry.seconds,
            )
        )
    touched = sorted(by_card)
    for row in store_progress.card_logs(db, learner.id, touched):
        by_card[row.card_id].append(row)
    existing = store_progress.stored_states(db, learner.id, touched)
    added, corrections = [], []
    states: dict[int, tuple[int, StoredState]] = {}
    for card_id, rows in by_card.items():
        rows.sort(key=lambda r: (r.reviewed_at, r.uid))
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
            values = {
                "kind": outcome.kind,
                "passed_before": outcome.passed_before,
                **store_review.outcome_values(outcome.state),
            }
            if row.uid in entries:
                added.append(
                    {
                        "uid": row.uid,
                        "learner_id": learner.id,
                        "card_id": card_id,
                        "section_id": row.section_id,
                        "grade": row.grade,
                        "reviewed_at": row.reviewed_at,
                        "day": row.day,
                        "seconds": row.seconds,
                        **values,
                    }
                )
            elif (row.kind, row.passed_before, row.interval, row.easiness, row.due) != tuple(values.values()):
                corrections.append({"uid": row.uid, **values})  # an older review the merge reorders
        before = existing.get(card_id)
        if result.state is not None:
            held = before is not None and before.suspended and not before.leech
            states[card_id] = (
                rows[0].section_id,
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
