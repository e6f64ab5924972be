"""The progress reports' queries: a few grouped aggregations over states and reviews.

Plain SQL that SQLite and PostgreSQL both run, through a Reader: the driver itself for SQLite (so
a report does not load SQLAlchemy, which takes longer to import than the report takes to count)
and a SQLAlchemy connection for any other database. Named parameters (:name) suit both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from quiz.connections import Reader, as_day
from quiz.reports import (
    MATURE_DAYS,
    CardLapses,
    DayCounts,
    Person,
    SectionInfo,
    SectionRetention,
    StateCounts,
)


@dataclass(frozen=True)
class Scope:
    """Whose progress, over which decks: the SQL conditions, with their parameters."""

    learners: str  # a condition on ``learner_id``
    sections: str  # a condition on ``section_id``
    params: Mapping[str, Any]


def _ids(values: Sequence[int]) -> str:
    # Integers read from the database, so they can be written into the statement.
    return ",".join(str(int(v)) for v in values) or "NULL"


def scope(learner_ids: Sequence[int] | None, cohort_id: int | None, deck_ids: Sequence[int],
          every_deck: bool = False) -> Scope:
    """``every_deck``: the decks are all the database has, so no row needs checking for its deck."""
    if cohort_id is not None:
        learners = "learner_id IN (SELECT learner_id FROM memberships WHERE cohort_id = :cohort)"
    else:
        learners = f"learner_id IN ({_ids(learner_ids or [])})"
    sections = ("1 = 1" if every_deck else
                f"section_id IN (SELECT id FROM sections WHERE deck_id IN ({_ids(deck_ids)}))")
    return Scope(learners, sections, {"cohort": cohort_id} if cohort_id is not None else {})


# --- who and what ----------------------------------------------------------------------------------------

def cohort(reader: Reader, name: str) -> tuple[int, str, str] | None:
    """(id, name, created) of the cohort with this name."""
    found = reader.rows("SELECT id, name, created_at FROM cohorts WHERE name = :name", {"name": name})
    return (int(found[0][0]), str(found[0][1]), str(found[0][2])) if found else None


def cohort_names(reader: Reader) -> list[str]:
    return [str(r[0]) for r in reader.rows("SELECT name FROM cohorts ORDER BY name")]


def learner(reader: Reader, name: str) -> tuple[int, str, date] | None:
    found = reader.rows("SELECT id, name, created_at FROM learners WHERE name = :name", {"name": name})
    return (int(found[0][0]), str(found[0][1]), as_day(found[0][2])) if found else None


def cohorts_of(reader: Reader, learner_id: int) -> list[int]:
    """The ids of the cohorts a learner is in."""
    return [int(r[0]) for r in reader.rows("SELECT cohort_id FROM memberships WHERE learner_id = :learner",
                                           {"learner": learner_id})]


def members(reader: Reader, cohort_id: int) -> list[tuple[int, str, date]]:
    return [(int(r[0]), str(r[1]), as_day(r[2])) for r in reader.rows(
        "SELECT l.id, l.name, m.joined_at FROM memberships m JOIN learners l ON l.id = m.learner_id "
        "WHERE m.cohort_id = :cohort ORDER BY l.name", {"cohort": cohort_id})]


def decks(reader: Reader) -> list[tuple[int, str, str]]:
    """(id, slug, name) of every deck, by name."""
    return [(int(r[0]), str(r[1]), str(r[2]))
            for r in reader.rows("SELECT id, slug, name FROM decks ORDER BY name")]


def assignments(reader: Reader, cohort_id: int) -> list[tuple[int, str, str, date | None, date]]:
    """(deck id, slug, name, due date, assigned day) of the decks assigned to a cohort."""
    return [(int(r[0]), str(r[1]), str(r[2]), as_day(r[3]) if r[3] is not None else None, as_day(r[4]))
            for r in reader.rows(
                "SELECT d.id, d.slug, d.name, a.due_date, a.assigned_at FROM assignments a "
                "JOIN decks d ON d.id = a.deck_id WHERE a.cohort_id = :cohort ORDER BY d.name",
                {"cohort": cohort_id})]


def sections(reader: Reader, deck_ids: Sequence[int]) -> list[SectionInfo]:
    """The sections with live cards, in the documents' order."""
    return [SectionInfo(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in reader.rows(
        "SELECT s.id, d.slug, s.path, COUNT(c.id) FROM sections s JOIN decks d ON d.id = s.deck_id "
        "JOIN cards c ON c.section_id = s.id AND NOT c.retired "
        f"WHERE s.deck_id IN ({_ids(deck_ids)}) GROUP BY s.id, d.slug, s.path, d.name, s.position "
        "ORDER BY d.name, s.position")]


def people(reader: Reader, found: list[tuple[int, str, date]], days: list[DayCounts]) -> list[Person]:
    """The learners with their last review ever: from the window's days, else one index probe each."""
    last: dict[int, date] = {}
    for row in days:
        if row.reviews and (row.learner_id not in last or row.day > last[row.learner_id]):
            last[row.learner_id] = row.day
    result = []
    for learner_id, name, joined in found:
        day = last.get(learner_id)
        if day is None:
            probe = reader.rows("SELECT MAX(day) FROM reviews WHERE learner_id = :learner",
                                {"learner": learner_id})
            day = as_day(probe[0][0]) if probe and probe[0][0] is not None else None
        result.append(Person(learner_id, name, joined, day))
    return result


# --- the counts --------------------------------------------------------------------------------------------

def state_counts(reader: Reader, where: Scope, today: date) -> list[StateCounts]:
    """Per learner and section: cards introduced, mature, overdue, and lapses. Retired cards are
    left out (a short list, taken out by id)."""
    sql = (
        "SELECT learner_id, section_id, COUNT(introduced), "
        f"SUM(CASE WHEN introduced IS NOT NULL AND \"interval\" >= {MATURE_DAYS} THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN due < :today AND NOT suspended THEN 1 ELSE 0 END), SUM(lapses) "
        f"FROM card_states WHERE {where.learners} AND {where.sections} "
        "AND card_id NOT IN (SELECT id FROM cards WHERE retired) "
        "GROUP BY learner_id, section_id")
    return [StateCounts(int(r[0]), int(r[1]), int(r[2]), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
            for r in reader.rows(sql, {**where.params, "today": today})]


def day_counts(reader: Reader, where: Scope, first: date, today: date) -> list[DayCounts]:
    """Per learner and day from ``first`` to today: reviews, counted ones, and retention's counts
    (the first review of a day of a card already passed: kind 'review' is that first review)."""
    sql = (
        "SELECT learner_id, day, COUNT(*), "
        "SUM(CASE WHEN kind = 'review' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind = 'review' AND passed_before THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind = 'review' AND passed_before AND grade >= 3 THEN 1 ELSE 0 END) "
        f"FROM reviews WHERE {where.learners} AND day >= :first AND day <= :today AND {where.sections} "
        "GROUP BY learner_id, day")
    return [DayCounts(int(r[0]), as_day(r[1]), int(r[2]), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
            for r in reader.rows(sql, {**where.params, "first": first, "today": today})]


def section_retention(reader: Reader, where: Scope, since: date, today: date) -> list[SectionRetention]:
    sql = (
        "SELECT learner_id, section_id, COUNT(*), SUM(CASE WHEN grade >= 3 THEN 1 ELSE 0 END) "
        f"FROM reviews WHERE {where.learners} AND day >= :since AND day <= :today "
        f"AND kind = 'review' AND passed_before AND {where.sections} GROUP BY learner_id, section_id")
    return [SectionRetention(int(r[0]), int(r[1]), int(r[2]), int(r[3] or 0))
            for r in reader.rows(sql, {**where.params, "since": since, "today": today})]


def forecast(reader: Reader, where: Scope, last: date) -> dict[date, int]:
    """Cards falling due per day up to ``last`` (overdue ones on their old dates)."""
    sql = (f"SELECT due, COUNT(*) FROM card_states WHERE {where.learners} AND due <= :last "
           f"AND NOT suspended AND {where.sections} GROUP BY due")
    return {as_day(r[0]): int(r[1]) for r in reader.rows(sql, {**where.params, "last": last})}


def card_lapses(reader: Reader, where: Scope, min_learners: int) -> list[CardLapses]:
    """Per card: learners who met it, learners who lapsed on it, lapses; only cards with at least
    ``min_learners`` lapsed learners, which keeps the list short."""
    lapsed = "SUM(CASE WHEN lapses > 0 THEN 1 ELSE 0 END)"
    counted = reader.rows(
        f"SELECT card_id, COUNT(introduced), {lapsed}, SUM(lapses) FROM card_states "
        f"WHERE {where.learners} AND {where.sections} GROUP BY card_id HAVING {lapsed} >= :least",
        {**where.params, "least": min_learners})
    if not counted:
        return []
    about = {int(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in reader.rows(
        "SELECT c.id, c.key, s.path, c.front FROM cards c JOIN sections s ON s.id = c.section_id "
        f"WHERE c.id IN ({_ids([int(r[0]) for r in counted])}) AND NOT c.retired")}
    return [CardLapses(int(r[0]), *about[int(r[0])], int(r[1]), int(r[2] or 0), int(r[3] or 0))
            for r in counted if int(r[0]) in about]


def earlier_active_days(reader: Reader, learner_id: int, before: date) -> list[date]:
    """Days with a review going back from the day before ``before`` while there are any: for a
    streak longer than the report's window. One index probe a day."""
    found = []
    day = before - timedelta(days=1)
    while reader.rows("SELECT 1 FROM reviews WHERE learner_id = :learner AND day = :day LIMIT 1",
                      {"learner": learner_id, "day": day}):
        found.append(day)
        day -= timedelta(days=1)
    return found
