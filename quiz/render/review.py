"""The review loop's and the status report's text. Returns strings; no queries, no printing."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.core.measures import STATUS_FORECAST_DAYS
from quiz.render.columns import columns, terminal_width
from quiz.render.data import to_json
from quiz.render.style import paint

if TYPE_CHECKING:
    from quiz.core.answers import Comparison
    from quiz.services.learners import SuspendedReport
    from quiz.services.review import Answered, ReviewCard, ReviewSession, ReviewSummary
    from quiz.services.status import StatusReport

GRADES = (
    "0 blackout",
    "1 wrong, recognised",
    "2 wrong, easy once seen",
    "3 right, hard",
    "4 right, hesitated",
    "5 perfect",
)
HELP = """Keys:
  Enter  show the answer (and, after a typed answer, accept the suggested grade)
  0-5    grade the card: 0 blackout, 1 wrong but recognised, 2 wrong but easy once seen,
         3 right with serious difficulty, 4 right after a hesitation, 5 perfect
  u      undo the last step        s  suspend this card      b  bury it until tomorrow
  ?      this help                 q  quit (Ctrl-C and Ctrl-D quit too)
Cards graded under 4 come back before the session ends."""


def duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def progress(done: int, left: int, seconds: float, color: bool = False) -> str:
    return paint(f"done {done} · left {left} · {duration(seconds)}", color, "dim")


def front(card: ReviewCard, color: bool = False) -> str:
    crumb = paint(card.breadcrumb, color, "cyan")
    return f"\n{crumb}\n{paint(card.front, color, 'bold')}"


def back(card: ReviewCard, color: bool = False) -> str:
    lines = card.back.split("\n")
    answer = "\n".join(f"  • {line}" for line in lines) if len(lines) > 1 else f"  {card.back}"
    refs = f"  [refs {', '.join(card.references)}]" if card.references else ""
    return paint(answer, color, "green") + paint(refs, color, "dim")


def front_prompt(color: bool = False) -> str:
    return paint("[Enter] show the answer · ? help", color, "dim")


def grade_prompt(comparison: Comparison | None, color: bool = False) -> str:
    legend = " · ".join(GRADES)
    if comparison is not None:
        legend = f"Enter accepts {comparison.suggested}, or grade: {legend}"
    return paint(legend, color, "dim")


def comparison(result: Comparison, color: bool = False) -> str:
    suggestion = f"Your answer is {result.similarity:.0f}% like it: suggested grade {result.suggested}."
    return paint(suggestion, color, "yellow")


def answered(item: Answered, color: bool = False) -> str:
    if item.leech:
        return paint(
            f"Leech: failed {item.after.state.failures if item.after else '?'} times, "
            "suspended (quiz leeches lists them).",
            color,
            "red",
        )
    if item.kind == "cram":
        return paint("Practised (cram: nothing rescheduled).", color, "dim")
    if item.kind == "repeat":
        again = " It comes back once more." if item.grade < 4 else ""
        return paint(f"Repeat logged.{again}", color, "dim")
    state = item.after.state if item.after else None
    when = f"next in {state.interval} day{'s' if state.interval != 1 else ''}" if state else ""
    again = "; again before the session ends" if item.grade < 4 else ""
    return paint(f"Saved: {when}{again}.", color, "dim")


def undone(item: Answered) -> str:
    return f"Undone: your grade {item.grade} on this card is taken back."


def problem(message: str, color: bool = False) -> str:
    return paint(message, color, "red")


def help_text() -> str:
    return HELP


def nothing_due(review: ReviewSession) -> str:
    if review.cram:
        return "No cards to practise here."
    return "Nothing due now: no reviews, and no new cards left for today. Come back tomorrow."


def summary(result: ReviewSummary) -> str:
    if not result.answered:
        share = "no answers"
    else:
        share = f"{result.answered} answer{'s' if result.answered != 1 else ''} on {result.cards} "
        share += f"card{'s' if result.cards != 1 else ''}, {(result.correct_share or 0):.0%} correct"
    lines = [
        f"Session for {result.learner}: {share}, {duration(result.seconds)}.",
        f"Streak: {result.streak} day{'s' if result.streak != 1 else ''}. "
        f"Due tomorrow: {result.due_tomorrow}; "
        f"in the next {STATUS_FORECAST_DAYS} days: {result.due_next_7_days}.",
    ]
    if result.leeches:
        lines.append(f"Leeches suspended: {', '.join(result.leeches)}.")
    return "\n".join(lines)


def status_table(report: StatusReport, color: bool = False) -> str:
    days = [(report.today + timedelta(days=d)).strftime("%a") for d in range(1, STATUS_FORECAST_DAYS + 1)]
    rows: list[list[str]] = []
    strong: set[int] = set()
    decks = dict.fromkeys(row.deck for row in report.rows)
    for deck in decks:
        sections = [row for row in report.rows if row.deck == deck]
        totals = [sum(getattr(r, f) for r in sections) for f in ("new", "due", "overdue", "suspended")]
        forecast = [sum(r.forecast[i] for r in sections) for i in range(STATUS_FORECAST_DAYS)]
        strong.add(len(rows))
        rows.append([sections[0].name, *map(str, totals), *map(str, forecast)])
        for row in sections:
            path = row.section
            # The deck's row is the sum of every row under it (as of the JSON's entries); the cards
            # under the title itself get a row of their own, so the rows shown add up to it.
            rows.append(
                [
                    "  (under the title)" if len(path) == 1 else "  " * (len(path) - 1) + path[-1],
                    str(row.new),
                    str(row.due),
                    str(row.overdue),
                    str(row.suspended),
                    *[str(n) for n in row.forecast],
                ]
            )
    return columns(
        ["deck and section", "new", "due", "overdue", "suspended", *days],
        rows,
        title=f"Status for {report.learner}, {report.today.isoformat()}",
        strong=strong,
        width=terminal_width(),
        color=color,
    )


def status_json(report: StatusReport) -> str:
    return to_json(
        {
            "learner": report.learner,
            "today": report.today,
            "sections": [
                {
                    "deck": r.deck,
                    "section": list(r.section),
                    "new": r.new,
                    "due": r.due,
                    "overdue": r.overdue,
                    "suspended": r.suspended,
                    "forecast": {
                        (report.today + timedelta(days=i + 1)).isoformat(): n
                        for i, n in enumerate(r.forecast)
                    },
                }
                for r in report.rows
            ],
        }
    )


def suspended_table(report: SuspendedReport, color: bool = False) -> str:
    what = "Leeches" if report.leeches_only else "Suspended cards"
    if not report.cards:
        return f"{what} of {report.learner}: none."
    return columns(
        ["key", "section", "front", "back"],
        [[c.key, BREADCRUMB_SEPARATOR.join(c.section), c.front, c.back] for c in report.cards],
        title=paint(f"{what} of {report.learner}", color, "bold"),
        left={0, 1, 2, 3},
        wrap={1, 2, 3},
        width=terminal_width(),
        spaced=True,
    )


def suspended_json(report: SuspendedReport) -> str:
    return to_json(report)
