"""Learners, cohorts and progress files as text: tables and the lines that confirm a change.

Returns strings from the services' results; no queries, no printing.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from quiz.render.columns import columns, terminal_width
from quiz.render.terminal import shown

if TYPE_CHECKING:
    from quiz.services.cohorts import (
        AssignedDeck,
        AssignResult,
        CohortDetail,
        CohortSummary,
        MembershipChange,
    )
    from quiz.services.invites import InviteResult
    from quiz.services.learners import LearnerSummary, UnsuspendResult
    from quiz.services.progress import ProgressExport, ProgressImport
    from quiz.services.simulate import SimulationResult


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def learners_table(rows: tuple[LearnerSummary, ...], color: bool = False) -> str:
    if not rows:
        return "No learners yet: quiz review makes one for you, or quiz learner add NAME."
    return columns(
        ["learner", "new a day", "reviews a day", "leech after", "day starts"],
        [
            [
                row.name,
                str(row.new_per_day),
                str(row.reviews_per_day),
                str(row.leech_threshold),
                f"{row.day_starts_at:02d}:00",
            ]
            for row in rows
        ],
        wrap={0},
        width=terminal_width(),
    )


def unsuspended_line(result: UnsuspendResult) -> str:
    return shown(f"{_plural(result.cards, 'card')} of {result.learner} back in the review.")


def _decks(decks: tuple[AssignedDeck, ...]) -> str:
    return (
        ", ".join(d.deck + (f" (due {d.due_date.isoformat()})" if d.due_date else "") for d in decks) or "–"
    )


def cohorts_table(rows: tuple[CohortSummary, ...], color: bool = False) -> str:
    if not rows:
        return "No cohorts yet: quiz cohort create NAME."
    return columns(
        ["cohort", "learners", "decks"],
        [[row.name, str(row.learners), _decks(row.decks)] for row in rows],
        left={0, 2},
        wrap={0, 2},
        width=terminal_width(),
    )


def cohort_detail(detail: CohortDetail) -> str:
    return shown(
        "\n".join(
            [
                f"Cohort {detail.name} (created {detail.created_at:%Y-%m-%d})",
                f"Decks: {_decks(detail.decks)}",
                f"Learners ({len(detail.learners)}): {', '.join(detail.learners) or 'none yet'}",
            ]
        )
    )


def created_line(made: CohortSummary) -> str:
    return shown(f"Created cohort {made.name}. Next: quiz cohort add {shlex.quote(made.name)} LEARNER...")


def membership_lines(change: MembershipChange, added: bool) -> str:
    """What `quiz cohort add` (``added``) or `quiz cohort remove` changed."""
    lines = []
    if change.created:
        lines.append(f"New learners: {', '.join(change.created)}.")
    if change.changed:
        verb = f"Added to {change.cohort}" if added else f"Removed from {change.cohort}"
        lines.append(f"{verb}: {', '.join(change.changed)}.")
    if change.unchanged:
        where = f"In {change.cohort} already" if added else f"Not in {change.cohort}"
        lines.append(f"{where}: {', '.join(change.unchanged)}.")
    return shown("\n".join(lines))


def assigned_line(result: AssignResult) -> str:
    row = result.assigned
    if row is None:
        return shown(f"Deck {result.deck} is no longer assigned to {result.cohort}.")
    when = f", due {row.due_date.isoformat()}" if row.due_date else ", no date"
    return shown(
        f"{'Assigned' if result.new else 'Updated'} {row.deck} ({row.name}) to {result.cohort}{when}."
    )


def progress_import_lines(result: ProgressImport) -> str:
    return shown(
        "\n".join(
            f"{item.path}: {item.learner}, {_plural(item.added, 'new review')}"
            f" ({item.reviews - item.added} already here), {item.cards} card states replayed."
            + (f" {_plural(item.repeated, 'repeated row')} of the file counted once." * (item.repeated > 0))
            for item in result.files
        )
    )


def invite_lines(result: InviteResult) -> str:
    """What the instructor does next; the secret is in the file only, never printed."""
    done = [f"Wrote {result.path}: {result.learner}'s invite to cohort {result.cohort}"]
    if result.added:
        done.append(f" ({result.learner} was added to the cohort)")
    if result.replaced:
        done.append(f"; {result.learner}'s earlier invite no longer signs")
    return shown(
        "".join(done) + ".\n"
        f"Give it to {result.learner} alone; they export with "
        f"quiz progress export --invite {result.path.name} -o progress.json"
    )


def progress_export_line(result: ProgressExport) -> str:
    return shown(
        f"Wrote {result.path}: {result.reviews} reviews by {result.learner}"
        f" ({', '.join(result.decks) or 'no deck yet'})."
    )


def simulation_line(result: SimulationResult) -> str:
    return shown(
        f"Simulated cohort {result.cohort}: {result.learners} learners, {result.days} days "
        f"({result.first_day.isoformat()} to {result.last_day.isoformat()}) on {result.deck} "
        f"({result.cards} cards): {result.reviews} reviews. "
        f"Next: quiz cohort report {shlex.quote(result.cohort)}"
    )
