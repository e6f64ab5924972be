"""The learner's commands: the daily review, status, leeches, unsuspend, and learner add/list/rename."""

from __future__ import annotations

import sys

import click

from quiz.cli import App, _color, _now, _show, format_option, main, pass_app
from quiz.core import defaults

# Bounds of the integer options, so that a huge number is a usage error (exit 2), not a crash
# where the database's 64-bit integers end: far beyond any real day's work.
MAX_PER_DAY = 100_000
MAX_LEECH_THRESHOLD = 1_000


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(0, MAX_PER_DAY),
    metavar="N",
    help="New cards a day from each deck, for this session only (quiz learner set keeps a limit).",
)
@click.option(
    "--limit",
    "reviews_per_day",
    type=click.IntRange(0, MAX_PER_DAY),
    metavar="N",
    help="Reviews a day, for this session only (quiz learner set keeps a limit).",
)
@click.option("--learner", metavar="NAME", help="Who reviews (default: your user name).")
@click.option("--typed", is_flag=True, help="Type each answer; quiz compares it and suggests a grade.")
@click.option("--cram", is_flag=True, help="Practise cards that are not due: logged, nothing rescheduled.")
@click.option(
    "--leech-threshold",
    type=click.IntRange(1, MAX_LEECH_THRESHOLD),
    metavar="N",
    help=f"Failures that make a card a leech (default {defaults.LEECH_THRESHOLD}; remembered).",
)
@format_option
@pass_app
def review(
    app: App,
    deck: str | None,
    section: str | None,
    new_per_day: int | None,
    reviews_per_day: int | None,
    learner: str | None,
    typed: bool,
    cram: bool,
    leech_threshold: int | None,
    fmt: str,
) -> None:
    """The daily review: due cards first, then new ones, graded 0 to 5 and scheduled by SM-2.

    With --format json the cards and prompts go to standard error and the session's summary, as
    JSON, to standard output."""
    from quiz.cli.review import Loop, Terminal
    from quiz.render import review as render_review
    from quiz.services.review import ReviewOptions, answer_writer, start_review

    options = ReviewOptions(deck, section, learner, new_per_day, reviews_per_day, leech_threshold, cram)
    # In JSON mode standard output carries the summary alone, so a program can read it.
    terminal = Terminal.standard(sys.stderr if fmt == "json" else sys.stdout)
    with app.db() as db:
        sitting = start_review(db, options, _now())
        summary = Loop(sitting, db, answer_writer(db), terminal, typed).run()
    _show(summary, fmt, lambda: render_review.summary(summary))


@main.command()
@click.option("--learner", metavar="NAME", help="Whose schedule (default: your user name).")
@format_option
@pass_app
def status(app: App, learner: str | None, fmt: str) -> None:
    """Per deck and section: new, due today, overdue, suspended, and the next 7 days."""
    from quiz.render import review as render_review
    from quiz.services.status import status as status_of

    with app.db() as db:
        report = status_of(db, learner, _now())
    click.echo(
        render_review.status_json(report) if fmt == "json" else render_review.status_table(report, _color())
    )


@main.command()
@click.argument("deck", required=False)
@click.option("--learner", metavar="NAME", help="Whose leeches (default: your user name).")
@format_option
@pass_app
def leeches(app: App, deck: str | None, learner: str | None, fmt: str) -> None:
    """List the cards failed so often that they were suspended (leeches)."""
    from quiz.render import review as render_review
    from quiz.services.learners import suspended

    with app.db() as db:
        report = suspended(db, learner, deck, _now(), leeches_only=True)
    _show(report, fmt, lambda: render_review.suspended_table(report, _color()))


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Only this card (repeatable).")
@click.option("--leeches", "leeches_only", is_flag=True, help="Only leeches.")
@click.option("--learner", metavar="NAME", help="Whose cards (default: your user name).")
@format_option
@pass_app
def unsuspend(
    app: App,
    deck: str | None,
    section: str | None,
    keys: tuple[str, ...],
    leeches_only: bool,
    learner: str | None,
    fmt: str,
) -> None:
    """Bring suspended cards (leeches too) back into the review."""
    from quiz.render import people
    from quiz.services.learners import unsuspend as release

    with app.db() as db:
        result = release(db, learner, deck, section, keys, leeches_only, _now())
    _show(result, fmt, lambda: people.unsuspended_line(result))


@main.group()
def learner() -> None:
    """Learners: each has their own schedule and review log."""


@learner.command("add")
@click.argument("name")
@format_option
@pass_app
def learner_add(app: App, name: str, fmt: str) -> None:
    """Add a learner by name."""
    from quiz.services import learners

    with app.db() as db:
        added = learners.summary_of(learners.add(db, name, _now()))
    _show(added, fmt, lambda: f"Added learner {added.name}.")


@learner.command("list")
@format_option
@pass_app
def learner_list(app: App, fmt: str) -> None:
    """List the learners with their daily limits."""
    from quiz.render import people
    from quiz.services import learners

    with app.db() as db:
        rows = learners.list_all(db)
    _show(rows, fmt, lambda: people.learners_table(rows, _color()))


@learner.command("rename")
@click.argument("old")
@click.argument("new")
@format_option
@pass_app
def learner_rename(app: App, old: str, new: str, fmt: str) -> None:
    """Rename a learner; their schedule and history stay theirs."""
    from quiz.services import learners

    with app.db() as db:
        renamed = learners.summary_of(learners.rename(db, old, new, _now()))
    _show(renamed, fmt, lambda: f"Renamed {old} to {renamed.name}.")


@learner.command("set")
@click.argument("name")
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(0),
    metavar="N",
    help=f"New cards a day from each deck (default {defaults.NEW_PER_DAY}).",
)
@click.option(
    "--limit",
    "reviews_per_day",
    type=click.IntRange(0),
    metavar="N",
    help=f"Reviews a day (default {defaults.REVIEWS_PER_DAY}).",
)
@format_option
@pass_app
def learner_set(app: App, name: str, new_per_day: int | None, reviews_per_day: int | None, fmt: str) -> None:
    """Keep a learner's daily limits for their next reviews."""
    from quiz.services import learners

    with app.db() as db:
        kept = learners.summary_of(learners.set_limits(db, name, new_per_day, reviews_per_day, _now()))
    _show(
        kept,
        fmt,
        lambda: (
            f"{kept.name}: {kept.new_per_day} new cards a day from each deck, "
            f"{kept.reviews_per_day} reviews a day."
        ),
    )
