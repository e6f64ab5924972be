"""The `quiz` command: parse options, open one session, call one service, print the result.

Only click is imported at start-up; each command imports what it needs, so `quiz --help` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from quiz import __version__
from quiz.errors import QuizError

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from datetime import datetime

    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from quiz.store.reports import Reader

F = TypeVar("F", bound="Callable[..., Any]")


class App:
    """What every command shares: where the database is, opened on first use."""

    def __init__(self, db_option: str | None) -> None:
        self.db_option = db_option
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            from quiz import config
            from quiz.db import ensure_schema, make_engine, session_scope
            from quiz.services.importing import import_bundled_decks

            url = config.database_url(self.db_option)
            engine = make_engine(url)
            where = engine.url.render_as_string(hide_password=True)
            created = ensure_schema(engine, lambda message: _note(f"{message} at {where}"))
            if created:
                with session_scope(engine) as session:
                    result = import_bundled_decks(session)
                for deck in result.decks:
                    _note(f"Imported the bundled deck '{deck.name}' ({deck.cards} cards)")
            self._engine = engine
        return self._engine

    def close(self) -> None:
        """Close the pooled connections when the command ends (PostgreSQL's are sockets)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def session(self) -> AbstractContextManager[Session]:
        from quiz.db import session_scope

        return session_scope(self.engine())

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A read-only connection for a report: SQLite's own driver when the file is ready,
        so SQLAlchemy is not even imported; else through the engine."""
        from quiz import config
        from quiz.readers import EngineReader, SqliteReader, sqlite_reader

        fast = None if self._engine is not None else sqlite_reader(config.database_url(self.db_option))
        reader: SqliteReader | EngineReader = fast or EngineReader(self.engine().connect())
        try:
            yield reader
        finally:
            reader.close()


def _note(message: str) -> None:
    click.echo(message, err=True)


def _color() -> bool:
    return sys.stdout.isatty()


class QuizGroup(click.Group):
    """Turns the project's own errors into one-line messages with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QuizError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            if type(exc).__module__.startswith("sqlalchemy"):
                detail = getattr(exc, "orig", None) or exc
                raise click.ClickException(f"database error: {detail}") from None
            raise


def format_option(func: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                        show_default=True, help="Show a table, or JSON for programs.")(func)


pass_app = click.make_pass_decorator(App)


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH_OR_URL", default=None,
              help="Database file or SQLAlchemy URL (default: $QUIZ_DB, else quiz.db in your "
                   "data folder).")
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Spaced-repetition flashcards made from clinical source documents."""
    ctx.obj = App(db)
    ctx.call_on_close(ctx.obj.close)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@format_option
@pass_app
def import_command(app: App, paths: tuple[str, ...], dry_run: bool, fmt: str) -> None:
    """Make or update decks from documents (Markdown or text files, or folders of them)."""
    from pathlib import Path

    from quiz import render
    from quiz.services.importing import import_documents

    with app.session() as session:
        result = import_documents(session, [Path(p) for p in paths], dry_run=dry_run)
    for warning in render.import_warnings(result):
        _note(warning)
    click.echo(render.import_json(result) if fmt == "json" else render.import_table(result, _color()))


@main.command()
@click.argument("file", type=click.Path())
@format_option
def outline(file: str, fmt: str) -> None:
    """Show the section tree quiz reads in FILE, with the cards each section gives."""
    from pathlib import Path

    from quiz import render
    from quiz.services.documents import outline as outline_of

    result = outline_of(Path(file))
    if fmt == "json":
        click.echo(render.outline_json(result))
        return
    for warning in result.warnings:
        _note(f"warning: {result.source}: {warning}")
    click.echo(render.outline_tree(result, _color()))


@main.command()
@format_option
@pass_app
def decks(app: App, fmt: str) -> None:
    """List the decks with their numbers of cards and sections."""
    from quiz import render
    from quiz.services.browse import list_decks

    with app.session() as session:
        rows = list_decks(session)
    click.echo(render.decks_json(rows) if fmt == "json" else render.decks_table(rows, _color()))


@main.command()
@click.argument("deck")
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@format_option
@pass_app
def cards(app: App, deck: str, section: str | None, fmt: str) -> None:
    """List a deck's cards in document order."""
    from quiz import render
    from quiz.services.browse import list_cards

    with app.session() as session:
        result = list_cards(session, deck, section)
    click.echo(render.cards_json(result) if fmt == "json" else render.cards_table(result, _color()))


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option("--new", "new_per_day", type=int, metavar="N",
              help="New cards a day (default 20; remembered for this learner).")
@click.option("--limit", "reviews_per_day", type=int, metavar="N",
              help="Reviews a day (default 200; remembered for this learner).")
@click.option("--learner", metavar="NAME", help="Who reviews (default: your user name).")
@click.option("--typed", is_flag=True, help="Type each answer; quiz compares it and suggests a grade.")
@click.option("--cram", is_flag=True, help="Practise cards that are not due: logged, nothing rescheduled.")
@click.option("--leech-threshold", type=int, metavar="N",
              help="Failures that make a card a leech (default 8; remembered).")
@pass_app
def review(app: App, deck: str | None, section: str | None, new_per_day: int | None,
           reviews_per_day: int | None, learner: str | None, typed: bool, cram: bool,
           leech_threshold: int | None) -> None:
    """The daily review: due cards first, then new ones, graded 0 to 5 and scheduled by SM-2."""
    from quiz import render_review
    from quiz.review_loop import Loop, Terminal
    from quiz.services.review import ReviewOptions, answer_writer, start_review

    options = ReviewOptions(deck, section, learner, new_per_day, reviews_per_day, leech_threshold, cram)
    with app.session() as session:
        sitting = start_review(session, options, _now())
    writer = answer_writer(app.engine())
    try:
        summary = Loop(sitting, app.session, writer, Terminal.standard(), typed).run()
    finally:
        writer.close()
    click.echo(render_review.summary(summary))


@main.command()
@click.option("--learner", metavar="NAME", help="Whose schedule (default: your user name).")
@format_option
@pass_app
def status(app: App, learner: str | None, fmt: str) -> None:
    """Per deck and section: new, due today, overdue, suspended, and the next 7 days."""
    from quiz import render_review
    from quiz.services.review import status as status_of

    with app.session() as session:
        report = status_of(session, learner, _now())
    click.echo(render_review.status_json(report) if fmt == "json" else render_review.status_table(report))


@main.command()
@click.argument("deck", required=False)
@click.option("--learner", metavar="NAME", help="Whose leeches (default: your user name).")
@format_option
@pass_app
def leeches(app: App, deck: str | None, learner: str | None, fmt: str) -> None:
    """List the cards failed so often that they were suspended (leeches)."""
    from quiz import render_review
    from quiz.services.learners import suspended

    with app.session() as session:
        report = suspended(session, learner, deck, _now(), leeches_only=True)
    click.echo(render_review.suspended_json(report) if fmt == "json"
               else render_review.suspended_table(report))


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Only this card (repeatable).")
@click.option("--leeches", "leeches_only", is_flag=True, help="Only leeches.")
@click.option("--learner", metavar="NAME", help="Whose cards (default: your user name).")
@pass_app
def unsuspend(app: App, deck: str | None, section: str | None, keys: tuple[str, ...],
              leeches_only: bool, learner: str | None) -> None:
    """Bring suspended cards (leeches too) back into the review."""
    from quiz.services.learners import unsuspend as release

    with app.session() as session:
        name, count = release(session, learner, deck, section, keys, leeches_only, _now())
    click.echo(f"{count} card{'s' if count != 1 else ''} of {name} back in the review.")


@main.group()
def learner() -> None:
    """Learners: each has their own schedule and review log."""


@learner.command("add")
@click.argument("name")
@pass_app
def learner_add(app: App, name: str) -> None:
    """Add a learner by name."""
    from quiz.services import learners

    with app.session() as session:
        info = learners.add(session, name, _now())
    click.echo(f"Added learner {info.name}.")


@learner.command("list")
@format_option
@pass_app
def learner_list(app: App, fmt: str) -> None:
    """List the learners with their daily limits."""
    from quiz import render
    from quiz.services import learners

    with app.session() as session:
        rows = learners.list_all(session)
    click.echo(render.learners_json(rows) if fmt == "json" else render.learners_table(rows, _color()))


@learner.command("rename")
@click.argument("old")
@click.argument("new")
@pass_app
def learner_rename(app: App, old: str, new: str) -> None:
    """Rename a learner; their schedule and history stay theirs."""
    from quiz.services import learners

    with app.session() as session:
        info = learners.rename(session, old, new, _now())
    click.echo(f"Renamed {old} to {info.name}.")


@main.group()
def export() -> None:
    """Export decks: to Anki (updating in place), to Anki's text import, or to JSON."""


@export.command("anki")
@click.argument("decks", nargs=-1)
@click.option("-o", "--output", metavar="FILE.apkg", help="The package to write (default: DECK.apkg).")
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option("--include-retired", is_flag=True, help="Also the cards no longer made from the source.")
@click.option("--learner", metavar="NAME", help="With --suspended: whose suspended cards.")
@click.option("--suspended", is_flag=True, help="Mark the learner's suspended cards suspended in Anki.")
@format_option
@pass_app
def export_anki(app: App, decks: tuple[str, ...], output: str | None, section: str | None,
                include_retired: bool, learner: str | None, suspended: bool, fmt: str) -> None:
    """Write an Anki package; a later export updates the same notes in Anki, adding no duplicates."""
    from pathlib import Path

    from quiz import render
    from quiz.services.export import export_anki as export_package

    target = Path(output or f"{decks[0] if len(decks) == 1 else 'quiz'}.apkg")
    with app.session() as session:
        result = export_package(session, list(decks), target, _now(), section=section,
                                include_retired=include_retired, learner=learner, suspended=suspended)
    click.echo(render.to_json(result) if fmt == "json" else render.export_line(result))


def _text_export(kind: str, summary: str) -> None:
    """Register `quiz export KIND DECK [-o FILE] [--include-retired]`."""

    @export.command(kind, help=summary)
    @click.argument("deck")
    @click.option("-o", "--output", metavar="FILE", help=f"The file to write (default: DECK.{kind}).")
    @click.option("--include-retired", is_flag=True, help="Also the cards no longer made from the source.")
    @pass_app
    def command(app: App, deck: str, output: str | None, include_retired: bool) -> None:
        from pathlib import Path

        from quiz import render
        from quiz.services.export import export_text

        with app.session() as session:
            result = export_text(session, deck, Path(output or f"{deck}.{kind}"), kind, _now(),
                                 include_retired)
        click.echo(render.export_line(result))


_text_export("csv", "Write a deck as a text file that Anki's own File > Import reads.")
_text_export("json", "Write a deck's cards as JSON (key, section, kind, front, back, references, source).")


# --- cohorts and progress ------------------------------------------------------------------------------

def _names(items: tuple[str, ...]) -> str:
    return ", ".join(items)


@main.group()
def cohort() -> None:
    """Cohorts: groups of learners with decks assigned, and the instructor's progress report."""


@cohort.command("create")
@click.argument("name")
@pass_app
def cohort_create(app: App, name: str) -> None:
    """Create a cohort: a named group of learners with decks assigned to it."""
    from quiz.services import cohorts

    with app.session() as session:
        made = cohorts.create(session, name, _now())
    click.echo(f"Created cohort {made.name}. Next: quiz cohort add {made.name} LEARNER...")


@cohort.command("add")
@click.argument("name")
@click.argument("learners", nargs=-1, required=True)
@pass_app
def cohort_add(app: App, name: str, learners: tuple[str, ...]) -> None:
    """Put learners in a cohort (a learner not known yet is added)."""
    from quiz.services import cohorts

    with app.session() as session:
        change = cohorts.add(session, name, learners, _now())
    if change.created:
        click.echo(f"New learners: {_names(change.created)}.")
    if change.changed:
        click.echo(f"Added to {change.cohort}: {_names(change.changed)}.")
    if change.unchanged:
        click.echo(f"In {change.cohort} already: {_names(change.unchanged)}.")


@cohort.command("remove")
@click.argument("name")
@click.argument("learners", nargs=-1, required=True)
@pass_app
def cohort_remove(app: App, name: str, learners: tuple[str, ...]) -> None:
    """Take learners out of a cohort; their schedules and reviews stay."""
    from quiz.services import cohorts

    with app.session() as session:
        change = cohorts.remove(session, name, learners)
    if change.changed:
        click.echo(f"Removed from {change.cohort}: {_names(change.changed)}.")
    if change.unchanged:
        click.echo(f"Not in {change.cohort}: {_names(change.unchanged)}.")


@cohort.command("assign")
@click.argument("name")
@click.argument("deck")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The date by which every card should have been learned (sets the pace).")
@click.option("--remove", is_flag=True, help="Take the deck off the cohort instead.")
@pass_app
def cohort_assign(app: App, name: str, deck: str, due: datetime | None, remove: bool) -> None:
    """Assign a deck to a cohort, optionally with a date (again to change the date)."""
    from quiz.services import cohorts

    with app.session() as session:
        cohort_name, row, new = cohorts.assign(session, name, deck, due.date() if due else None, _now(),
                                               remove=remove)
    if row is None:
        click.echo(f"Deck {deck} is no longer assigned to {cohort_name}.")
        return
    when = f", due {row.due_date.isoformat()}" if row.due_date else ", no date"
    click.echo(f"{'Assigned' if new else 'Updated'} {row.deck} ({row.name}) to {cohort_name}{when}.")


@cohort.command("list")
@format_option
@pass_app
def cohort_list(app: App, fmt: str) -> None:
    """List the cohorts with their numbers of learners and their decks."""
    from quiz import render
    from quiz.services import cohorts

    with app.session() as session:
        rows = cohorts.list_all(session)
    click.echo(render.to_json(rows) if fmt == "json" else render.cohorts_table(rows, _color()))


@cohort.command("show")
@click.argument("name")
@format_option
@pass_app
def cohort_show(app: App, name: str, fmt: str) -> None:
    """Show a cohort's learners and assigned decks."""
    from quiz import render
    from quiz.services import cohorts

    with app.session() as session:
        detail = cohorts.show(session, name)
    click.echo(render.to_json(detail) if fmt == "json" else render.cohort_detail(detail))


@cohort.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--cohort", "cohort_name", metavar="NAME",
              help="Only accept learners of this cohort (default: any cohort).")
@format_option
@pass_app
def cohort_import(app: App, files: tuple[str, ...], cohort_name: str | None, fmt: str) -> None:
    """Merge learners' progress files (from quiz progress export); importing one twice changes nothing."""
    from pathlib import Path

    from quiz import render
    from quiz.services.progress import import_progress

    with app.session() as session:
        result = import_progress(session, [Path(f) for f in files], cohort_name)
    if fmt == "json":
        click.echo(render.to_json(result))
        return
    for item in result.files:
        known = item.reviews - item.added
        click.echo(f"{item.path}: {item.learner}, {item.added} new review{'s' if item.added != 1 else ''}"
                   f" ({known} already here), {item.cards} card states replayed.")


def _report_options(func: F) -> F:
    for option in reversed([
        click.option("--deck", metavar="DECK", help="Only this deck."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="Reviews and retention from this day (default: the last 30 days)."),
        click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "html"]), default="table",
                     show_default=True, help="A table, CSV, JSON, or one self-contained HTML page."),
        click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the terminal."),
        click.option("--inactive-days", type=click.IntRange(1), default=3, show_default=True,
                     help="At risk after this many days without a review."),
        click.option("--backlog-days", type=click.FloatRange(0), default=2.0, show_default=True,
                     help="At risk when overdue cards exceed this many days of workload."),
        click.option("--min-retention", type=click.FloatRange(0, 1), default=0.8, show_default=True,
                     help="At risk under this retention (on 20 reviews or more)."),
        click.option("--pace-margin", type=click.FloatRange(0, 1), default=0.2, show_default=True,
                     help="At risk when behind an assignment's pace by more than this share."),
    ]):
        func = option(func)
    return func


def _emit_report(report: Any, fmt: str, output: str | None) -> None:
    from quiz import render_reports

    if fmt == "table":
        text = render_reports.to_table(report, _color() and output is None)
    else:
        text = {"csv": render_reports.to_csv, "json": render_reports.to_json,
                "html": render_reports.to_html}[fmt](report)
    if output is None:
        click.echo(text)
        return
    from pathlib import Path

    from quiz.files import write_text

    write_text(Path(output), text if text.endswith("\n") else text + "\n")
    _note(f"Wrote {output}")


def _thresholds(inactive_days: int, backlog_days: float, min_retention: float, pace_margin: float) -> Any:
    from quiz.reports import Thresholds

    return Thresholds(inactive_days=inactive_days, backlog_days=backlog_days, min_retention=min_retention,
                      pace_margin=pace_margin)


@cohort.command("report")
@click.argument("name")
@_report_options
@click.option("--anonymize", is_flag=True, help="Stable pseudonyms instead of names, for sharing.")
@pass_app
def cohort_report(app: App, name: str, deck: str | None, since: datetime | None, fmt: str,
                  output: str | None, inactive_days: int, backlog_days: float, min_retention: float,
                  pace_margin: float, anonymize: bool) -> None:
    """Who is on track, who is at risk and why, and what the cohort keeps forgetting."""
    from quiz.services.reports import cohort_report as report_of

    with app.reader() as reader:
        report = report_of(reader, name, _now(), deck=deck, since=since.date() if since else None,
                           thresholds=_thresholds(inactive_days, backlog_days, min_retention, pace_margin),
                           anonymize=anonymize)
    _emit_report(report, fmt, output)


@main.command()
@click.option("--learner", metavar="NAME", help="Whose progress (default: your user name).")
@_report_options
@pass_app
def stats(app: App, learner: str | None, deck: str | None, since: datetime | None, fmt: str,
          output: str | None, inactive_days: int, backlog_days: float, min_retention: float,
          pace_margin: float) -> None:
    """Your own progress: the measures your instructor sees, per deck and section."""
    from quiz.services.reports import learner_stats

    with app.reader() as reader:
        limits = _thresholds(inactive_days, backlog_days, min_retention, pace_margin)
        report = learner_stats(reader, learner, _now(), deck=deck, since=since.date() if since else None,
                               thresholds=limits)
    _emit_report(report, fmt, output)


@main.group()
def progress() -> None:
    """Your progress file, for an instructor whose database is not the one you review in."""


@progress.command("export")
@click.option("--learner", metavar="NAME", help="Whose progress (default: your user name).")
@click.option("-o", "--output", metavar="FILE", help="The file to write (default: progress-NAME.json).")
@pass_app
def progress_export(app: App, learner: str | None, output: str | None) -> None:
    """Write your review log (card keys and grades, never card text) for your instructor."""
    from pathlib import Path

    from quiz.services.progress import export_progress

    with app.session() as session:
        result = export_progress(session, learner, Path(output) if output else None, _now())
    click.echo(f"Wrote {result.path}: {result.reviews} reviews by {result.learner}"
               f" ({', '.join(result.decks) or 'no deck yet'}).")


@main.command()
@click.option("--learners", type=int, default=30, show_default=True, help="How many learners.")
@click.option("--days", type=int, default=60, show_default=True, help="Days of reviews, ending today.")
@click.option("--deck", metavar="DECK", help="The deck they study (default: the first deck).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same cohort.")
@click.option("--cohort", "cohort_name", default="simulated", show_default=True, metavar="NAME",
              help="The new cohort's name.")
@pass_app
def simulate(app: App, learners: int, days: int, deck: str | None, seed: int, cohort_name: str) -> None:
    """Fill the database with a synthetic cohort reviewing day by day, to try the reports."""
    from quiz.services.simulate import simulate as run

    with app.session() as session:
        result = run(session, learners, days, _now(), deck=deck, seed=seed, cohort=cohort_name)
    click.echo(f"Simulated cohort {result.cohort}: {result.learners} learners, {result.days} days "
               f"({result.first_day.isoformat()} to {result.last_day.isoformat()}) on {result.deck} "
               f"({result.cards} cards): {result.reviews} reviews. "
               f"Next: quiz cohort report {result.cohort}")
