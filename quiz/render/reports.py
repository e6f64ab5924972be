"""Progress reports as a terminal table, CSV or JSON (the HTML page is in report_html)."""

from __future__ import annotations

import csv
import io
from typing import Any

from quiz.core.drafts import breadcrumb
from quiz.core.measures import LearnerProgress, ProgressReport
from quiz.render.columns import columns, terminal_width
from quiz.render.data import to_json as emit
from quiz.render.terminal import clipped, shown


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def pace_text(person: LearnerProgress) -> str:
    """Introduced cards over those expected by today, per assigned deck with a date."""
    return ", ".join("–" if p.ratio is None else f"{p.ratio:.0%}" for p in person.pace) or "–"


def last_seen(person: LearnerProgress) -> str:
    if person.last_review is None:
        return "never"
    return "today" if not person.days_inactive else f"{person.days_inactive}d ago"


def section_name(path: tuple[str, ...]) -> str:
    """A section named with its deck ("Heterotopic Ossification > Management"), so two decks'
    sections of one title stay apart."""
    return breadcrumb(path)


# --- data for programs ---------------------------------------------------------------------------------


def as_data(report: ProgressReport) -> dict[str, Any]:
    paths = {s.section_id: breadcrumb(s.path) for s in report.sections}
    return {
        "title": report.title,
        "today": report.today.isoformat(),
        "since": report.since.isoformat(),
        "thresholds": vars(report.thresholds),
        "decks": [
            {
                "deck": d.deck,
                "name": d.name,
                "cards": d.cards,
                "assigned": d.assigned.isoformat(),
                "due": d.due.isoformat() if d.due else None,
            }
            for d in report.decks
        ],
        "learners": [
            {
                "name": p.name,
                "cards": p.cards,
                "introduced": p.introduced,
                "mature": p.mature,
                "overdue": p.overdue,
                "reviews": p.reviews,
                "retention": p.retention,
                "retention_reviews": p.retention_reviews,
                "workload": round(p.workload, 3),
                "streak": p.streak,
                "last_review": p.last_review.isoformat() if p.last_review else None,
                "days_inactive": p.days_inactive,
                "at_risk": p.at_risk,
                "reasons": list(p.reasons),
                "pace": [
                    {
                        "deck": x.deck,
                        "due": x.due.isoformat(),
                        "introduced": x.introduced,
                        "expected": round(x.expected, 2),
                        "ratio": x.ratio,
                    }
                    for x in p.pace
                ],
                "mastery": {paths[k]: round(v, 4) for k, v in p.mastery.items() if k in paths},
            }
            for p in report.learners
        ],
        "sections": [
            {
                "deck": s.deck,
                "section": breadcrumb(s.path),
                "cards": s.cards,
                "mastery": round(s.mastery, 4),
                "introduced": round(s.introduced, 4),
                "retention": s.retention,
                "retention_reviews": s.retention_reviews,
            }
            for s in report.sections
        ],
        "reviews_per_day": [{"day": d.isoformat(), "reviews": n} for d, n in report.reviews_per_day],
        "forecast": [{"day": d.isoformat(), "due": n} for d, n in report.forecast],
        "leeches": [
            {
                "key": c.key,
                "section": breadcrumb(c.section),
                "front": c.front,
                "learners": c.learners,
                "lapsed": c.lapsed,
                "lapses": c.lapses,
            }
            for c in report.leeches
        ],
    }


def to_json(report: ProgressReport) -> str:
    return emit(as_data(report))


def to_csv(report: ProgressReport) -> str:
    """One row per learner, with a mastery column per section: a spreadsheet's view. Each value is
    one line of text: control characters shown escaped, a header's line breaks made spaces."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [f"mastery: {' '.join(breadcrumb(s.path).split())}" for s in report.sections]
    writer.writerow(
        [
            "learner",
            "at_risk",
            "reasons",
            "introduced",
            "mature",
            "cards",
            "retention",
            "retention_reviews",
            "reviews",
            "workload",
            "streak",
            "overdue",
            "last_review",
            "pace",
            *header,
        ]
    )
    for p in report.learners:
        writer.writerow(
            [
                p.name,
                "yes" if p.at_risk else "no",
                "; ".join(p.reasons),
                p.introduced,
                p.mature,
                p.cards,
                "" if p.retention is None else f"{p.retention:.4f}",
                p.retention_reviews,
                p.reviews,
                f"{p.workload:.2f}",
                p.streak,
                p.overdue,
                p.last_review.isoformat() if p.last_review else "",
                # An unknown value is an empty cell here, as retention's: "–" is for people.
                ", ".join("" if x.ratio is None else f"{x.ratio:.0%}" for x in p.pace),
                *(f"{p.mastery.get(s.section_id, 0.0):.4f}" for s in report.sections),
            ]
        )
    return shown(out.getvalue().rstrip("\n"))


# --- the terminal --------------------------------------------------------------------------------------


def to_table(report: ProgressReport, color: bool = False) -> str:
    """The report for a terminal: learners, who is at risk and why, sections, cohort leeches."""
    # Plain aligned columns: rich takes a second to lay out the 500 rows of a large cohort.
    people = columns(
        [
            "Learner",
            "Introduced",
            "Mature",
            "Retained",
            "/day",
            "Streak",
            "Overdue",
            "Last",
            "Pace",
            "At risk",
        ],
        [
            [
                p.name,
                f"{p.introduced}/{p.cards}",
                str(p.mature),
                f"{percent(p.retention)} ({p.retention_reviews})",
                f"{p.workload:.1f}",
                str(p.streak),
                str(p.overdue),
                last_seen(p),
                pace_text(p),
                "yes" if p.at_risk else "no",
            ]
            for p in report.learners
        ],
        title=f"{shown(report.title)}: {report.today.isoformat()} (reviews since {report.since.isoformat()})",
        left={0, 9},
    )
    risks = [f"  {shown(p.name)}: {shown('; '.join(p.reasons))}" for p in report.learners if p.at_risk]
    parts = [people, "\n".join(["At risk:", *risks]) if risks else "No learner is at risk."]
    parts.append(
        columns(
            ["Section", "Cards", "Introduced", "Mastery", "Retention"],
            [
                [
                    section_name(s.path),
                    str(s.cards),
                    percent(s.introduced),
                    percent(s.mastery),
                    f"{percent(s.retention)} ({s.retention_reviews})",
                ]
                for s in report.sections
            ],
            title="Sections: mature share of the cohort's cards, retention beside it",
            wrap={0},
            width=terminal_width(),
        )
    )
    if report.leeches:
        parts.append(
            columns(
                ["Card", "Section", "Lapsed", "Lapses"],
                [
                    [clipped(c.front, 60), section_name(c.section), f"{c.lapsed}/{c.learners}", str(c.lapses)]
                    for c in report.leeches
                ],
                title="Cohort leeches: cards many learners lapse on",
                left={0, 1},
            )
        )
    total = sum(n for _d, n in report.reviews_per_day)
    parts.append(
        f"Reviews since {report.since.isoformat()}: {total}. Due in the next "
        f"{len(report.forecast)} days: {', '.join(str(n) for _d, n in report.forecast)}."
    )
    return "\n\n".join(parts)
