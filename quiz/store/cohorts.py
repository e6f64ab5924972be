"""Cohorts, their members and the decks assigned to them; the cohort's and its members' secrets."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from quiz.store.db import Db, Reader, as_day_or_none, as_instant


@dataclass(frozen=True)
class CohortInfo:
    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Member:
    learner_id: int
    name: str
    joined_at: datetime


@dataclass(frozen=True)
class AssignmentRow:
    deck_id: int
    deck: str
    name: str
    due_date: date | None
    assigned_at: datetime


def _cohort(row: Sequence[Any]) -> CohortInfo:
    return CohortInfo(int(row[0]), str(row[1]), as_instant(row[2]))


def cohorts(reader: Reader) -> list[CohortInfo]:
    return [_cohort(r) for r in reader.rows("SELECT id, name, created_at FROM cohorts ORDER BY name")]


def cohort_by_name(reader: Reader, name: str) -> CohortInfo | None:
    found = reader.rows("SELECT id, name, created_at FROM cohorts WHERE name = :name", {"name": name})
    return _cohort(found[0]) if found else None


def add_cohort(db: Db, name: str, now: datetime) -> CohortInfo:
    """A new cohort, with its own random key for the pseudonyms of its anonymized reports."""
    db.execute("INSERT INTO cohorts (name, created_at) VALUES (:name, :now)", {"name": name, "now": now})
    found = cohort_by_name(db, name)
    assert found is not None
    cohort_secret(db, found.id)
    return found


def cohort_secret(db: Db, cohort_id: int) -> bytes:
    """The cohort's pseudonym key, made now if it has none (a cohort written by another program)."""
    found = stored_cohort_secret(db, cohort_id)
    if found is None:
        found = secrets.token_bytes(32)
        db.execute(
            "INSERT INTO cohort_secrets (cohort_id, secret) VALUES (:cohort, :secret)",
            {"cohort": cohort_id, "secret": found.hex()},
        )
    return found


def stored_cohort_secret(reader: Reader, cohort_id: int) -> bytes | None:
    found = reader.rows("SELECT secret FROM cohort_secrets WHERE cohort_id = :cohort", {"cohort": cohort_id})
    return bytes.fromhex(str(found[0][0])) if found else None


def put_invite(db: Db, cohort_id: int, learner_id: int, secret: bytes, now: datetime) -> bool:
    """Store a member's signing secret, replacing any earlier one; True when one was replaced."""
    key = {"cohort": cohort_id, "learner": learner_id, "secret": secret.hex(), "now": now}
    if db.execute(
        "UPDATE invites SET secret = :secret, issued_at = :now "
        "WHERE cohort_id = :cohort AND learner_id = :learner",
        key,
    ):
        return True
    db.execute(
        "INSERT INTO invites (cohort_id, learner_id, secret, issued_at) "
        "VALUES (:cohort, :learner, :secret, :now)",
        key,
    )
    return False


def invite_secrets(reader: Reader, learner_id: int) -> dict[str, bytes]:
    """The learner's signing secrets, by the name of the cohort each was issued for."""
    return {
        str(name): bytes.fromhex(str(secret))
        for name, secret in reader.rows(
            "SELECT c.name, i.secret FROM invites i JOIN cohorts c ON c.id = i.cohort_id "
            "WHERE i.learner_id = :learner",
            {"learner": learner_id},
        )
    }


def members(reader: Reader, cohort_id: int) -> list[Member]:
    """A cohort's learners, by name (for `quiz cohort show` and the cohort's report)."""
    return [
        Member(int(r[0]), str(r[1]), as_instant(r[2]))
        for r in reader.rows(
            "SELECT l.id, l.name, m.joined_at FROM learners l JOIN memberships m ON m.learner_id = l.id "
            "WHERE m.cohort_id = :cohort ORDER BY l.name",
            {"cohort": cohort_id},
        )
    ]


def member_counts(reader: Reader) -> dict[int, int]:
    rows = reader.rows("SELECT cohort_id, COUNT(*) FROM memberships GROUP BY cohort_id")
    return {int(cohort_id): int(count) for cohort_id, count in rows}


def cohorts_of(reader: Reader, learner_id: int) -> list[CohortInfo]:
    return [
        _cohort(r)
        for r in reader.rows(
            "SELECT c.id, c.name, c.created_at FROM cohorts c JOIN memberships m ON m.cohort_id = c.id "
            "WHERE m.learner_id = :learner ORDER BY c.name",
            {"learner": learner_id},
        )
    ]


def add_member(db: Db, cohort_id: int, learner_id: int, now: datetime) -> bool:
    """Put a learner in a cohort; False when they were in it already."""
    key = {"cohort": cohort_id, "learner": learner_id, "now": now}
    if db.rows("SELECT 1 FROM memberships WHERE cohort_id = :cohort AND learner_id = :learner", key):
        return False
    db.execute(
        "INSERT INTO memberships (cohort_id, learner_id, joined_at) VALUES (:cohort, :learner, :now)", key
    )
    return True


def remove_member(db: Db, cohort_id: int, learner_id: int) -> bool:
    return bool(
        db.execute(
            "DELETE FROM memberships WHERE cohort_id = :cohort AND learner_id = :learner",
            {"cohort": cohort_id, "learner": learner_id},
        )
    )


def assignments(reader: Reader, cohort_id: int | None = None) -> dict[int, list[AssignmentRow]]:
    """The decks assigned, per cohort id, in the order of their deck names."""
    where = "WHERE a.cohort_id = :cohort " if cohort_id is not None else ""
    found: dict[int, list[AssignmentRow]] = {}
    for cohort, deck_id, slug, name, due, assigned in reader.rows(
        "SELECT a.cohort_id, d.id, d.slug, d.name, a.due_date, a.assigned_at FROM assignments a "
        f"JOIN decks d ON d.id = a.deck_id {where}ORDER BY d.name",
        {"cohort": cohort_id},
    ):
        row = AssignmentRow(int(deck_id), str(slug), str(name), as_day_or_none(due), as_instant(assigned))
        found.setdefault(int(cohort), []).append(row)
    return found


def assign(db: Db, cohort_id: int, deck_id: int, due_date: date | None, now: datetime) -> bool:
    """Assign a deck (or change its date); True when it was not assigned before."""
    key = {"cohort": cohort_id, "deck": deck_id, "due": due_date, "now": now}
    if db.execute(
        "UPDATE assignments SET due_date = :due WHERE cohort_id = :cohort AND deck_id = :deck", key
    ):
        return False
    db.execute(
        "INSERT INTO assignments (cohort_id, deck_id, due_date, assigned_at) "
        "VALUES (:cohort, :deck, :due, :now)",
        key,
    )
    return True


def unassign(db: Db, cohort_id: int, deck_id: int) -> bool:
    return bool(
        db.execute(
            "DELETE FROM assignments WHERE cohort_id = :cohort AND deck_id = :deck",
            {"cohort": cohort_id, "deck": deck_id},
        )
    )
