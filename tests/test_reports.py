"""The progress measures, each against a small case worked out by hand (../shared/specs/progress.md)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quiz.core import measures as reports
from quiz.core.measures import Assigned, LearnerProgress, Pace, Thresholds
from quiz.services import cohorts, learners
from quiz.services.reports import cohort_report, learner_stats
from quiz.services.review import ReviewOptions, answer_writer, start_review
from quiz.store import open_db
from tests.conftest import Invoke, ho_card_count

DAY = date(2026, 11, 10)


def _progress(**changes: object) -> LearnerProgress:
    base = LearnerProgress(
        name="ana",
        cards=100,
        introduced=50,
        mature=10,
        overdue=0,
        reviews=40,
        retention=0.9,
        retention_reviews=40,
        workload=5.0,
        streak=3,
        last_review=DAY,
        days_inactive=0,
        pace=(),
        mastery={},
        reasons=(),
    )
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def test_streak_counts_days_ending_today_or_yesterday() -> None:
    days = [DAY - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert reports.streak(days, DAY) == 3  # yesterday, the day before and the one before that
    assert reports.streak([*days, DAY], DAY) == 4
    assert reports.streak([DAY - timedelta(days=2)], DAY) == 0
    assert reports.streak([], DAY) == 0


def test_pace_is_introduced_cards_against_time_elapsed() -> None:
    deck = Assigned("ho", "HO", 100, assigned=date(2026, 11, 1), due=date(2026, 11, 21))
    half_way = reports.pace(deck, 39, DAY + timedelta(days=1))  # 10 of 20 days: 50 cards expected
    assert half_way is not None
    assert half_way.expected == 50 and half_way.ratio == pytest.approx(0.78)
    assert half_way.behind == pytest.approx(0.22)
    late = reports.pace(deck, 100, date(2026, 12, 31))
    assert late is not None and late.expected == 100 and late.behind == 0
    assert reports.pace(Assigned("ho", "HO", 100, date(2026, 11, 1), None), 5, DAY) is None


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"days_inactive": 3}, "inactive 3 days"),
        ({"days_inactive": 2}, None),
        ({"overdue": 11, "workload": 5.0}, "11 overdue > 2 days of workload (5.0/day)"),
        ({"overdue": 10, "workload": 5.0}, None),  # exactly two days of workload is not larger
        ({"retention": 0.79, "retention_reviews": 20}, "retention 79% on 20 reviews"),
        ({"retention": 0.79, "retention_reviews": 19}, None),  # too few reviews to judge
        ({"retention": 0.80, "retention_reviews": 100}, None),
        ({"pace": (Pace("ho", DAY, 39, 100, 50.0, 0.78),)}, "behind pace on ho by 22% (39 of 50 cards)"),
        ({"pace": (Pace("ho", DAY, 40, 100, 50.0, 0.80),)}, None),  # 20% behind is within the margin
    ],
)
def test_each_at_risk_reason(changes: dict[str, object], reason: str | None) -> None:
    found = reports.reasons(_progress(**changes), Thresholds())
    assert found == ((reason,) if reason else ())


def test_thresholds_are_configurable() -> None:
    assert reports.reasons(_progress(days_inactive=2), Thresholds(inactive_days=2)) == ("inactive 2 days",)
    assert reports.reasons(_progress(retention=0.85), Thresholds(min_retention=0.9)) == (
        "retention 85% on 40 reviews",
    )


def test_pseudonyms_are_stable_and_hide_the_name() -> None:
    from quiz.core.signing import pseudonym

    key = bytes(range(32))
    first = pseudonym("learner", "Ana Souza", key)
    assert first == pseudonym("learner", "Ana Souza", key) and "Ana" not in first
    assert first != pseudonym("learner", "Ben Okafor", key)
    assert first != pseudonym("learner", "Ana Souza", bytes(32))  # another cohort's key


# --- in a database, through the services ----------------------------------------------------------------


def _answer(ho_url: str, learner: str, now: datetime, grades: list[int]) -> list[int]:
    """One sitting at ``now``: the first cards of the queue graded in turn; returns their ids."""
    shown = []
    with open_db(ho_url) as db:
        sitting = start_review(db, ReviewOptions(learner=learner, new_per_day=20), now)
        writer = answer_writer(db)
        for grade in grades:
            card = sitting.current()
            assert card is not None
            shown.append(card.card_id)
            sitting.answer(writer, grade, now, 4.0)
    return shown


def _cohort(ho_url: str, *names: str) -> None:
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    with open_db(ho_url) as db:
        cohorts.create(db, "ortho", start)
        cohorts.add(db, "ortho", names, start)
        cohorts.assign(db, "ortho", "heterotopic-ossification", None, start)


def _report(ho_url: str, now: datetime) -> reports.ProgressReport:
    reader = open_db(ho_url)
    try:
        return cohort_report(reader, "ortho", now)
    finally:
        reader.close()


def test_retention_counts_only_the_first_review_of_a_day(ho_url: str) -> None:
    with open_db(ho_url) as db:
        learners.add(db, "ana", datetime(2026, 11, 1, tzinfo=UTC))
    _cohort(ho_url, "ana")
    monday = datetime(2026, 11, 2, 10, tzinfo=UTC)
    _answer(ho_url, "ana", monday, [4])  # first sight: passed, not counted for retention
    # Tuesday it is due: failed (counted: 0 of 1), then repeated and passed the same day (not counted).
    tuesday = monday + timedelta(days=1)
    with open_db(ho_url) as db:
        sitting = start_review(db, ReviewOptions(learner="ana", new_per_day=0), tuesday)
        writer = answer_writer(db)
        sitting.answer(writer, 1, tuesday, 3.0)
        assert sitting.current() is not None  # the same-day repeat
        sitting.answer(writer, 5, tuesday + timedelta(minutes=2), 3.0)
    ana = _report(ho_url, tuesday + timedelta(hours=1)).learners[0]
    assert (ana.retention, ana.retention_reviews, ana.reviews) == (0.0, 1, 3)
    assert ana.introduced == 1 and ana.workload == pytest.approx(2 / 7)  # two counted reviews


def test_mature_from_21_days(ho_url: str) -> None:
    with open_db(ho_url) as db:
        learners.add(db, "ana", datetime(2026, 11, 1, tzinfo=UTC))
    _cohort(ho_url, "ana")
    shown = _answer(ho_url, "ana", datetime(2026, 11, 2, 10, tzinfo=UTC), [5, 5, 5])
    with open_db(ho_url) as db, db.transaction():  # three states as after long runs of passes
        for card_id, interval in zip(shown, (20, 21, 60), strict=True):
            db.execute(
                'UPDATE card_states SET "interval" = :i WHERE card_id = :c', {"i": interval, "c": card_id}
            )
    report = _report(ho_url, datetime(2026, 11, 2, 12, tzinfo=UTC))
    assert report.learners[0].mature == 2
    sections = {s.section_id: s for s in report.sections}
    mature_share = sum(s.mastery * s.cards for s in sections.values())
    assert mature_share == pytest.approx(2)


def test_a_day_of_two_decks_counts_once_per_day_and_by_deck(ho_url: str, tmp_path: Path) -> None:
    """A day spent on two decks is one active day; a report of one deck counts its reviews only."""
    from quiz.services.importing import import_documents

    second = tmp_path / "wound-care.md"
    second.write_text(
        "# Wound Care\n\n## Dressings\n\n- Hydrocolloid dressings keep the wound **moist**\n",
        encoding="utf-8",
    )
    with open_db(ho_url) as db:
        import_documents(db, [second])
        learners.add(db, "ana", datetime(2026, 11, 1, tzinfo=UTC))
    now = datetime(2026, 11, 5, 12, tzinfo=UTC)
    with open_db(ho_url) as db:
        for deck in ("heterotopic-ossification", "wound-care"):
            sitting = start_review(db, ReviewOptions(deck=deck, learner="ana", new_per_day=5), now)
            sitting.answer(answer_writer(db), 4, now, 3.0)
    later = now + timedelta(hours=1)
    with open_db(ho_url) as db:
        both = learner_stats(db, "ana", later).learners[0]
        one = learner_stats(db, "ana", later, deck="wound-care").learners[0]
    assert (both.reviews, both.streak, both.workload) == (2, 1, pytest.approx(2 / 7))
    assert (one.reviews, one.streak, one.introduced) == (1, 1, 1)


def test_streak_across_the_4am_day_boundary(ho_url: str) -> None:
    """23:30 and 03:30 the next night are one learner day; 05:00 that morning starts the next."""
    with open_db(ho_url) as db:
        learners.add(db, "ana", datetime(2026, 11, 1, tzinfo=UTC))
    evening = datetime(2026, 11, 5, 23, 30).astimezone()  # local time, as the learner lives it
    _answer(ho_url, "ana", evening, [4])
    _answer(ho_url, "ana", evening + timedelta(hours=4), [4])  # 03:30: still the 5th
    night = _stats(ho_url, evening + timedelta(hours=4, minutes=10))
    assert (night.streak, night.last_review) == (1, date(2026, 11, 5))
    _answer(ho_url, "ana", evening + timedelta(hours=5, minutes=30), [4])  # 05:00: the 6th
    morning = _stats(ho_url, evening + timedelta(hours=6))
    assert (morning.streak, morning.last_review) == (2, date(2026, 11, 6))
    two_days_later = _stats(ho_url, evening + timedelta(days=2, hours=6))
    assert (two_days_later.streak, two_days_later.days_inactive) == (0, 2)


def _stats(ho_url: str, now: datetime) -> LearnerProgress:
    reader = open_db(ho_url)
    try:
        return learner_stats(reader, "ana", now).learners[0]
    finally:
        reader.close()


def test_cohort_leeches_are_the_cards_many_learners_lapse_on(ho_url: str) -> None:
    names = ("ana", "ben", "cy")
    with open_db(ho_url) as db:
        for name in names:
            learners.add(db, name, datetime(2026, 11, 1, tzinfo=UTC))
    _cohort(ho_url, *names)
    first = datetime(2026, 11, 2, 10, tzinfo=UTC)
    for name in names:
        _answer(ho_url, name, first, [5, 5])
    # The next day: ana and ben fail the first card (a lapse), cy recalls it; all pass the second.
    for name, grade in zip(names, (1, 2, 5), strict=True):
        _answer(ho_url, name, first + timedelta(days=1), [grade, 5])
    report = _report(ho_url, first + timedelta(days=1, hours=2))
    assert len(report.leeches) == 1
    leech = report.leeches[0]
    assert (leech.learners, leech.lapsed, leech.lapses) == (3, 2, 2)
    assert "Heterotopic Ossification" in leech.section


def test_report_formats_from_the_command_line(quiz: Invoke, tmp_path: Path) -> None:
    made = quiz("simulate", "--learners", "5", "--days", "20", "--cohort", "ortho")
    assert made.exit_code == 0 and "Simulated cohort ortho: 5 learners, 20 days" in made.output
    data = json.loads(quiz("cohort", "report", "ortho", "--format", "json").output)
    names = [p["name"] for p in data["learners"]]
    assert names == [f"ortho-00{n}" for n in range(1, 6)]
    assert len(data["reviews_per_day"]) == 30 and len(data["forecast"]) == 14
    assert all(0 <= p["introduced"] <= p["cards"] == ho_card_count() for p in data["learners"])
    rows = list(csv.reader(io.StringIO(quiz("cohort", "report", "ortho", "--format", "csv").output)))
    assert rows[0][:3] == ["learner", "at_risk", "reasons"] and len(rows) == 6
    assert sum(1 for column in rows[0] if column.startswith("mastery: ")) == len(data["sections"])
    table = quiz("cohort", "report", "ortho").output
    assert "ortho-003" in table and "Sections: mature share" in table
    hidden = json.loads(quiz("cohort", "report", "ortho", "--format", "json", "--anonymize").output)
    assert not any("ortho" in p["name"] for p in hidden["learners"])
    again = json.loads(quiz("cohort", "report", "ortho", "--format", "json", "--anonymize").output)
    assert [p["name"] for p in again["learners"]] == [p["name"] for p in hidden["learners"]]
    target = tmp_path / "out" / "report.html"
    no_folder = quiz("cohort", "report", "ortho", "--format", "html", "-o", str(target))
    assert no_folder.exit_code == 1 and "no such folder" in no_folder.output
    target.parent.mkdir()
    written = quiz("cohort", "report", "ortho", "--format", "html", "-o", str(target))
    assert written.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    own = json.loads(quiz("stats", "--learner", "ortho-002", "--format", "json").output)
    assert [p["name"] for p in own["learners"]] == ["ortho-002"]
    assert own["learners"][0] == next(p for p in data["learners"] if p["name"] == "ortho-002")
    for args, message, code in (
        (("stats", "--learner", "zed"), "no learner 'zed' (the learners are: ", 1),
        (("cohort", "report", "ortho", "--since", "2999-01-01"), "is after today", 2),  # a bad option
        (("cohort", "report", "ortho", "--deck", "cardio"), "no deck 'cardio'", 1),
    ):
        result = quiz(*args)
        assert result.exit_code == code and message in result.output, result.output


def test_the_next_command_suggested_pastes_as_it_is(quiz: Invoke) -> None:
    """A cohort named with spaces: the command quiz suggests next must run when pasted."""
    import shlex

    made = quiz("cohort", "create", "Ortho Block 2026")
    assert made.exit_code == 0
    suggested = made.stdout.split("Next: ", 1)[1].strip()
    assert shlex.split(suggested)[:4] == ["quiz", "cohort", "add", "Ortho Block 2026"]


def test_csv_leaves_what_is_unknown_empty(quiz: Invoke) -> None:
    """No dated assignment, no review: pace and retention are unknown, and both are empty cells
    (a spreadsheet reads "–" as text)."""
    for command in (("cohort", "create", "nurses"), ("cohort", "add", "nurses", "alice")):
        assert quiz(*command).exit_code == 0
    assert quiz("cohort", "assign", "nurses", "heterotopic-ossification").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(quiz("cohort", "report", "nurses", "--format", "csv").output)))
    assert [(row["learner"], row["pace"], row["retention"]) for row in rows] == [("alice", "", "")]
