"""The `quiz` command: parse options, open one session, call one service, print the result.

Only click is imported at start-up; each command imports what it needs, so `quiz --help` is fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeVar

import click

from quiz import __version__
from quiz.errors import QuizError

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

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

    def session(self) -> AbstractContextManager[Session]:
        from quiz.db import session_scope

        return session_scope(self.engine())


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
    from quiz.services.browse import outline as outline_of

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
