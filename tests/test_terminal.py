"""The real program in a pseudo-terminal: keys answer at once, and the process can die mid-session."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the terminal tests")

TIMEOUT = 60  # generous: a loaded CI machine starts Python slowly


def _spawn(db_path: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "QUIZ_DB": str(db_path), "TERM": "dumb", "COLUMNS": "120"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "quiz", "review", *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
    )


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_answer_undo_quit_and_start_again(db_path: Path) -> None:
    child = _spawn(db_path, "--new", "3")
    child.expect("What is heterotopic ossification")
    child.expect("show the answer")
    child.send("\r")  # Enter: a single key, no line needed
    child.expect("lamellar bone")
    child.send("5")
    child.expect("Saved: next in 1 day")
    child.expect("show the answer")
    child.send(" ")
    child.expect("0 blackout")
    child.send("1")
    child.expect("again before the session ends")
    child.expect("show the answer")
    child.send("u")
    child.expect("Undone: your grade 1")
    child.expect("show the answer")
    child.send("q")
    child.expect("Session for")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _rows(db_path, "SELECT grade, kind FROM reviews") == [(5, "review")]
    assert _rows(db_path, "SELECT repetitions, interval FROM card_states") == [(1, 1)]

    again = _spawn(db_path, "--new", "3")
    again.expect("left 2")  # one of today's three new cards is spent
    again.expect("show the answer")
    time.sleep(0.5)  # as a person would: the terminal is in single-key mode by then
    again.sendcontrol("c")
    again.expect("Session for")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0


def test_ctrl_d_quits_cleanly(db_path: Path) -> None:
    child = _spawn(db_path, "--new", "1")
    child.expect("show the answer")
    time.sleep(0.5)  # as a person would: the terminal is in single-key mode by then
    child.sendcontrol("d")
    child.expect("Session for")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_killed_mid_session_keeps_every_answer_given(db_path: Path) -> None:
    child = _spawn(db_path, "--new", "20")
    answered = 0
    for grade in "5432154321":
        child.expect("show the answer")
        child.send("\r")
        child.expect("0 blackout")
        child.send(grade)
        child.expect("Saved")
        answered += 1
    child.expect("show the answer")
    child.kill(signal.SIGKILL)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert _rows(db_path, "SELECT count(*) FROM reviews") == [(answered,)]
    # The other states are the answered cards' siblings, buried until tomorrow.
    assert _rows(db_path, "SELECT count(*) FROM card_states WHERE buried_until IS NULL") == [(answered,)]
    assert _rows(db_path, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_on_a_terminal_unless_no_color(
    db_path: Path, no_color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review colours the card on a terminal; NO_COLOR takes the colour away, not the single keys."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    child = _spawn(db_path, "--new", "1")
    child.expect("show the answer")
    shown = child.before
    child.send("\r")  # one key, with no line: still single-key mode
    child.expect("0 blackout")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    # Colour codes (SGR) only: the screen is cleared between cards with or without colour.
    assert bool(re.search(r"\x1b\[[0-9;]*m", shown)) is not no_color
