"""The `quiz` command: parse options, open one connection, call one service, print the result.

Only click is imported at start-up; each command imports what it needs, so `quiz --help` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from quiz import __version__
from quiz.core import defaults
from quiz.errors import OptionError, QuizError

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from datetime import datetime

    from quiz.store.db import Db, Reader

F = TypeVar("F", bound="Callable[..., Any]")


class App:
    """What every command shares: where the database is. Each command opens one connection."""

    def __init__(self, db_option: str | None) -> None:
        self.db_option = db_option

    @contextmanager
    def db(self, read_only: bool = False) -> Iterator[Db]:
        """The command's connection (quiz.store.open_db: SQLite's own driver on a ready file, so
        SQLAlchemy is not even imported). ``read_only``: one read transaction, every count from the
        same moment."""
        from quiz import config
        from quiz.store import open_db
        from quiz.store.db import AlchemyDb

        url = config.database_url(self.db_option)
        with closing(open_db(url, read_only=read_only, announce=_note, on_create=_fill)) as db:
            # SQLite's and psycopg's readers are in one read transaction already
            if read_only and isinstance(db, AlchemyDb):
                with db.transaction():
                    yield db
            else:
                yield db

    def reader(self) -> AbstractContextManager[Reader]:
        return self.db(read_only=True)


def _fill(db: Db) -> None:
    """A database made just now gets the bundled decks (the document reader loads only then)."""
    from quiz.services.importing import import_bundled_decks

    for deck in import_bundled_decks(db).decks:
        _note(f"Imported the bundled deck '{deck.name}' ({deck.cards} cards)")


def _note(message: str) -> None:
    click.echo(message, err=True)


def _color() -> bool:
    """Colour on standard output: only on a terminal, and never with NO_COLOR set."""
    from quiz.render.style import use_color

    return use_color(sys.stdout)


def _show(result: object, fmt: str, table: Callable[[], str]) -> None:
    """Print a result: the table's text, or the same result as JSON."""
    if fmt == "json":
        from quiz.render.data import to_json

        click.echo(to_json(result))
    else:
        click.echo(table())


class QuizCommand(click.Command):
    """A command whose option values a service refused (OptionError) exit 2 with its usage line,
    as click's own checks of an option do."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OptionError as exc:
            raise click.UsageError(str(exc), ctx=ctx) from None


class QuizGroup(click.Group):
    """Turns the project's own errors into one-line messages with exit status 1."""

    command_class = QuizCommand
    group_class = type  # subgroups are QuizGroups too

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
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Show text for people, or JSON for programs (the shapes are in the README).",
    )(func)


pass_app = click.make_pass_decorator(App)


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    default=None,
    help="Database file or SQLAlchemy URL (default: $QUIZ_DB, else quiz.db in your data folder).",
)
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Spaced-repetition flashcards made from clinical source documents."""
    ctx.obj = App(db)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option(
    "--replace",
    is_flag=True,
    help="Let a document take over a deck made from a file of another name (the cards it "
    "does not make are retired).",
)
@format_option
@pass_app
def import_command(app: App, paths: tuple[str, ...], dry_run: bool, replace: bool, fmt: str) -> None:
    """Make or update decks from documents (Markdown or text files, or folders of them)."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.importing import import_documents

    with app.db() as db:
        result = import_documents(db, [Path(p) for p in paths], dry_run=dry_run, replace=replace)
    for warning in library.import_warnings(result):
        _note(warning)
    _show(result, fmt, lambda: library.import_table(result, _color()))


@main.command()
@click.argument("file", type=click.Path())
@click.option(
    "--cards",
    "with_cards",
    is_flag=True,
    help="Also list each section's cards, flagged where an automatic check fails, and the "
    "text that made no card (the JSON always has them).",
)
@format_option
def outline(file: str, with_cards: bool, fmt: str) -> None:
    """Show the section tree quiz reads in FILE, with the cards each section gives."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.documents import outline as outline_of

    result = outline_of(Path(file), with_cards=with_cards or fmt == "json")
    for warning in library.outline_warnings(result):
        _note(warning)
    click.echo(library.outline_json(result) if fmt == "json" else library.outline_tree(result, _color()))


@main.command()
@format_option
@pass_app
def decks(app: App, fmt: str) -> None:
    """List the decks with their numbers of cards and sections."""
    from quiz.render import library
    from quiz.services.browse import list_decks

    with app.reader() as reader:
        rows = list_decks(reader)
    _show(rows, fmt, lambda: library.decks_table(rows, _color()))


@main.command()
@click.argument("deck")
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@format_option
@pass_app
def cards(app: App, deck: str, section: str | None, fmt: str) -> None:
    """List a deck's cards in document order."""
    from quiz.render import library
    from quiz.services.browse import list_cards

    with app.reader() as reader:
        result = list_cards(reader, deck, section)
    click.echo(library.cards_json(result) if fmt == "json" else library.cards_table(result, _color()))


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(0),
    metavar="N",
    help=f"New cards a day (default {defaults.NEW_PER_DAY}; remembered for this learner).",
)
@click.option(
    "--limit",
    "reviews_per_day",
    type=click.IntRange(0),
    metavar="N",
    help=f"Reviews a day (default {defaults.REVIEWS_PER_DAY}; remembered for this learner).",
)
@click.option("--learner", metavar="NAME", help="Who reviews (default: your user name).")
@click.option("--typed", is_flag=True, help="Type each answer; quiz compares it and suggests a grade.")
@click.option("--cram", is_flag=True, help="Practise cards that are not due: logged, nothing rescheduled.")
@click.option(
    "--leech-threshold",
    type=click.IntRange(1),
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
    from quiz.services.review import status as status_of

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
def export_anki(
    app: App,
    decks: tuple[str, ...],
    output: str | None,
    section: str | None,
    include_retired: bool,
    learner: str | None,
    suspended: bool,
    fmt: str,
) -> None:
    """Write an Anki package; a later export updates the same notes in Anki, adding no duplicates."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.export import export_anki as export_package

    target = Path(output or f"{decks[0] if len(decks) == 1 else 'quiz'}.apkg")
    with app.db() as db:
        result = export_package(
            db,
            list(decks),
            target,
            _now(),
            section=section,
            include_retired=include_retired,
            learner=learner,
            suspended=suspended,
        )
    _show(result, fmt, lambda: library.export_line(result))


def _text_export(kind: str, summary: str) -> None:
    """Register `quiz export KIND DECK [-o FILE] [--include-retired] [--format json]`."""

    @export.command(kind, help=summary)
    @click.argument("deck")
    @click.option("-o", "--output", metavar="FILE", help=f"The file to write (default: DECK.{kind}).")
    @click.option("--include-retired", is_flag=True, help="Also the cards no longer made from the source.")
    @format_option
    @pass_app
    def command(app: App, deck: str, output: str | None, include_retired: bool, fmt: str) -> None:
        from pathlib import Path

        from quiz.render import library
        from quiz.services.export import export_text

        with app.db() as db:
            result = export_text(db, deck, Path(output or f"{deck}.{kind}"), kind, _now(), include_retired)
        _show(result, fmt, lambda: library.export_line(result))


_text_export("csv", "Write a deck as a text file that Anki's own File > Import reads.")
_text_export("json", "Write a deck's cards as JSON (key, section, kind, front, back, references, source).")


# The cohort, progress and report commands live beside this module and register on `main`.
from quiz.cli import cohorts as _cohorts  # noqa: E402, F401
