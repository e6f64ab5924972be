"""The interactive review loop (CLI layer): read keys, call the review session, print.

On a terminal a key answers at once and each card has a clean screen, its text wrapped to the
terminal's width; otherwise each prompt reads one line, so the loop can be scripted and tested.
Each answer is committed before the next card is shown.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

import click

from quiz.errors import ConflictError, DatabaseBusyError
from quiz.render import review as render
from quiz.render.terminal import CLEAR, printable, wrap
from quiz.services.review import (
    Action,
    Answered,
    AnswerWriter,
    Comparison,
    ReviewSession,
    ReviewSummary,
    check_typed,
)
from quiz.services.review import shown as shown_card
from quiz.store.db import Db

ENTER = ("", "\r", "\n", " ")
LITERAL = "\\"  # a typed answer starting with it is taken as written: \q answers "q", \? answers "?"


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or Ctrl-D)."""


@dataclass
class Terminal:
    """Keys in, text out: one key at a time on a terminal, one line per prompt otherwise.

    Everything said is shown with its control characters escaped; on a terminal it is wrapped to
    the terminal's width, and what is noticed after a card waits for the next card's screen."""

    stdin: TextIO
    stdout: TextIO
    interactive: bool
    color: bool = False
    notices: list[str] = field(default_factory=list)

    @classmethod
    def standard(cls, stdout: TextIO | None = None) -> Terminal:
        """The process's terminal; ``stdout``: where the cards go (standard error when standard output
        carries JSON). Keys are read one at a time, and colour used, only on a terminal."""
        from quiz.cli import color_on

        out = stdout or sys.stdout
        return cls(sys.stdin, out, sys.stdin.isatty() and out.isatty(), color_on(out))

    def width(self) -> int | None:
        """The terminal's width, read again for each card (it may be resized); None off a terminal."""
        return shutil.get_terminal_size().columns if self.interactive else None

    def _text(self, text: str) -> str:
        return wrap(printable(text, self.color), self.width())

    def say(self, text: str = "") -> None:
        click.echo(self._text(text), file=self.stdout, color=self.color)

    def notice(self, text: str) -> None:
        """A line about what was just done: on a terminal, at the top of the next card's screen."""
        if self.interactive:
            self.notices.append(text)
        else:
            self.say(text)

    def clear(self) -> None:
        """A clean screen for the next card (quiz's own escape, only on a terminal), the progress
        line on top, then the notices kept for it."""
        if self.interactive:
            self.stdout.write(CLEAR)
            self.stdout.flush()

    def flush(self) -> None:
        for text in self.notices:
            self.say(text)
        self.notices.clear()

    def key(self, prompt: str) -> str:
        click.echo(self._text(prompt), file=self.stdout, nl=not self.interactive, color=self.color)
        try:
            if self.interactive:
                key = click.getchar()
                click.echo(file=self.stdout)
                return key.lower()
            line = self.stdin.readline()
        except (KeyboardInterrupt, EOFError):
            raise Quit from None
        if not line:
            raise Quit  # end of input
        return line.strip().lower()

    def line(self, prompt: str) -> str:
        click.echo(self._text(prompt), file=self.stdout, nl=not self.interactive, color=self.color)
        try:
            line = self.stdin.readline()
        except (KeyboardInterrupt, EOFError):
            raise Quit from None
        if not line:
            raise Quit
        return line.rstrip("\n")


class Loop:
    def __init__(
        self, review: ReviewSession, db: Db, writer: AnswerWriter, terminal: Terminal, typed: bool = False
    ) -> None:
        self.review = review
        self.db = db
        self.writer = writer
        self.terminal = terminal
        self.typed = typed
        self.started = time.monotonic()

    def _write(self, action: Callable[[], object], skip_on_conflict: bool = False) -> bool:
        """Run one change (its own transaction); say why if it could not be saved."""
        try:
            action()
        except DatabaseBusyError as exc:
            self.terminal.say(render.problem(str(exc), self.terminal.color))
            return False
        except ConflictError as exc:
            self.terminal.say(render.problem(str(exc), self.terminal.color))
            if skip_on_conflict:  # answered elsewhere: this session moves on
                self.review.skip()
                return True
            return False
        return True

    def run(self) -> ReviewSummary:
        say = self.terminal.say
        if self.review.current() is None:
            say(render.nothing_due(self.review))
        try:
            while self.review.current() is not None:
                self._one_card()
        except (Quit, KeyboardInterrupt):  # Ctrl-C between keys: the answers given are saved
            say()
        self.terminal.flush()
        return self.review.summary(self.db, time.monotonic() - self.started)

    def _command(self, key: str) -> bool:
        """Handle u, s, b, ? and q; True if the key was one of them."""
        say = self.terminal.say
        if key == "q":
            raise Quit
        if key == "?":
            say(render.help_text())
        elif key == "u":
            undone: list[Action | None] = []
            if self._write(lambda: undone.append(self.review.undo(self.writer))):
                self.terminal.notice(render.undone(undone[0] if undone else None))
        elif key == "s":
            if self._write(lambda: self.review.suspend(self.db)):
                self.terminal.notice("Suspended: it will not be shown again until quiz unsuspend.")
        elif key == "b":
            if self._write(lambda: self.review.bury(self.db)):
                self.terminal.notice("Buried until tomorrow.")
        else:
            return False
        return True

    def _one_card(self) -> None:
        card = shown_card(self.review)
        assert card is not None
        color = self.terminal.color
        self.terminal.clear()
        self.terminal.say(
            render.progress(
                len(self.review.history), self.review.left(), time.monotonic() - self.started, color
            )
        )
        self.terminal.flush()
        self.terminal.say(render.front(card, color))
        shown = time.monotonic()
        comparison: Comparison | None = None
        if self.typed:
            typed = self._typed()
            if typed is None:  # undone: the card the undo went back to comes next
                return
            if typed.strip():
                comparison = check_typed(self.review, typed)
        else:
            while True:
                key = self.terminal.key(render.front_prompt(color))
                if key in ENTER:
                    break
                if key == "?":  # the keys, under the card: it stays on screen
                    self.terminal.say(render.help_text())
                    continue
                if self._command(key):
                    return
                self.terminal.say("Press Enter to show the answer (? for help).")
        self.terminal.say(render.back(card, color))
        if comparison is not None:
            self.terminal.say(render.comparison(comparison, color, self.terminal.width()))
        while True:
            key = self.terminal.key(render.grade_prompt(comparison, color, self.terminal.width()))
            if key in ENTER and comparison is not None:
                grade = comparison.suggested
            elif len(key) == 1 and key in "012345":
                grade = int(key)
            elif key == "?":  # the keys, then back to this grade prompt
                self.terminal.say(render.help_text(self.typed))
                continue
            elif self._command(key):
                return
            else:
                self.terminal.say("Press a grade from 0 to 5 (? for help).")
                continue
            if self._answer(grade, time.monotonic() - shown):
                return

    def _typed(self) -> str | None:
        """The typed answer, or None after ``u`` alone undid the last step. ``q`` alone quits and
        ``?`` alone shows the keys, as the keys do elsewhere; a leading backslash takes the rest as
        written (\\q answers "q", \\u answers "u")."""
        while True:
            typed = self.terminal.line(render.typed_prompt(self.terminal.color))
            if typed.strip() == "q":
                raise Quit
            if typed.strip() == "u":
                self._command("u")
                return None
            if typed.strip() == "?":
                self.terminal.say(render.help_text(typed=True))
                continue
            stripped = typed.strip()
            return stripped[len(LITERAL) :] if stripped.startswith(LITERAL) else typed

    def _answer(self, grade: int, seconds: float) -> bool:
        """Save one grade; False if it could not be saved and the learner should grade again."""
        answered: list[Answered] = []

        def save() -> None:
            answered.append(self.review.answer(self.writer, grade, datetime.now(UTC), seconds))

        if not self._write(save, skip_on_conflict=True):
            return False
        for item in answered:
            self.terminal.notice(render.answered(item, self.terminal.color))
        return True
