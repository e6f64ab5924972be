"""The review loop's and the status report's text. Returns strings; no queries, no printing."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import TYPE_CHECKING

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.core.measures import STATUS_FORECAST_DAYS
from quiz.render.columns import columns, terminal_width
from quiz.render.data import to_json
from quiz.render.style import paint
from quiz.render.terminal import shown

if TYPE_CHECKING:
    from quiz.core.answers import Comparison
    from quiz.services.learners import SuspendedReport
    from quiz.services.review import Action, Answered, ReviewCard, ReviewSession, ReviewSummary
    from quiz.services.status import StatusReport

GRADES = (
    "0 blackout",
    "1 wrong, recognised",
    "2 wrong, easy once seen",
    "3 right, hard",
    "4 right, hesitated",
    "5 perfect",
)
# At most 79 columns a line, so the keys read whole on an 80-column terminal.
HELP = """Keys:
  Enter  show the answer (after a typed answer: accept the suggested grade)
  0-5    grade the card: 0 blackout, 1 wrong but recognised,
         2 wrong but easy once seen, 3 right with serious difficulty,
         4 right after a hesitation, 5 perfect
  u      undo the last step     s  suspend this card   b  bury until tomorrow
  ?      this help              q  quit (Ctrl-C and Ctrl-D quit too)
Cards graded under 4 come back before the session ends."""
TYPED_HELP = """With --typed, at the answer prompt: q alone quits, u alone undoes the last
step, ? alone shows the keys; to answer "q", "u" or "?" itself, type \\q, \\u
or \\? (a leading backslash is dropped)."""
LEGEND_GAP = " · "


def duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def progress(done: int, left: int, seconds: float, color: bool = False) -> str:
    return paint(f"done {done} · left {left} · {duration(seconds)}", color, "dim")


def front(card: ReviewCard, color: bool = False) -> str:
    crumb = paint(shown(card.breadcrumb), color, "cyan")
    return f"\n{crumb}\n{paint(shown(card.front), color, 'bold')}"


def back(card: ReviewCard, color: bool = False) -> str:
    lines = shown(card.back).split("\n")
    answer = "\n".join(f"  • {line}" for line in lines) if len(lines) > 1 else f"  {lines[0]}"
    refs = f"  [refs {shown(', '.join(card.references))}]" if card.references else ""
    return paint(answer, color, "green") + paint(refs, color, "dim")


def front_prompt(color: bool = False) -> str:
    return paint("[Enter] show the answer · ? help", color, "dim")


def typed_prompt(color: bool = False) -> str:
    return paint("Your answer (Enter alone to just show it; ? help, u undo, q quit):", color, "dim")


def legend(items: list[str], width: int | None = None) -> str:
    """The items joined by " · ", a line broken only between two items (never inside one) so the
    lines fit ``width`` columns."""
    lines: list[str] = []
    for item in items:
        if lines and (width is None or len(lines[-1]) + len(LEGEND_GAP) + len(item) <= width):
            lines[-1] += LEGEND_GAP + item
        else:
            lines.append(item)
    return "\n".join(lines)


def grade_prompt(comparison: Comparison | None, color: bool = False, width: int | None = None) -> str:
    items = list(GRADES)
    if comparison is not None:
        items.insert(0, f"Enter accepts {comparison.suggested}, or grade:")
    return paint(legend(items, width), color, "dim")


SIDE_WIDTH = 34  # the "expected" column of a typed answer's block, before "you typed"
NARROW_COLUMN = 16  # narrower than this, a column would read a word a line: one under the other


def _cell(text: str, width: int) -> list[str]:
    """The text wrapped at spaces to ``width`` (a word longer than that is the only thing broken);
    a leading indent is kept."""
    indent = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(text, width, initial_indent="", subsequent_indent=indent) or [""]


def _block(rows: list[tuple[str, str, str]], width: int | None, color: bool) -> list[str]:
    """The rows (mark, expected, typed) beside each other, each column wrapped to fit ``width``;
    when two columns cannot share it, what was typed goes under what was expected."""
    longest_expected = max(len(e) for _m, e, _t in [("", "expected", ""), *rows])
    longest_typed = max(len(t) for _m, _e, t in [("", "", "you typed"), *rows])
    room = (width or 10**6) - 6  # "  ✓ " before, two spaces between
    left = min(SIDE_WIDTH if width is None else room, longest_expected)
    left = max(min(left, room - min(longest_typed, room // 2)), 1)
    right = room - left
    if width is not None and min(left, right) < min(NARROW_COLUMN, longest_expected, longest_typed):
        lines = [paint("  expected / you typed", color, "dim")]
        for mark, expected, typed in rows:
            style = "green" if mark == "✓" else "red"
            first, *more = _cell(expected, width - 4)
            lines.append(f"  {paint(mark, color, style)} {first}")
            lines.extend(f"    {line}" for line in more)
            lines.extend(f"      {line}" for line in _cell(typed, width - 6) if typed)
        return lines
    lines = [paint(f"  {'expected':{left + 2}}  you typed", color, "dim")]
    for mark, expected, typed in rows:
        style = "green" if mark == "✓" else "red"
        expected_lines = _cell(expected, left) if width is not None else [expected]
        typed_lines = _cell(typed, right) if width is not None else [typed]
        for n in range(max(len(expected_lines), len(typed_lines))):
            text = expected_lines[n] if n < len(expected_lines) else ""
            said = typed_lines[n] if n < len(typed_lines) else ""
            sign = paint(mark, color, style) if n == 0 else " "
            lines.append(f"  {sign} {text:{left}}  {said}".rstrip())
    return lines


def comparison(result: Comparison, color: bool = False, width: int | None = None) -> str:
    """A typed answer beside the expected one: each item (and each exact part) matched, missed or
    wrong, then the share recalled and the suggested grade. With a ``width``, the block fits it:
    each column wrapped at spaces, or what was typed under what was expected."""
    rows: list[tuple[str, str, str]] = []  # (mark, expected, typed)
    for item in result.items:
        wrong = [m for m in item.marks if m.status != "matched"]
        if len(wrong) == 1 and wrong[0].expected == item.expected:
            # The item is one exact part: its own row says what was typed.
            rows.append(("!", item.expected, f"{wrong[0].typed} (wrong)" if wrong[0].typed else "(missed)"))
            continue
        typed = item.typed if result.is_list else result.typed.strip()
        rows.append(("✓" if item.recalled else "✗", item.expected, typed or ("" if wrong else "(missed)")))
        rows.extend(
            ("!", f"  {m.expected}", f"{m.typed} (wrong)" if m.status == "wrong" else "(missed)")
            for m in wrong
        )
    rows.extend(("!", "  (not in the answer)", f"{extra} (wrong)") for extra in result.extra)
    lines = _block(rows, width, color)
    if result.is_list:
        missed = [i.expected for i in result.items if not i.recalled]
        share = f"{result.recalled} of {len(result.items)} recalled"
        share += f"; missed: {'; '.join(missed)}" if missed else ""
    else:
        share = f"{result.similarity:.0f}% alike"
    if result.wrong:
        share += "; a number, unit, symbol or term is wrong: no pass"
    elif not result.is_list and any(m.status == "missed" for m in result.items[0].marks):
        share += "; a number, unit, symbol or term is missing: no pass"
    share = f"{share} → suggested grade {result.suggested}."
    lines.append(paint("\n".join(_cell(share, width)) if width else share, color, "yellow"))
    return "\n".join(lines)


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


def undone(action: Action | None) -> str:
    """What `u` took back: each press goes one step further back, to the sitting's first."""
    if action is None:
        return "Nothing to undo."
    if action.answered is not None:
        return f"Undone: your grade {action.answered.grade} on this card is taken back."
    return f"Undone: the card is no longer {'suspended' if action.kind == 'suspend' else 'buried'}."


def problem(message: str, color: bool = False) -> str:
    return paint(shown(message), color, "red")


def help_text(typed: bool = False) -> str:
    return f"{HELP}\n{TYPED_HELP}" if typed else HELP


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
        f"Session for {shown(result.learner)}: {share}, {duration(result.seconds)}.",
        f"Streak: {result.streak} day{'s' if result.streak != 1 else ''}. "
        f"Due tomorrow: {result.due_tomorrow}; "
        f"in the next {STATUS_FORECAST_DAYS} days: {result.due_next_7_days}.",
    ]
    if result.leeches:
        lines.append(f"Leeches suspended: {shown(', '.join(result.leeches))}.")
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
        named: set[tuple[str, ...]] = set()
        for row in sections:
            path = row.section
            # A section with no cards of its own still gets a row, its title alone, so that the
            # sections under it are indented under it and not under the one before.
            for depth in range(2, len(path)):
                if path[:depth] not in named:
                    named.add(path[:depth])
                    rows.append(["  " * (depth - 1) + path[depth - 1]])
            named.add(path)
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
        title=f"Status for {shown(report.learner)}, {report.today.isoformat()}",
        strong=strong,
        width=terminal_width(),
        color=color,
        wrap={0},
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
        return f"{what} of {shown(report.learner)}: none."
    return columns(
        ["key", "section", "front", "back"],
        [[c.key, BREADCRUMB_SEPARATOR.join(c.section), c.front, c.back] for c in report.cards],
        title=paint(f"{what} of {shown(report.learner)}", color, "bold"),
        left={0, 1, 2, 3},
        wrap={1, 2, 3},
        width=terminal_width(),
        spaced=True,
    )


def suspended_json(report: SuspendedReport) -> str:
    return to_json(report)
