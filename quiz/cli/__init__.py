"""The `quiz` group and what its commands share: the App (one connection), options, printing.

Only click is imported at start-up; each command imports what it needs, so `quiz --help` is fast.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from quiz import __version__
from quiz.errors import OptionError, QuizError

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from datetime import datetime

    from quiz.store.db import Db, Reader

F = TypeVar("F", bound="Callable[..., Any]")


class App:
    """What every command shares: where the database is, and whether colour is refused (the global
    --no-color). Each command opens one connection."""

    def __init__(self, db_option: str | None, no_color: bool = False) -> None:
        self.db_option = db_option
        self.no_color = no_color

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
    from quiz.render.terminal import printable

    click.echo(printable(message), err=True)


def color_on(stream: TextIO | None = None) -> bool:
    """Colour on ``stream`` (standard output): only on a terminal, and never with NO_COLOR set or
    the global --no-color given (quiz.render.style.use_color is the one rule)."""
    from quiz.render.style import use_color

    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    return use_color(stream or sys.stdout, no_color=bool(app and app.no_color))


def _color() -> bool:
    return color_on(sys.stdout)


def _show(result: object, fmt: str, table: Callable[[], str]) -> None:
    """Print a result: the table's text (its control characters shown escaped), or the same result
    as JSON."""
    if fmt == "json":
        from quiz.render.data import to_json

        click.echo(to_json(result))
    else:
        from quiz.render.terminal import printable

        click.echo(printable(table(), _color()))


def _escaped(exc: click.ClickException) -> click.ClickException:
    """The error with the values it echoes (an unknown option, an extra argument) shown escaped."""
    from quiz.render.terminal import printable

    exc.message = printable(exc.message)  # type: ignore[misc]  # Final in click's stubs, set once here
    return exc


class QuizCommand(click.Command):
    """A command whose option values a service refused (OptionError) exit 2 with its usage line,
    as click's own checks of an option do."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            raise _escaped(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OptionError as exc:
            raise _escaped(click.UsageError(str(exc), ctx=ctx)) from None


class QuizGroup(click.Group):
    """Turns the project's own errors into one-line messages with exit status 1."""

    command_class = QuizCommand
    group_class = type  # subgroups are QuizGroups too

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        _check_utf8(args[1] if len(args) > 1 else kwargs.get("args", []))
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            raise _escaped(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        # Every message echoes values as they were given or stored: shown escaped, never run.
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _escaped(exc) from None
        except QuizError as exc:
            raise _escaped(click.ClickException(_shown(ctx, str(exc)))) from None
        except Exception as exc:
            if type(exc).__module__.startswith("sqlalchemy"):
                detail = getattr(exc, "orig", None) or exc
                raise _escaped(click.ClickException(_shown(ctx, f"database error: {detail}"))) from None
            raise


def _check_utf8(args: list[str]) -> None:
    """Every argument as UTF-8 before any command runs: a name or path of other bytes ($'\\xff')
    reaches Python as surrogate escapes, which no file, database or terminal can take."""
    for arg in args:
        if isinstance(arg, str) and _SURROGATE.search(arg):
            from quiz.render.terminal import printable

            shown = printable(_SURROGATE.sub(_byte, arg))
            raise click.ClickException(
                f"'{shown}' is not valid UTF-8 (its bytes shown escaped): quiz takes names and paths "
                "as UTF-8; rename the file or give the name in UTF-8"
            )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _byte(match: re.Match[str]) -> str:
    code = ord(match[0])  # Python's surrogateescape maps an undecodable byte B to U+DC00 + B
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _shown(ctx: click.Context, message: str) -> str:
    """A message as printed: the database URL's password never in it (quiz.config.hide_password)."""
    import os

    from quiz import config

    app = ctx.find_object(App)
    url = (app.db_option if app else None) or os.environ.get(config.ENV_DATABASE)
    return config.hide_password(message, url)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="Show text for people, or JSON for programs (the shapes are in the README).",
    )(func)


def force_option(func: F) -> F:
    return click.option(
        "--force",
        is_flag=True,
        help="Replace an existing file that quiz did not write as this kind of output (never the "
        "database, a SQLite file, or anything but a regular file).",
    )(func)


pass_app = click.make_pass_decorator(App)


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    default=None,
    help="Database file or SQLAlchemy URL (default: $QUIZ_DB, else quiz.db in your data folder).",
)
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal (as NO_COLOR does).")
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def main(ctx: click.Context, db: str | None, no_color: bool) -> None:
    """Spaced-repetition flashcards made from clinical source documents."""
    ctx.obj = App(db, no_color)


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


# The commands live beside this module, by use case, and register on `main`.
from quiz.cli import cohorts as _cohorts  # noqa: E402, F401
from quiz.cli import learners as _learners  # noqa: E402, F401
from quiz.cli import library as _library  # noqa: E402, F401
from quiz.cli import progress as _progress  # noqa: E402, F401
