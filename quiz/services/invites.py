"""Invites: the instructor gives each member of a cohort a secret of their own, in a small file the
learner keeps and signs their progress files with (quiz progress export --invite FILE).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quiz.errors import QuizError
from quiz.files import file_safe, read_limited, write_new
from quiz.services import cohorts
from quiz.services.lookup import find_cohort
from quiz.store import cohorts as store_cohorts
from quiz.store import learners as store_learners
from quiz.store.db import Db

FORMAT = "quiz-invite"
VERSION = 1
SECRET_BYTES = 32
MAX_INVITE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Invite:
    """What an invite file holds: for whom, in which cohort, and their signing secret."""

    cohort: str
    learner: str
    secret: bytes


@dataclass(frozen=True)
class InviteResult:
    """An invite written; the secret itself is never part of a result (it is only in the file)."""

    cohort: str
    learner: str
    path: Path
    added: bool  # the learner was put in the cohort by this invite
    replaced: bool  # an earlier invite of theirs no longer signs


def invite(db: Db, cohort_name: str, learner_name: str, target: Path | None, now: datetime) -> InviteResult:
    """Give a learner a new signing secret for a cohort (putting them in it if they are not yet)
    and write it to an invite file only its owner can read; an existing file is never replaced."""
    written = False
    try:
        with db.transaction():
            cohort = find_cohort(db, cohort_name)
            change = cohorts.add_members(db, cohort, (learner_name,), now)
            learner = store_learners.learner_by_name(db, (change.changed + change.unchanged)[0])
            assert learner is not None
            path = target or Path(f"invite-{file_safe(cohort.name)}-{file_safe(learner.name)}.json")
            secret = secrets.token_bytes(SECRET_BYTES)
            replaced = store_cohorts.put_invite(db, cohort.id, learner.id, secret, now)
            body = {
                "format": FORMAT,
                "version": VERSION,
                "cohort": cohort.name,
                "learner": learner.name,
                "issued_at": now.astimezone(UTC).isoformat(),
                "secret": secret.hex(),
            }
            # Written before the commit: a file that cannot be made leaves the database as it was.
            write_new(path, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
            written = True
    except BaseException:
        if written:  # the commit failed: the file's secret was never stored
            path.unlink(missing_ok=True)
        raise
    return InviteResult(cohort.name, learner.name, path, bool(change.changed), replaced)


def read_invite(path: Path) -> Invite:
    """The invite in a file written by quiz cohort invite, or a one-line reason it is not one."""
    name = str(path)
    raw = read_limited(path, MAX_INVITE_BYTES, lambda why: QuizError(f"{name}: {why} (give the invite file)"))
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # ValueError: bad UTF-8, JSON or a huge number
        raise QuizError(f"{name}: is not an invite file (made by quiz cohort invite)") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise QuizError(f"{name}: is not an invite file (made by quiz cohort invite)")
    if body.get("version") != VERSION:
        version = body.get("version")
        raise QuizError(f"{name}: was written by another version of quiz (invite version {version!r})")
    cohort, learner, secret = body.get("cohort"), body.get("learner"), body.get("secret")
    try:
        if not isinstance(cohort, str) or not isinstance(learner, str) or not isinstance(secret, str):
            raise ValueError
        key = bytes.fromhex(secret)
        if len(key) != SECRET_BYTES:
            raise ValueError
    except ValueError:
        raise QuizError(f"{name}: is a damaged invite file: ask your instructor for a new one") from None
    return Invite(cohort, learner, key)
