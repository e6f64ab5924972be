"""Progress reports as a terminal table, CSV, JSON, or one self-contained HTML page with charts.

The HTML page has no scripts and loads nothing: its charts are SVG drawn into the file.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape
from typing import Any

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.core.measures import LearnerProgress, ProgressReport
from quiz.render.columns import columns
from quiz.render.data import to_json as emit


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _pace(person: LearnerProgress) -> str:
    """Introduced cards over those expected by today, per assigned deck with a date."""
    return ", ".join("–" if p.ratio is None else f"{p.ratio:.0%}" for p in person.pace) or "–"


def _ago(person: LearnerProgress) -> str:
    if person.last_review is None:
        return "never"
    return "today" if not person.days_inactive else f"{person.days_inactive}d ago"


def short(path: str) -> str:
    """A section's path without the document's title, which every section shares."""
    return path.split(BREADCRUMB_SEPARATOR, 1)[1] if BREADCRUMB_SEPARATOR in path else path


# --- data for programs ---------------------------------------------------------------------------------


def as_data(report: ProgressReport) -> dict[str, Any]:
    paths = {s.section_id: s.path for s in report.sections}
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
                "section": s.path,
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
                "section": c.section,
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
    """One row per learner, with a mastery column per section: a spreadsheet's view."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
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
            *(f"mastery: {s.path}" for s in report.sections),
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
                _pace(p),
                *(f"{p.mastery.get(s.section_id, 0.0):.4f}" for s in report.sections),
            ]
        )
    return out.getvalue().rstrip("\n")


# --- the terminal --------------------------------------------------------------------------------------


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
                f"{_pct(p.retention)} ({p.retention_reviews})",
                f"{p.workload:.1f}",
                str(p.streak),
                str(p.overdue),
                _ago(p),
                _pace(p),
                "yes" if p.at_risk else "no",
            ]
            for p in report.learners
        ],
        title=f"{report.title}: {report.today.isoformat()} (reviews since {report.since.isoformat()})",
        left={0, 9},
    )
    risks = [f"  {p.name}: {'; '.join(p.reasons)}" for p in report.learners if p.at_risk]
    parts = [people, "\n".join(["At risk:", *risks]) if risks else "No learner is at risk."]
    parts.append(
        columns(
            ["Section", "Cards", "Introduced", "Mastery", "Retention"],
            [
                [
                    short(s.path),
                    str(s.cards),
                    _pct(s.introduced),
                    _pct(s.mastery),
                    f"{_pct(s.retention)} ({s.retention_reviews})",
                ]
                for s in report.sections
            ],
            title="Sections: mature share of the cohort's cards, retention beside it",
        )
    )
    if report.leeches:
        parts.append(
            columns(
                ["Card", "Section", "Lapsed", "Lapses"],
                [
                    [_clip(c.front), short(c.section), f"{c.lapsed}/{c.learners}", str(c.lapses)]
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


# --- one self-contained page ------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;
color:#1d2733;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
.meta{color:#5b6675}table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #dde3ea;text-align:right;vertical-align:top}
th:first-child,td:first-child,td.text{text-align:left}th{background:#f3f6f9}
.risk{color:#a1260d;font-weight:600}.ok{color:#2f7a3b}svg{display:block;margin:.5rem 0}
svg text{font:11px system-ui,sans-serif;fill:#1d2733}.legend{color:#5b6675;font-size:12px}
"""


def _shade(value: float) -> str:
    """Red (0) through amber to green (1)."""
    value = max(0.0, min(1.0, value))
    hue = int(value * 120)
    return f"hsl({hue},65%,{88 - int(value * 30)}%)"


def _grid(report: ProgressReport) -> str:
    """The learner-by-section mastery grid: one cell per learner and section."""
    cell, left, top = 16, 170, 14
    sections = report.sections
    width = left + cell * len(sections) + 10
    height = top + cell * (len(report.learners) + 1) + 10
    out = [
        f'<svg id="mastery-grid" role="img" aria-label="Mastery by learner and section" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for column in range(len(sections)):
        x = left + column * cell
        out.append(f'<text x="{x + cell / 2}" y="{top - 3}" text-anchor="middle">{column + 1}</text>')
    for row, person in enumerate(report.learners):
        y = top + row * cell
        out.append(f'<text x="{left - 6}" y="{y + cell - 4}" text-anchor="end">{escape(person.name)}</text>')
        for column, s in enumerate(sections):
            value = person.mastery.get(s.section_id, 0.0)
            out.append(
                f'<rect x="{left + column * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{_shade(value)}"><title>{escape(person.name)} · {escape(short(s.path))}: '
                f"{value:.0%} mature</title></rect>"
            )
    y = top + len(report.learners) * cell
    out.append(f'<text x="{left - 6}" y="{y + cell - 4}" text-anchor="end" font-weight="bold">cohort</text>')
    for column, s in enumerate(sections):
        out.append(
            f'<rect x="{left + column * cell}" y="{y + 2}" width="{cell - 1}" height="{cell - 1}" '
            f'fill="{_shade(s.mastery)}"><title>{escape(s.path)}: {s.mastery:.0%} mature, retention '
            f"{_pct(s.retention)}</title></rect>"
        )
    out.append("</svg>")
    return "".join(out)


def _bars(chart_id: str, label: str, points: tuple[tuple[date, int], ...], fill: str) -> str:
    """A bar chart of counts per day, with the largest value and the first and last days marked."""
    width, height, left, bottom = 720, 180, 44, 22
    peak = max((n for _d, n in points), default=0) or 1
    step = (width - left - 4) / max(1, len(points))
    out = [
        f'<svg id="{chart_id}" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8895a7"/>',
        f'<text x="{left - 4}" y="12" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for index, (day, count) in enumerate(points):
        bar = (height - bottom - 8) * count / peak
        x = left + index * step
        out.append(
            f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{max(1.0, step - 1):.1f}" '
            f'height="{bar:.1f}" fill="{fill}"><title>{day.isoformat()}: {count}</title></rect>'
        )
    if points:
        out.append(f'<text x="{left}" y="{height - 6}">{points[0][0].isoformat()}</text>')
        out.append(
            f'<text x="{width - 4}" y="{height - 6}" text-anchor="end">{points[-1][0].isoformat()}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _rows(cells: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cells_row) + "</tr>" for cells_row in cells)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: object, text: bool = False, css: str = "") -> str:
    classes = " ".join(c for c in ("text" if text else "", css) if c)
    return f"<td{f' class={chr(34)}{classes}{chr(34)}' if classes else ''}>{escape(str(value))}</td>"


def to_html(report: ProgressReport) -> str:
    at_risk = [p for p in report.learners if p.at_risk]
    learners = _rows(
        [
            [
                _td(p.name, True),
                _td(f"{p.introduced}/{p.cards}"),
                _td(p.mature),
                _td(f"{_pct(p.retention)} ({p.retention_reviews})"),
                _td(p.reviews),
                _td(f"{p.workload:.1f}"),
                _td(p.streak),
                _td(p.overdue),
                _td(_ago(p)),
                _td(_pace(p), True),
                _td("; ".join(p.reasons) or "on track", True, "risk" if p.at_risk else "ok"),
            ]
            for p in report.learners
        ],
        [
            "Learner",
            "Introduced",
            "Mature",
            "Retained",
            "Reviews",
            "Per day",
            "Streak",
            "Overdue",
            "Last review",
            "Pace",
            "At risk",
        ],
    )
    sections = _rows(
        [
            [
                _td(index + 1),
                _td(short(s.path), True),
                _td(s.cards),
                _td(_pct(s.introduced)),
                _td(_pct(s.mastery)),
                _td(f"{_pct(s.retention)} ({s.retention_reviews})"),
            ]
            for index, s in enumerate(report.sections)
        ],
        ["#", "Section", "Cards", "Introduced", "Mastery", "Retention"],
    )
    leeches = (
        _rows(
            [
                [
                    _td(c.front, True),
                    _td(short(c.section), True),
                    _td(f"{c.lapsed}/{c.learners}"),
                    _td(c.lapses),
                ]
                for c in report.leeches
            ],
            ["Card", "Section", "Lapsed", "Lapses"],
        )
        if report.leeches
        else "<p>No card is failed by many learners.</p>"
    )
    risk = (
        (
            "<ul>"
            + "".join(f"<li><b>{escape(p.name)}</b>: {escape('; '.join(p.reasons))}</li>" for p in at_risk)
            + "</ul>"
        )
        if at_risk
        else "<p>No learner is at risk.</p>"
    )
    decks = (
        ", ".join(
            f"{escape(d.name)} ({d.cards} cards" + (f", due {d.due.isoformat()})" if d.due else ")")
            for d in report.decks
        )
        or "no deck assigned"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Progress: {escape(report.title)}</title><style>{STYLE}</style></head><body>
<h1>Progress: {escape(report.title)}</h1>
<p class="meta">On {report.today.isoformat()}; reviews and retention since {report.since.isoformat()}.
Decks: {decks}. {len(report.learners)} learners, {len(at_risk)} at risk.</p>
<h2>At risk</h2>{risk}
<h2>Mastery by learner and section</h2>
<p class="legend">Each cell: the share of the section's cards that are mature (interval of 21 days or more);
red is none, green all. The last row is the cohort. Columns are numbered as in the sections table.</p>
{_grid(report)}
<h2>Reviews per day</h2>{_bars("reviews-per-day", "Reviews per day", report.reviews_per_day, "#3b6ea8")}
<h2>Forecast: cards due</h2>
<p class="legend">Cards falling due each day from today; overdue cards count today.</p>
{_bars("forecast", "Cards due per day", report.forecast, "#c07a1a")}
<h2>Learners</h2>{learners}
<h2>Sections</h2>{sections}
<h2>Cohort leeches</h2>{leeches}
</body></html>
"""
