"""The one error hierarchy: every message says what went wrong and what to do about it."""


class QuizError(Exception):
    """A failed operation the user can fix; the CLI prints it on one line and exits 1."""


class OptionError(QuizError):
    """An option's value the command cannot use (a date in the past, a count too large): a usage
    error, so the CLI exits 2 as for any bad option."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option  # its long name, such as --since
        super().__init__(message)


class DeckError(QuizError):
    """A source document that cannot be turned into cards."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = message  # without the file and line: what a warning about a skipped file says
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")


class StubError(DeckError):
    """A document with nothing to learn in it (front matter only, or only images): skipped, with a
    warning, when it is one of a folder's documents."""


class NotFoundError(QuizError):
    """A deck, section or other named thing that does not exist."""


class DatabaseError(QuizError):
    """A database that cannot be opened, upgraded or used."""


class DatabaseBusyError(DatabaseError):
    """The database stayed locked by another program for longer than the busy timeout."""

    def __init__(self) -> None:
        from quiz.config import busy_timeout_ms

        super().__init__(
            f"the database is locked by another program (waited {busy_timeout_ms() / 1000:g} s):"
            " nothing was saved; try again"
        )


class ConflictError(QuizError):
    """Another session changed the same data first; this change was refused."""
