"""A progress report as one self-contained HTML page: no scripts, nothing loaded, its charts SVG
drawn into the file."""

from __future__ import annotations

import html
from datetime import date

from quiz.core.controls import NAME_CONTROL, escaped
from quiz.core.drafts import breadcrumb
from quiz.core.measures import ProgressReport
from quiz.render.reports import last_seen, pace_text, percent, section_name

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


def escape(text: str) -> str:
    """Text for HTML: markup escaped, and control characters (not HTML's text) shown as ``\\xNN``."""
    return html.escape(escaped(text, NAME_CONTROL))


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
                f'fill="{_shade(value)}"><title>{escape(person.name)} · {escape(section_name(s.path))}: '
                f"{value:.0%} mature</title></rect>"
            )
    y = top + len(report.learners) * cell
    out.append(f'<text x="{left - 6}" y="{y + cell - 4}" text-anchor="end" font-weight="bold">cohort</text>')
    for column, s in enumerate(sections):
        out.append(
            f'<rect x="{left + column * cell}" y="{y + 2}" width="{cell - 1}" height="{cell - 1}" '
            f'fill="{_shade(s.mastery)}"><title>{escape(breadcrumb(s.path))}: {s.mastery:.0%} mature, '
            f"retention {percent(s.retention)}</title></rect>"
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
                _td(f"{percent(p.retention)} ({p.retention_reviews})"),
                _td(p.reviews),
                _td(f"{p.workload:.1f}"),
                _td(p.streak),
                _td(p.overdue),
                _td(last_seen(p)),
                _td(pace_text(p), True),
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
                _td(section_name(s.path), True),
                _td(s.cards),
                _td(percent(s.introduced)),
                _td(percent(s.mastery)),
                _td(f"{percent(s.retention)} ({s.retention_reviews})"),
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
                    _td(section_name(c.section), True),
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
