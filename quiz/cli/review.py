"""The interactive review loop (CLI layer): read keys, call the review session, print.

On a terminal a key answers at once; otherwise each prompt reads one line, so the loop can be
scripted and tested. Each answer is committed before the next card is shown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

import click

from quiz.errors import ConflictError, DatabaseBusyError
from quiz.render import review as render
from quiz.render.style import use_color
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


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or Ctrl-D)."""


@dataclass
class Terminal:
    """Keys in, text out: one key at a time on a terminal, one line per prompt otherwise."""

    stdin: TextIO
    stdout: TextIO
    interactive: bool
    color: bool = False

    @classmethod
    def standard(cls, stdout: TextIO | None = None) -> Terminal:
        """The process's terminal; ``stdout``: where the cards go (standard error when standard output
        carries JSON). Keys are read one at a time, and colour used, only on a terminal."""
        out = stdout or sys.stdout
        return cls(sys.stdin, out, sys.stdin.isatty() and out.isatty(), use_color(out))

    def say(self, text: str = "") -> None:
        click.echo(text, file=self.stdout, color=self.color)

    def key(self, prompt: str) -> str:
        click.echo(prompt, file=self.stdout, nl=not self.interactive, color=self.color)
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
        click.echo(prompt, file=self.stdout, nl=not self.interactive, color=self.color)
        try:
            line = self.stdin.readline()
        except (KeyboardInterrupt, EOFError):
            raise Quit from None
        if not line:
            raise Quit
        return line.rstrip("\n")


def _undone(action: Action | None) -> str:
    """What `u` took back: each press goes one step further back, to the sitting's first."""
    if action is None:
        return "Nothing to undo."
    if action.answered is not None:
        return render.undone(action.answered)
    return f"Undone: the card is no longer {'suspended' if action.kind == 'suspend' else 'buried'}."


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
                say(_undone(undone[0] if undone else None))
        elif key == "s":
            if self._write(lambda: self.review.suspend(self.db)):
                say("Suspended: it will not be shown again until quiz unsuspend.")
        elif key == "b":
            if self._write(lambda: self.review.bury(self.db)):
                say("Buried until tomorrow.")
        else:
            return False
        return True

    def _one_card(self) -> None:
        card = shown_card(self.review)
        assert card is not None
        color = self.terminal.color
        self.terminal.say(
            render.progress(
                len(self.review.history), self.review.left(), time.monotonic() - self.started, color
            )
        )
        self.terminal.say(render.front(card, color))
        shown = time.monotonic()
        comparison: Comparison | None = None
        if self.typed:
            typed = self.terminal.line("Your answer (Enter alone to just show it):")
            if typed.strip():
                comparison = check_typed(self.review, typed)
        else:
            while True:
                key = self.terminal.key(render.front_prompt(color))
                if key in ENTER:
                    break
                if self._command(key):
                    return
                self.terminal.say("Press Enter to show the answer (? for help).")
        self.terminal.say(render.back(card, color))
        if comparison is not None:
            self.terminal.say(render.comparison(comparison, color))
        while True:
            key = self.terminal.key(render.grade_prompt(comparison, color))
            if key in ENTER and comparison is not None:
                grade = comparison.suggested
            elif len(key) == 1 and key in "012345":
                grade = int(key)
            elif self._command(key):
                return
            else:
                self.terminal.say("Press a grade from 0 to 5 (? for help).")
                continue
            if self._answer(grade, time.monotonic() - shown):
                return

    def _answer(self, grade: int, seconds: float) -> bool:
        """Save one grade; False if it could not be saved and the learner should grade again."""
        answered: list[Answered] = []

        def save() -> None:
            answered.append(self.review.answer(self.writer, grade, datetime.now(UTC), seconds))

        if not self._write(save, skip_on_conflict=True):
            return False
        for item in answered:
            self.terminal.say(render.answered(item, self.terminal.color))
        return True
