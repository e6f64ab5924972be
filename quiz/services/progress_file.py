"""A progress file as quiz writes it and reads it back: its format, its checks of plausibility, and
its signature, made with the learner's invite secret and checked against the one stored here.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from quiz.core import signing
from quiz.errors import QuizError
from quiz.files import read_limited
from quiz.store import cohorts as store_cohorts
from quiz.store.cohorts import CohortInfo
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo

FORMAT = "quiz-progress"
VERSION = 2  # 2: signed with the learner's invite (1: a checksum anyone could recompute)
COLUMNS = ["uid", "card", "grade", "kind", "reviewed_at", "day", "seconds"]
KINDS = frozenset({"review", "repeat", "cram"})
MAX_FILE_BYTES = 200 * 1024 * 1024
# Two clocks meet in a file: the learner's (its times) and the instructor's (now). A review may be
# dated this much after the file's export time or the instructor's now, and no more.
CLOCK_SKEW = timedelta(minutes=15)


def checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    uid: str
    key: str
    grade: int
    kind: str
    reviewed_at: datetime
    day: date
    seconds: float


@dataclass(frozen=True)
class ProgressFile:
    path: str
    learner: str
    decks: tuple[str, ...]
    entries: tuple[Entry, ...]  # one per review: a repeated row is kept once
    cohort: str  # the cohort whose invite signed it
    signed: dict[str, Any]  # every field but the signature: what it signs
    signature: str
    repeated: int = 0


def refuse(path: str, why: str) -> QuizError:
    return QuizError(f"{path}: {why}; nothing was imported")


def _refuse_number(name: str) -> QuizError:
    return refuse(name, "is not a quiz progress file (a number too long to read)")


def read_file(path: Path, now: datetime) -> ProgressFile:
    name = str(path)
    raw = read_limited(path, MAX_FILE_BYTES, lambda why: refuse(name, why))
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise refuse(name, f"is not a quiz progress file (not UTF-8 text at byte {exc.start})") from None
    except RecursionError:
        raise refuse(name, "is not a quiz progress file (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        if not raw.lstrip().startswith(b"{"):
            raise refuse(name, "is not a quiz progress file (made by quiz progress export)") from None
        raise refuse(
            name,
            f"is damaged (not valid JSON at line {exc.lineno}): ask for a new export (quiz progress export)",
        ) from None
    except ValueError:  # a number of thousands of digits, which Python refuses to read
        raise _refuse_number(name) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise refuse(name, "is not a quiz progress file (made by quiz progress export)")
    version = body.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise refuse(name, f"was written by a newer quiz (format version {version!r}): upgrade quiz")
    signature = body.pop("signature", None)
    if not isinstance(signature, str) or not isinstance(body.get("cohort"), str):
        learner = body.get("learner") if isinstance(body.get("learner"), str) else "LEARNER"
        raise refuse(
            name,
            "is not signed: the learner exports with the invite you give them "
            f"(quiz cohort invite COHORT {learner}, then quiz progress export --invite FILE)",
        )
    try:
        learner = body["learner"]
        if not isinstance(learner, str) or not learner.strip():
            raise ValueError("no learner")
        if body["columns"] != COLUMNS:
            raise ValueError("unknown columns")
        exported = _instant(body["exported_at"], "export time")
        if exported > now + CLOCK_SKEW:
            raise ValueError(f"it was exported at {exported.isoformat()}, after now")
        rows = body["reviews"]
        if not isinstance(rows, list):
            raise ValueError("no list of reviews")
        latest = min(exported, now) + CLOCK_SKEW
        entries: dict[str, Entry] = {}
        for number, row in enumerate(rows, 1):
            entry = _entry(row, number, latest)
            if entries.setdefault(entry.uid, entry) != entry:
                raise ValueError(f"review {number} reuses the id of another review ({entry.uid})")
        decks = tuple(str(d) for d in body["decks"])
    except (KeyError, TypeError, ValueError) as exc:
        raise refuse(name, f"is not a valid progress file ({exc})") from None
    repeated = len(rows) - len(entries)
    cohort = body["cohort"]
    return ProgressFile(name, learner, decks, tuple(entries.values()), cohort, body, signature, repeated)


def _instant(text: Any, what: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {text!r} is not a date and time") from None
    if instant.tzinfo is None:
        raise ValueError(f"{what} {text!r} has no time zone")
    return instant.astimezone(UTC)


def _entry(row: Any, number: int, latest: datetime) -> Entry:
    """One review of the file, checked as the scheduler will use it (``number``: its place, from 1)."""
    if not isinstance(row, list) or len(row) != len(COLUMNS):
        raise ValueError(f"review {number} is not a row of {len(COLUMNS)} values")
    uid, key, grade, kind, reviewed_at, day, seconds = row
    if not isinstance(uid, str) or not 0 < len(uid) <= 36 or not isinstance(key, str):
        raise ValueError(f"review {number}: bad review id or card key")
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise ValueError(f"review {number}: grade {grade!r} is not 0 to 5")
    if kind not in KINDS:
        raise ValueError(f"review {number}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    instant = _instant(reviewed_at, f"review {number}: time")
    if instant > latest:
        raise ValueError(
            f"review {number} is dated {instant.isoformat()}, after the file was exported "
            f"(and now; {CLOCK_SKEW.seconds // 60} minutes of clock difference allowed)"
        )
    try:
        counted = date.fromisoformat(day)
    except (TypeError, ValueError):
        raise ValueError(f"review {number}: day {day!r} is not a date") from None
    # The learner's day is the local date less the hour their day starts: never far from UTC's.
    if not -2 <= (counted - instant.date()).days <= 1:
        raise ValueError(f"review {number}: day {day} is not the day of its time {instant.isoformat()}")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise ValueError(f"review {number}: seconds {seconds!r} is not a finite duration")
    if seconds < 0:
        raise ValueError(f"review {number}: seconds {seconds!r} is negative")
    return Entry(uid, key, grade, kind, instant, counted, float(seconds))


def check_signature(db: Db, file: ProgressFile, learner: LearnerInfo, cohort: CohortInfo | None) -> None:
    """The file must be signed with the secret of the invite its learner holds for its cohort."""
    if cohort is not None and file.cohort != cohort.name:
        raise refuse(file.path, f"it was signed for cohort '{file.cohort}', not '{cohort.name}'")
    secret = store_cohorts.invite_secrets(db, learner.id).get(file.cohort)
    if secret is None:
        raise refuse(
            file.path,
            f"it is signed for cohort '{file.cohort}', where {learner.name} has no invite: "
            f"quiz cohort invite {file.cohort} {learner.name}, then ask them for a new export",
        )
    if not signing.verify(file.signed, file.signature, secret):
        raise refuse(
            file.path,
            f"its signature is not that of {learner.name}'s invite for cohort '{file.cohort}': "
            "it was changed after it was exported, or signed with another learner's invite or an "
            f"older one; ask {learner.name} for a new export",
        )
