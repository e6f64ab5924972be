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

    from quiz.store.db import Db, Reader

F = TypeVar("F", bound="Callable[..., Any]")


class App:
    """What every command shares: where the database is, opened on first use."""

    def __init__(self, db_option: str | None) -> None:
        self.db_option = db_option
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            from quiz import config
            from quiz.store.schema import ensure_schema, make_engine, session_scope

            url = config.database_url(self.db_option)
            engine = make_engine(url)
            where = engine.url.render_as_string(hide_password=True)
            created = ensure_schema(engine, lambda message: _note(f"{message} at {where}"))
            if created:
                # The document reader is loaded only for a new database.
                from quiz.services.importing import import_bundled_decks

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
        from quiz.store.schema import session_scope

        return session_scope(self.engine())

    @contextmanager
    def db(self, read_only: bool = False) -> Iterator[Db]:
        """Plain SQL without the ORM (the review, the status, learners, reports): SQLite's own
        driver when the file is ready, so SQLAlchemy is not even imported; else the engine's.
        ``read_only``: one read transaction, every count from the same moment."""
        from quiz import config
        from quiz.store.db import AlchemyDb, SqliteDb, open_db
        from quiz.store.postgres import PostgresDb

        url = config.database_url(self.db_option)
        found: SqliteDb | PostgresDb | AlchemyDb | None = None
        if self._engine is None:
            found = open_db(url, read_only)
        if found is None:
            engine = self.engine()  # creates or upgrades the database first
            found = open_db(url, read_only) or AlchemyDb(engine.connect())
        try:
            if read_only and isinstance(found, AlchemyDb):
                with found.transaction():  # the same moment for every count, as SQLite's reader
                    yield found
            else:
                yield found
        finally:
            found.close()

    def reader(self) -> AbstractContextManager[Reader]:
        return self.db(read_only=True)


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
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Show a table, or JSON for programs.",
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
    ctx.call_on_close(ctx.obj.close)


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

    from quiz.render import tables as render
    from quiz.services.importing import import_documents

    with app.session() as session:
        result = import_documents(session, [Path(p) for p in paths], dry_run=dry_run, replace=replace)
    for warning in render.import_warnings(result):
        _note(warning)
    click.echo(render.import_json(result) if fmt == "json" else render.import_table(result, _color()))


@main.command()
@click.argument("file", type=click.Path())
@click.option(
    "--cards",
    "with_cards",
    is_flag=True,
    help="Also list each section's cards, flagged where an automatic check fails, and the "
    "text that made no card.",
)
@format_option
def outline(file: str, with_cards: bool, fmt: str) -> None:
    """Show the section tree quiz reads in FILE, with the cards each section gives."""
    from pathlib import Path

    from quiz.render import tables as render
    from quiz.services.documents import outline as outline_of

    result = outline_of(Path(file), with_cards=with_cards)
    if fmt == "json":
        click.echo(render.outline_json(result))
        return
    for warning in render.outline_warnings(result):
        _note(warning)
    click.echo(render.outline_tree(result, _color()))


@main.command()
@format_option
@pass_app
def decks(app: App, fmt: str) -> None:
    """List the decks with their numbers of cards and sections."""
    from quiz.render import tables as render
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
    from quiz.render import tables as render
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
@click.option(
    "--new",
    "new_per_day",
    type=int,
    metavar="N",
    help="New cards a day (default 20; remembered for this learner).",
)
@click.option(
    "--limit",
    "reviews_per_day",
    type=int,
    metavar="N",
    help="Reviews a day (default 200; remembered for this learner).",
)
@click.option("--learner", metavar="NAME", help="Who reviews (default: your user name).")
@click.option("--typed", is_flag=True, help="Type each answer; quiz compares it and suggests a grade.")
@click.option("--cram", is_flag=True, help="Practise cards that are not due: logged, nothing rescheduled.")
@click.option(
    "--leech-threshold",
    type=int,
    metavar="N",
    help="Failures that make a card a leech (default 8; remembered).",
)
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
) -> None:
    """The daily review: due cards first, then new ones, graded 0 to 5 and scheduled by SM-2."""
    from quiz.cli.review import Loop, Terminal
    from quiz.render import review as render_review
    from quiz.services.review import ReviewOptions, answer_writer, start_review

    options = ReviewOptions(deck, section, learner, new_per_day, reviews_per_day, leech_threshold, cram)
    with app.db() as db:
        sitting = start_review(db, options, _now())
        summary = Loop(sitting, db, answer_writer(db), Terminal.standard(), typed).run()
    click.echo(render_review.summary(summary))


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
    click.echo(
        render_review.suspended_json(report) if fmt == "json" else render_review.suspended_table(report)
    )


@main.command()
@click.argument("deck", required=False)
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Only this card (repeatable).")
@click.option("--leeches", "leeches_only", is_flag=True, help="Only leeches.")
@click.option("--learner", metavar="NAME", help="Whose cards (default: your user name).")
@pass_app
def unsuspend(
    app: App,
    deck: str | None,
    section: str | None,
    keys: tuple[str, ...],
    leeches_only: bool,
    learner: str | None,
) -> None:
    """Bring suspended cards (leeches too) back into the review."""
    from quiz.services.learners import unsuspend as release

    with app.db() as db:
        name, count = release(db, learner, deck, section, keys, leeches_only, _now())
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

    with app.db() as db:
        info = learners.add(db, name, _now())
    click.echo(f"Added learner {info.name}.")


@learner.command("list")
@format_option
@pass_app
def learner_list(app: App, fmt: str) -> None:
    """List the learners with their daily limits."""
    from quiz.render import tables as render
    from quiz.services import learners

    with app.db() as db:
        rows = learners.list_all(db)
    click.echo(render.learners_json(rows) if fmt == "json" else render.learners_table(rows, _color()))


@learner.command("rename")
@click.argument("old")
@click.argument("new")
@pass_app
def learner_rename(app: App, old: str, new: str) -> None:
    """Rename a learner; their schedule and history stay theirs."""
    from quiz.services import learners

    with app.db() as db:
        info = learners.rename(db, old, new, _now())
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

    from quiz.render import tables as render
    from quiz.services.export import export_anki as export_package

    target = Path(output or f"{decks[0] if len(decks) == 1 else 'quiz'}.apkg")
    with app.session() as session:
        result = export_package(
            session,
            list(decks),
            target,
            _now(),
            section=section,
            include_retired=include_retired,
            learner=learner,
            suspended=suspended,
        )
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

        from quiz.render import tables as render
        from quiz.services.export import export_text

        with app.session() as session:
            result = export_text(
                session, deck, Path(output or f"{deck}.{kind}"), kind, _now(), include_retired
            )
        click.echo(render.export_line(result))


_text_export("csv", "Write a deck as a text file that Anki's own File > Import reads.")
_text_export("json", "Write a deck's cards as JSON (key, section, kind, front, back, references, source).")


# The cohort, progress and report commands live beside this module and register on `main`.
from quiz.cli import cohorts as _cohorts  # noqa: E402, F401
