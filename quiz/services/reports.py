"""The progress reports: a cohort's for its instructor, a learner's own, from the same measures.

Takes a Reader: on SQLite a report is one read transaction on the driver alone, to stay fast.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from quiz.core import measures as reports
from quiz.core.days import learner_day
from quiz.core.measures import (
    LEECH_MIN_LEARNERS,
    REPORT_FORECAST_DAYS,
    RETENTION_DAYS,
    WORKLOAD_DAYS,
)
from quiz.core.measures import ProgressReport as ProgressReport  # re-exported: the result the CLI renders
from quiz.core.measures import Thresholds as Thresholds  # re-exported: the CLI builds it from options
from quiz.core.signing import pseudonym
from quiz.errors import OptionError, QuizError
from quiz.services.lookup import find_cohort, find_deck, find_learner
from quiz.store import cohorts as store_cohorts
from quiz.store import decks as store_decks
from quiz.store import reports as counts
from quiz.store.cohorts import AssignmentRow
from quiz.store.db import Db, Reader
from quiz.store.decks import DeckInfo


def report_day(now: datetime) -> date:
    """Today as the reports count it: the local day, which starts at 04:00 as a learner's does."""
    return learner_day(now.astimezone())


def _window(today: date, since: date | None) -> date:
    start = since or today - timedelta(days=RETENTION_DAYS - 1)
    if start > today:
        raise OptionError(
            "--since",
            f"--since {start.isoformat()} is after today ({today.isoformat()}): give an earlier date",
        )
    return start


def _deck_ids(reader: Reader, deck: str | None, among: list[DeckInfo]) -> list[int]:
    return [d.id for d in among] if deck is None else [find_deck(reader, deck, among).id]


def _assigned_rows(rows: list[AssignmentRow]) -> list[tuple[int, str, str, date | None, date]]:
    """(deck id, slug, name, due date, assigned day), as the report's measures read them."""
    return [(a.deck_id, a.deck, a.name, a.due_date, a.assigned_at.date()) for a in rows]


def cohort_report(
    reader: Reader,
    cohort_name: str,
    now: datetime,
    *,
    deck: str | None = None,
    since: date | None = None,
    thresholds: Thresholds | None = None,
    anonymize: bool = False,
) -> ProgressReport:
    """Who is on track, who is at risk and why, and which sections and cards the cohort forgets."""
    found = find_cohort(reader, cohort_name)
    cohort_id, name = found.id, found.name
    assigned_rows = _assigned_rows(store_cohorts.assignments(reader, cohort_id).get(cohort_id, []))
    if deck is None and not assigned_rows:
        raise QuizError(
            f"cohort '{name}' has no deck assigned: quiz cohort assign {name} DECK (or name one with --deck)"
        )
    every_deck = store_decks.decks(reader)
    assigned_ids = {row[0] for row in assigned_rows}
    candidates = [d for d in every_deck if d.id in assigned_ids] if deck is None else every_deck
    deck_ids = _deck_ids(reader, deck, candidates)
    every = {d.id for d in every_deck} == set(deck_ids)
    report = _build(
        reader,
        name,
        [(m.learner_id, m.name, m.joined_at.date()) for m in store_cohorts.members(reader, cohort_id)],
        counts.scope(None, cohort_id, deck_ids, every),
        deck_ids,
        [a for a in assigned_rows if a[0] in deck_ids],
        now,
        since,
        thresholds or Thresholds(),
    )
    if not anonymize:
        return report
    key = store_cohorts.stored_cohort_secret(reader, cohort_id)
    if key is None:  # made by ensure_pseudonym_key before an anonymized report
        raise QuizError(f"cohort '{name}' has no pseudonym key: run the report again")
    return anonymized(report, key)


def ensure_pseudonym_key(db: Db, cohort_name: str) -> None:
    """Give the cohort its random pseudonym key if it has none yet (a cohort another program
    wrote): an anonymized report, which only reads, needs it."""
    with db.transaction():
        store_cohorts.cohort_secret(db, find_cohort(db, cohort_name).id)


def learner_stats(
    reader: Reader,
    learner_name: str | None,
    now: datetime,
    *,
    deck: str | None = None,
    since: date | None = None,
    thresholds: Thresholds | None = None,
) -> ProgressReport:
    """A learner's own view: the same measures, over every deck (or one), with the pace of the
    decks assigned to their cohorts."""
    learner = find_learner(reader, learner_name)
    found = (learner.id, learner.name, counts.learner_added(reader, learner.id))
    every_deck = store_decks.decks(reader)
    deck_ids = _deck_ids(reader, deck, every_deck)
    assigned_rows = [
        row
        for cohort in store_cohorts.cohorts_of(reader, learner.id)
        for row in _assigned_rows(store_cohorts.assignments(reader, cohort.id).get(cohort.id, []))
        if row[0] in deck_ids
    ]
    return _build(
        reader,
        found[1],
        [found],
        counts.scope([found[0]], None, deck_ids, len(deck_ids) == len(every_deck)),
        deck_ids,
        assigned_rows,
        now,
        since,
        thresholds or Thresholds(),
    )


def _build(
    reader: Reader,
    title: str,
    members: list[tuple[int, str, date]],
    where: counts.Scope,
    deck_ids: list[int],
    assigned_rows: list[tuple[int, str, str, date | None, date]],
    now: datetime,
    since: date | None,
    thresholds: Thresholds,
) -> ProgressReport:
    today = report_day(now)
    start = _window(today, since)
    first = min(start, today - timedelta(days=WORKLOAD_DAYS - 1))
    section_rows = counts.sections(reader, deck_ids)
    days = counts.day_counts(reader, where, first, today)
    people = counts.people(reader, members, days)
    # A streak that reaches back to the window's first day may go on before it.
    by_learner: dict[int, set[date]] = {}
    for row in days:
        by_learner.setdefault(row.learner_id, set()).add(row.day)
    extra = {
        p.id: counts.earlier_active_days(reader, p.id, first)
        for p in people
        if reports.streak(by_learner.get(p.id, set()), today) > (today - first).days
    }
    return reports.build(
        title,
        today,
        start,
        people,
        reports.assigned(assigned_rows, section_rows),
        section_rows,
        counts.state_counts(reader, where, today),
        days,
        counts.section_retention(reader, where, start, today),
        counts.forecast(reader, where, today, today + timedelta(days=REPORT_FORECAST_DAYS - 1)),
        counts.with_texts(reader, reports.leech_rows(counts.card_lapses(reader, where, LEECH_MIN_LEARNERS))),
        thresholds,
        extra,
    )


def anonymized(report: ProgressReport, key: bytes) -> ProgressReport:
    """The same report with every learner's name, and the cohort's, replaced by a stable pseudonym
    keyed by the cohort's secret: a list of names does not lead back to them."""
    learners = tuple(replace(p, name=pseudonym("learner", p.name, key)) for p in report.learners)
    return replace(
        report,
        title=pseudonym("cohort", "\x00cohort\x00" + report.title, key),
        learners=tuple(sorted(learners, key=lambda p: p.name)),
    )
