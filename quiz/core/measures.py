"""Progress measures, one definition each (../shared/specs/progress.md), over plain counted rows.

Pure: the store counts in SQL; this module turns the counts into retention, mastery, streaks,
pace and the reasons a learner is at risk. No database, clock or printing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from quiz.core import defaults

# An interval of 21 days or more is mature, as in Anki. The count triggers of migration 0003 state
# the figure in their SQL (migrations are frozen history and import nothing of quiz): tests/test_db.py
# checks that the triggers of a fresh database use this same number.
MATURE_DAYS = 21
RETENTION_DAYS = 30  # retention looks at the last 30 days unless asked
WORKLOAD_DAYS = 7  # workload: counted reviews a day over the last 7 days
# Two forecasts, two facts: a learner's own (quiz status, the review summary) is each of the 7 days
# after today; the instructor's report looks 14 days ahead from today, overdue cards counted today.
STATUS_FORECAST_DAYS = 7
REPORT_FORECAST_DAYS = 14
LEECH_MIN_LEARNERS = 2  # a card is a cohort leech when at least this many learners lapsed on it
LEECH_MIN_RATE = 0.25  # ... and at least this share of those who met it
LEECHES_SHOWN = 10


@dataclass(frozen=True)
class Thresholds:
    """When a learner is at risk; each configurable from the command line."""

    inactive_days: int = defaults.AT_RISK_INACTIVE_DAYS
    backlog_days: float = defaults.AT_RISK_BACKLOG_DAYS
    min_retention: float = defaults.AT_RISK_MIN_RETENTION
    min_retention_reviews: int = defaults.AT_RISK_MIN_RETENTION_REVIEWS
    pace_margin: float = defaults.AT_RISK_PACE_MARGIN


# --- what the store counts ---------------------------------------------------------------------------


class SectionInfo(NamedTuple):
    id: int
    deck: str
    path: tuple[str, ...]  # the section's titles, from the deck's down
    cards: int  # live cards


class StateCounts(NamedTuple):
    """One learner's states in one section (tuples: a report reads tens of thousands)."""

    learner_id: int
    section_id: int
    introduced: int
    mature: int
    overdue: int
    lapses: int


class DayCounts(NamedTuple):
    """One learner's reviews on one day (of one deck: a day may come in several rows)."""

    learner_id: int
    day: date
    reviews: int  # every grading, repeats and cramming included
    counted: int  # reviews that counted (SM-2 rescheduled the card)
    retained_of: int  # counted reviews of cards already passed: retention's denominator
    retained: int  # ... graded 3 or more


class SectionRetention(NamedTuple):
    section_id: int
    retained_of: int
    retained: int


class CardLapses(NamedTuple):
    card_id: int
    key: str
    section: tuple[str, ...]  # its section's titles
    front: str
    learners: int  # learners who met the card
    lapsed: int  # learners who lapsed on it at least once
    lapses: int


class Assigned(NamedTuple):
    deck: str
    name: str
    cards: int
    assigned: date
    due: date | None


class Person(NamedTuple):
    id: int
    name: str
    joined: date
    last_review: date | None  # ever, not only in the report's window


# --- what the reports show ---------------------------------------------------------------------------


class Pace(NamedTuple):
    deck: str
    due: date
    introduced: int
    cards: int
    expected: float  # cards that should be introduced by today
    ratio: float | None  # introduced / expected; None before the assignment's first day

    @property
    def behind(self) -> float:
        """How far behind, as a share of what was expected (0 when on pace or ahead)."""
        return 0.0 if not self.expected else max(0.0, 1 - self.introduced / self.expected)


@dataclass(frozen=True)
class LearnerProgress:
    name: str
    cards: int
    introduced: int
    mature: int
    overdue: int
    reviews: int  # in the window
    retention: float | None
    retention_reviews: int
    workload: float
    streak: int
    last_review: date | None
    days_inactive: int | None
    pace: tuple[Pace, ...]
    mastery: Mapping[int, float]  # section id -> share of its cards mature
    reasons: tuple[str, ...]  # why at risk; empty when not

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)


class SectionMastery(NamedTuple):
    section_id: int
    deck: str
    path: tuple[str, ...]
    cards: int
    mastery: float  # mature cards over cards, across the learners
    introduced: float  # introduced cards over cards, across the learners
    retention: float | None
    retention_reviews: int


@dataclass(frozen=True)
class ProgressReport:
    title: str  # the cohort's name, or the learner's for their own view
    today: date
    since: date
    decks: tuple[Assigned, ...]
    learners: tuple[LearnerProgress, ...]
    sections: tuple[SectionMastery, ...]
    reviews_per_day: tuple[tuple[date, int], ...]
    forecast: tuple[tuple[date, int], ...]  # due cards per day from today (overdue counted today)
    leeches: tuple[CardLapses, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)


# --- the measures --------------------------------------------------------------------------------------


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with a review, ending today or yesterday."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def pace(deck: Assigned, introduced: int, today: date) -> Pace | None:
    """Introduced cards against the share of the assignment's time elapsed; None without a date."""
    if deck.due is None:
        return None
    span = (deck.due - deck.assigned).days
    elapsed = 1.0 if span <= 0 else min(1.0, max(0.0, (today - deck.assigned).days / span))
    expected = deck.cards * elapsed
    return Pace(
        deck.deck, deck.due, introduced, deck.cards, expected, introduced / expected if expected else None
    )


def reasons(progress: LearnerProgress, thresholds: Thresholds) -> tuple[str, ...]:
    """Why a learner is at risk, each reason in words with its figure."""
    found = []
    if progress.days_inactive is not None and progress.days_inactive >= thresholds.inactive_days:
        found.append(f"inactive {progress.days_inactive} days")
    backlog = thresholds.backlog_days * progress.workload
    if progress.overdue > backlog:
        found.append(
            f"{progress.overdue} overdue > {thresholds.backlog_days:g} days of workload "
            f"({progress.workload:.1f}/day)"
        )
    if (
        progress.retention is not None
        and progress.retention_reviews >= thresholds.min_retention_reviews
        and progress.retention < thresholds.min_retention
    ):
        found.append(f"retention {progress.retention:.0%} on {progress.retention_reviews} reviews")
    for item in progress.pace:
        if item.behind > thresholds.pace_margin:
            found.append(
                f"behind pace on {item.deck} by {item.behind:.0%} "
                f"({item.introduced} of {item.expected:.0f} cards)"
            )
    return tuple(found)


def assigned(
    rows: Iterable[tuple[int, str, str, date | None, date]], sections: Iterable[SectionInfo]
) -> list[Assigned]:
    """The assigned decks, from (deck id, slug, name, due date, assigned day), with their live cards."""
    cards: dict[str, int] = {}
    for s in sections:
        cards[s.deck] = cards.get(s.deck, 0) + s.cards
    return [Assigned(slug, name, cards.get(slug, 0), start, due) for _id, slug, name, due, start in rows]


def build(
    title: str,
    today: date,
    since: date,
    people: list[Person],
    decks: list[Assigned],
    sections: list[SectionInfo],
    states: list[StateCounts],
    days: list[DayCounts],
    section_retention: list[SectionRetention],
    forecast: Mapping[date, int],
    leeches: list[CardLapses],
    thresholds: Thresholds,
    extra_days: Mapping[int, Iterable[date]] | None = None,
) -> ProgressReport:
    """The report from what the store counted. ``days`` covers ``since`` (or the workload's
    week, whichever is longer) to today; ``extra_days`` holds older active days, for streaks."""
    cards_total = sum(s.cards for s in sections)
    section_deck = {s.id: s.deck for s in sections}
    section_cards = {s.id: s.cards for s in sections}
    by_learner_states: dict[int, list[StateCounts]] = {}
    for row in states:
        by_learner_states.setdefault(row.learner_id, []).append(row)
    by_learner_days: dict[int, list[DayCounts]] = {}
    for day_row in days:
        by_learner_days.setdefault(day_row.learner_id, []).append(day_row)
    week_start = today - timedelta(days=WORKLOAD_DAYS - 1)
    learners = []
    for person in people:
        # One pass over the learner's rows (a cohort has tens of thousands of them).
        introduced = mature = overdue = 0
        introduced_by_deck: dict[str, int] = {}
        mastery: dict[int, float] = {}
        for row in by_learner_states.get(person.id, ()):
            introduced += row.introduced
            mature += row.mature
            overdue += row.overdue
            deck = section_deck.get(row.section_id)
            if deck is not None:
                introduced_by_deck[deck] = introduced_by_deck.get(deck, 0) + row.introduced
            cards = section_cards.get(row.section_id)
            if cards:
                mastery[row.section_id] = row.mature / cards
        reviews = retained = retained_of = counted = 0
        active = list((extra_days or {}).get(person.id, ()))
        for day_row in by_learner_days.get(person.id, ()):
            if day_row.day > today:
                continue
            if day_row.reviews:
                active.append(day_row.day)
            if day_row.day >= since:
                reviews += day_row.reviews
                retained += day_row.retained
                retained_of += day_row.retained_of
            if day_row.day >= week_start:
                counted += day_row.counted
        paces = tuple(p for d in decks if (p := pace(d, introduced_by_deck.get(d.deck, 0), today)))
        last = person.last_review
        idle_since = last or person.joined
        progress = LearnerProgress(
            name=person.name,
            cards=cards_total,
            introduced=introduced,
            mature=mature,
            overdue=overdue,
            reviews=reviews,
            retention=share(retained, retained_of),
            retention_reviews=retained_of,
            workload=counted / WORKLOAD_DAYS,
            streak=streak(active, today),
            last_review=last,
            days_inactive=max(0, (today - idle_since).days),
            pace=paces,
            mastery=mastery,
            reasons=(),
        )
        learners.append(replace(progress, reasons=reasons(progress, thresholds)))
    return ProgressReport(
        title=title,
        today=today,
        since=since,
        decks=tuple(decks),
        learners=tuple(learners),
        sections=_sections(sections, states, section_retention, len(people)),
        reviews_per_day=_per_day(days, since, today),
        forecast=_forecast(forecast, today),
        leeches=tuple(leeches),
        thresholds=thresholds,
    )


def _sections(
    sections: list[SectionInfo],
    states: list[StateCounts],
    section_retention: list[SectionRetention],
    learners: int,
) -> tuple[SectionMastery, ...]:
    mature: dict[int, int] = {}
    introduced: dict[int, int] = {}
    for row in states:
        mature[row.section_id] = mature.get(row.section_id, 0) + row.mature
        introduced[row.section_id] = introduced.get(row.section_id, 0) + row.introduced
    kept: dict[int, list[int]] = {}
    for item in section_retention:
        pair = kept.setdefault(item.section_id, [0, 0])
        pair[0] += item.retained
        pair[1] += item.retained_of
    found = []
    for s in sections:
        whole = s.cards * learners
        retained, of = kept.get(s.id, [0, 0])
        found.append(
            SectionMastery(
                s.id,
                s.deck,
                s.path,
                s.cards,
                share(mature.get(s.id, 0), whole) or 0.0,
                share(introduced.get(s.id, 0), whole) or 0.0,
                share(retained, of),
                of,
            )
        )
    return tuple(found)


def _per_day(days: list[DayCounts], since: date, today: date) -> tuple[tuple[date, int], ...]:
    totals: dict[date, int] = {}
    for row in days:
        totals[row.day] = totals.get(row.day, 0) + row.reviews
    span = (today - since).days + 1
    return tuple((since + timedelta(days=n), totals.get(since + timedelta(days=n), 0)) for n in range(span))


def _forecast(due: Mapping[date, int], today: date) -> tuple[tuple[date, int], ...]:
    counts = [0] * REPORT_FORECAST_DAYS
    for day, count in due.items():
        offset = max(0, (day - today).days)  # overdue cards are due today
        if offset < REPORT_FORECAST_DAYS:
            counts[offset] += count
    return tuple((today + timedelta(days=n), counts[n]) for n in range(REPORT_FORECAST_DAYS))


def leech_rows(rows: Iterable[CardLapses]) -> tuple[CardLapses, ...]:
    """Cards many learners lapse on, worst first: the passages of the source to look at again."""
    found = [
        r
        for r in rows
        if r.lapsed >= LEECH_MIN_LEARNERS and r.learners and r.lapsed / r.learners >= LEECH_MIN_RATE
    ]
    found.sort(key=lambda r: (-r.lapsed / r.learners, -r.lapses, r.key))
    return tuple(found[:LEECHES_SHOWN])
