"""The instructor's and learner's progress commands: cohorts, progress files, reports, simulate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.cli import App, F, _color, _note, _now, _show, force_option, format_option, main, pass_app
from quiz.core import defaults

# Bounds of the integer options, so that a huge number is a usage error (exit 2), not a crash
# where dates or the database's 64-bit integers end (simulate's sizes: quiz.services.simulate).
MAX_INACTIVE_DAYS = 36_500

if TYPE_CHECKING:
    from pathlib import Path

    from quiz.services.reports import ProgressReport, Thresholds

# --- cohorts and progress ------------------------------------------------------------------------------


@main.group()
def cohort() -> None:
    """Cohorts: groups of learners with decks assigned, and the instructor's progress report."""


@cohort.command("create")
@click.argument("name")
@format_option
@pass_app
def cohort_create(app: App, name: str, fmt: str) -> None:
    """Create a cohort: a named group of learners with decks assigned to it."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.db() as db:
        made = cohorts.create(db, name, _now())
    _show(made, fmt, lambda: people.created_line(made))


@cohort.command("add")
@click.argument("name")
@click.argument("learners", nargs=-1, required=True)
@format_option
@pass_app
def cohort_add(app: App, name: str, learners: tuple[str, ...], fmt: str) -> None:
    """Put learners in a cohort (a learner not known yet is added)."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.db() as db:
        change = cohorts.add(db, name, learners, _now())
    _show(change, fmt, lambda: people.membership_lines(change, added=True))


@cohort.command("remove")
@click.argument("name")
@click.argument("learners", nargs=-1, required=True)
@format_option
@pass_app
def cohort_remove(app: App, name: str, learners: tuple[str, ...], fmt: str) -> None:
    """Take learners out of a cohort; their schedules and reviews stay."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.db() as db:
        change = cohorts.remove(db, name, learners)
    _show(change, fmt, lambda: people.membership_lines(change, added=False))


@cohort.command("assign")
@click.argument("name")
@click.argument("deck")
@click.option(
    "--due",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date by which every card should have been learned (sets the pace).",
)
@click.option("--remove", is_flag=True, help="Take the deck off the cohort instead.")
@format_option
@pass_app
def cohort_assign(app: App, name: str, deck: str, due: datetime | None, remove: bool, fmt: str) -> None:
    """Assign a deck to a cohort, optionally with a date (again to change the date)."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.db() as db:
        result = cohorts.assign(db, name, deck, due.date() if due else None, _now(), remove=remove)
    _show(result, fmt, lambda: people.assigned_line(result))


@cohort.command("list")
@format_option
@pass_app
def cohort_list(app: App, fmt: str) -> None:
    """List the cohorts with their numbers of learners and their decks."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.reader() as reader:
        rows = cohorts.list_all(reader)
    _show(rows, fmt, lambda: people.cohorts_table(rows, _color()))


@cohort.command("show")
@click.argument("name")
@format_option
@pass_app
def cohort_show(app: App, name: str, fmt: str) -> None:
    """Show a cohort's learners and assigned decks."""
    from quiz.render import people
    from quiz.services import cohorts

    with app.reader() as reader:
        detail = cohorts.show(reader, name)
    _show(detail, fmt, lambda: people.cohort_detail(detail))


@cohort.command("invite")
@click.argument("name")
@click.argument("learner")
@click.option(
    "-o", "--output", metavar="FILE", help="The invite file to write (default: invite-COHORT-LEARNER.json)."
)
@format_option
@pass_app
def cohort_invite(app: App, name: str, learner: str, output: str | None, fmt: str) -> None:
    """Give a learner a new secret to sign their progress files with, in a file for them only
    (putting them in the cohort if they are not yet; an earlier invite of theirs stops working)."""
    from pathlib import Path

    from quiz.render import people
    from quiz.services.invites import invite

    with app.db() as db:
        result = invite(db, name, learner, Path(output) if output else None, _now())
    _show(result, fmt, lambda: people.invite_lines(result))


@cohort.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--cohort",
    "cohort_name",
    metavar="NAME",
    help="Only accept learners of this cohort (default: any cohort).",
)
@click.option(
    "--learner",
    "learner_name",
    metavar="NAME",
    help="Whose Anki export (.colpkg, .apkg) this is: needed for Anki's files, which name no learner.",
)
@format_option
@pass_app
def cohort_import(
    app: App, files: tuple[str, ...], cohort_name: str | None, learner_name: str | None, fmt: str
) -> None:
    """Merge learners' progress files (from quiz progress export) or Anki exports (.colpkg, or .apkg
    with scheduling, with --learner); importing one twice changes nothing."""
    from pathlib import Path

    if learner_name is not None or any(_is_anki_file(Path(f)) for f in files):
        _import_anki(app, [Path(f) for f in files], learner_name, cohort_name, fmt)
        return
    from quiz.render import people
    from quiz.services.progress import import_progress

    with app.db() as db:
        result = import_progress(db, [Path(f) for f in files], cohort_name, _now())
    _show(result, fmt, lambda: people.progress_import_lines(result))


def _is_anki_file(path: Path) -> bool:
    from quiz.services.anki_import import is_anki_file

    return is_anki_file(path)


def _import_anki(app: App, paths: list[Path], learner: str | None, cohort_name: str | None, fmt: str) -> None:
    """Anki's exports, kept apart from progress files: they carry no learner and no signature."""
    from quiz.render.anki import anki_import_lines
    from quiz.services.anki_import import import_anki, is_anki_file

    if learner is None:
        raise click.UsageError("--learner NAME is needed with an Anki export: say whose collection it is")
    others = [str(p) for p in paths if not is_anki_file(p)]
    if others:
        raise click.UsageError(
            f"{others[0]} is not an Anki export (.colpkg, .apkg): --learner is for Anki's files; "
            "import progress files on their own"
        )
    with app.db() as db:
        result = import_anki(db, paths, learner, cohort_name)
    _show(result, fmt, lambda: anki_import_lines(result))


def _report_options(func: F) -> F:
    for option in reversed(
        [
            click.option("--deck", metavar="DECK", help="Only this deck."),
            click.option(
                "--since",
                type=click.DateTime(["%Y-%m-%d"]),
                metavar="YYYY-MM-DD",
                help="Reviews and retention from this day (default: the last 30 days).",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["table", "csv", "json", "html"]),
                default="table",
                show_default=True,
                help="A table, CSV, JSON, or one self-contained HTML page.",
            ),
            click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal."),
            force_option,
            click.option(
                "--inactive-days",
                type=click.IntRange(1, MAX_INACTIVE_DAYS),
                default=defaults.AT_RISK_INACTIVE_DAYS,
                show_default=True,
                help="At risk after this many days without a review.",
            ),
            click.option(
                "--backlog-days",
                type=click.FloatRange(0),
                default=defaults.AT_RISK_BACKLOG_DAYS,
                show_default=True,
                help="At risk when overdue cards exceed this many days of workload.",
            ),
            click.option(
                "--min-retention",
                type=click.FloatRange(0, 1),
                default=defaults.AT_RISK_MIN_RETENTION,
                show_default=True,
                help=(
                    "At risk under this retention (on "
                    f"{defaults.AT_RISK_MIN_RETENTION_REVIEWS} reviews or more)."
                ),
            ),
            click.option(
                "--pace-margin",
                type=click.FloatRange(0, 1),
                default=defaults.AT_RISK_PACE_MARGIN,
                show_default=True,
                help="At risk when behind an assignment's pace by more than this share.",
            ),
        ]
    ):
        func = option(func)
    return func


def _emit_report(
    report: ProgressReport, fmt: str, output: str | None, force: bool, database: Path | None
) -> None:
    from quiz.render import report_html
    from quiz.render import reports as render_reports

    if fmt == "table":
        text = render_reports.to_table(report, _color() and output is None)
    else:
        text = {"csv": render_reports.to_csv, "json": render_reports.to_json, "html": report_html.to_html}[
            fmt
        ](report)
    if output is None:
        click.echo(text)
        return
    from pathlib import Path

    from quiz.files import write_text

    text = text if text.endswith("\n") else text + "\n"
    write_text(Path(output), text, kind=f"report-{fmt}", force=force, database=database)
    _note(f"Wrote {output}")


def _thresholds(
    inactive_days: int, backlog_days: float, min_retention: float, pace_margin: float
) -> Thresholds:
    from quiz.services.reports import Thresholds

    return Thresholds(
        inactive_days=inactive_days,
        backlog_days=backlog_days,
        min_retention=min_retention,
        pace_margin=pace_margin,
    )


@cohort.command("report")
@click.argument("name")
@_report_options
@click.option("--anonymize", is_flag=True, help="Stable pseudonyms instead of names, for sharing.")
@pass_app
def cohort_report(
    app: App,
    name: str,
    deck: str | None,
    since: datetime | None,
    fmt: str,
    output: str | None,
    force: bool,
    inactive_days: int,
    backlog_days: float,
    min_retention: float,
    pace_margin: float,
    anonymize: bool,
) -> None:
    """Who is on track, who is at risk and why, and what the cohort keeps forgetting."""
    from quiz.services.reports import cohort_report as report_of
    from quiz.services.reports import ensure_pseudonym_key
    from quiz.store import database_file

    if anonymize:
        with app.db() as db:
            ensure_pseudonym_key(db, name)
    with app.reader() as reader:
        database = database_file(reader)
        report = report_of(
            reader,
            name,
            _now(),
            deck=deck,
            since=since.date() if since else None,
            thresholds=_thresholds(inactive_days, backlog_days, min_retention, pace_margin),
            anonymize=anonymize,
        )
    _emit_report(report, fmt, output, force, database)


@main.command()
@click.option("--learner", metavar="NAME", help="Whose progress (default: your user name).")
@_report_options
@pass_app
def stats(
    app: App,
    learner: str | None,
    deck: str | None,
    since: datetime | None,
    fmt: str,
    output: str | None,
    force: bool,
    inactive_days: int,
    backlog_days: float,
    min_retention: float,
    pace_margin: float,
) -> None:
    """Your own progress: the measures your instructor sees, per deck and section."""
    from quiz.services.reports import learner_stats
    from quiz.store import database_file

    with app.reader() as reader:
        database = database_file(reader)
        limits = _thresholds(inactive_days, backlog_days, min_retention, pace_margin)
        report = learner_stats(
            reader, learner, _now(), deck=deck, since=since.date() if since else None, thresholds=limits
        )
    _emit_report(report, fmt, output, force, database)


@main.command()
@click.option(
    "--learners",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="How many learners.",
)
@click.option(
    "--days",
    type=click.IntRange(1),
    default=60,
    show_default=True,
    help="Days of reviews, ending today.",
)
@click.option("--deck", metavar="DECK", help="The deck they study (default: the first deck).")
@click.option(
    "--seed",
    type=click.IntRange(-(2**63), 2**63 - 1),
    default=1,
    show_default=True,
    help="The same seed gives the same cohort.",
)
@click.option(
    "--cohort",
    "cohort_name",
    default="simulated",
    show_default=True,
    metavar="NAME",
    help="The new cohort's name.",
)
@format_option
@pass_app
def simulate(
    app: App, learners: int, days: int, deck: str | None, seed: int, cohort_name: str, fmt: str
) -> None:
    """Fill the database with a synthetic cohort reviewing day by day, to try the reports."""
    from quiz.render import people
    from quiz.services.simulate import simulate as run

    with app.db() as db:
        result = run(db, learners, days, _now(), deck=deck, seed=seed, cohort=cohort_name)
    _show(result, fmt, lambda: people.simulation_line(result))
