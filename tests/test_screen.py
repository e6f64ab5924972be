"""The review as a flashcard on a real terminal (a pseudo-terminal, at 80 and 120 columns, NO_COLOR):
a clean screen per card, text wrapped to the width, `?` and the typed-mode keys."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from quiz.render.terminal import CLEAR

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the terminal tests")

TIMEOUT = 60
WIDTHS = [80, 120]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Review:
    """`quiz review` in a pseudo-terminal of ``width`` columns, everything it wrote kept."""

    def __init__(self, db_path: Path, width: int, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env.update(QUIZ_DB=str(db_path), TERM="xterm", NO_COLOR="1")
        self.log = io.StringIO()
        self.width = width
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "quiz", "review", *args],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(50, width),
        )
        self.child.logfile_read = self.log

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def written(self) -> str:
        return self.log.getvalue().replace("\r\n", "\n")

    def screens(self) -> list[str]:
        """What was written after each clear: one screen per card shown."""
        return self.written().split(CLEAR)[1:]

    def screen(self) -> str:
        return self.screens()[-1]

    def end(self) -> None:
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == 0

    def lines_fit(self) -> None:
        for screen in self.screens():
            for line in screen.split("\n"):
                assert len(line) <= self.width, f"{len(line)} columns: {line!r}"


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def _fronts(db_path: Path) -> list[str]:
    return [str(front) for (front,) in _rows(db_path, "SELECT front FROM cards")]


@pytest.mark.parametrize("width", WIDTHS)
def test_each_card_on_a_clean_screen_wrapped_to_the_width(db_path: Path, width: int) -> None:
    review = Review(db_path, width, "--new", "6")
    review.expect(r"show the answer · \? help")
    fronts = _fronts(db_path)  # the database is made by now
    previous: str | None = None
    for grade in "453":
        if previous is not None:
            review.expect(r"show the answer · \? help")
        screen = review.screen()
        lines = [line for line in screen.split("\n") if line.strip()]
        assert lines[0].startswith("done ") and " · left " in lines[0]  # the progress line on top
        flat = " ".join(screen.split())
        shown = [front for front in fronts if " ".join(front.split()) in flat]
        assert len(shown) == 1, shown  # this card's question, whole though wrapped
        assert previous is None or previous not in shown  # and the previous card gone
        previous = shown[0]
        review.child.send("\r")
        review.expect("5 perfect")
        below = review.screen()
        assert below.index("show the answer") < below.index("0 blackout")  # the answer below
        review.child.send(grade)
    review.expect("show the answer")
    assert "Saved: next in" in review.screen()  # what the last grade did, on top of the next card
    review.child.send("q")
    review.expect("Session for")
    review.end()
    review.lines_fit()
    legend = [line for line in review.written().split("\n") if "blackout" in line or "perfect" in line]
    for grade in ("3 right, hard", "4 right, hesitated", "5 perfect"):  # never cut inside one
        assert any(grade in line for line in legend), legend


@pytest.mark.parametrize("width", WIDTHS)
def test_question_mark_after_the_answer_comes_back_to_the_grade_prompt(db_path: Path, width: int) -> None:
    review = Review(db_path, width, "--new", "2")
    review.expect("show the answer")
    review.child.send("\r")
    review.expect("5 perfect")
    review.child.send("?")
    review.expect("Keys:")
    review.expect("5 perfect")  # the grade prompt again, the card still on screen
    screens = len(review.screens())
    review.child.send("5")
    review.expect("done 1")
    review.expect("show the answer")
    assert len(review.screens()) == screens + 1
    review.child.send("q")
    review.end()
    review.lines_fit()
    assert _rows(db_path, "SELECT grade FROM reviews") == [(5,)]


@pytest.mark.parametrize("width", WIDTHS)
def test_typed_q_quits_and_a_literal_q_answers(db_path: Path, width: int) -> None:
    review = Review(db_path, width, "--typed", "--new", "3")
    review.expect(r"Your answer \(Enter alone to just show it; \? help, u undo, q quit\):")
    review.child.sendline("?")
    review.child.expect_exact('"u" or "?" itself, type \\q, \\u')
    review.expect("Your answer")
    review.child.sendline("\\q")  # the answer "q" itself
    review.expect("suggested grade")
    review.expect("Enter accepts")
    review.child.send("0")
    review.expect("Your answer")
    review.child.sendline("q")
    review.expect("Session for")
    review.end()
    review.lines_fit()
    assert _rows(db_path, "SELECT grade FROM reviews") == [(0,)]  # one answer, then q quit


@pytest.mark.parametrize("width", WIDTHS)
def test_typed_u_undoes_and_a_literal_u_answers(db_path: Path, width: int) -> None:
    review = Review(db_path, width, "--typed", "--new", "3")
    review.expect("Your answer")
    first = review.screen()
    review.child.sendline("")  # just show the answer
    review.expect("5 perfect")
    review.child.send("5")
    review.expect("Saved: next in")
    review.expect("Your answer")
    review.child.sendline("u")  # undo that grade: the first card again
    review.expect("Undone: your grade 5")
    review.expect("Your answer")
    asked = [f for f in _fronts(db_path) if " ".join(f.split()) in " ".join(first.split())]
    assert len(asked) == 1 and " ".join(asked[0].split()) in " ".join(review.screen().split())  # again
    review.child.sendline("\\u")  # the answer "u" itself
    review.expect("suggested grade")
    review.expect("Enter accepts")
    review.child.send("1")
    review.expect("Your answer")
    review.child.sendline("q")
    review.expect("Session for")
    review.end()
    review.lines_fit()
    assert _rows(db_path, "SELECT grade FROM reviews") == [(1,)]  # the 5 taken back, "u" answered


@pytest.mark.parametrize("width", WIDTHS)
def test_card_text_with_escape_sequences_is_shown_escaped(db_path: Path, width: int) -> None:
    first = Review(db_path, width, "--new", "1")  # makes the database
    first.expect("show the answer")
    first.child.send("q")
    first.end()
    payload = "\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07\x9b31m"
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE cards SET front = ? || front, back = back || ?", (payload, payload))
        connection.execute("UPDATE decks SET name = name || ?", (payload,))
    review = Review(db_path, width, "--cram", "--section", "CT Scan")
    review.expect("show the answer")
    review.child.send("\r")
    review.expect("5 perfect")
    review.child.send("q")
    review.end()
    written = review.written().replace(CLEAR, "")
    found = RAW.search(written)
    assert found is None, f"raw {found[0]!r}"
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in written.replace("\n", "")
    review.lines_fit()


@pytest.mark.parametrize("command", [["status"], ["review", "--new", "1"]])
def test_no_color_option_takes_the_colour_away_on_a_terminal(db_path: Path, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(QUIZ_DB=str(db_path), TERM="xterm")
    sgr = re.compile(r"\x1b\[[0-9;]*m")
    outputs = []
    for flag in ([], ["--no-color"]):
        child = pexpect.spawn(
            sys.executable, ["-m", "quiz", *flag, *command], env=env, encoding="utf-8", timeout=TIMEOUT
        )
        if command[0] == "review":
            child.expect("show the answer")
            child.send("q")
        child.expect(pexpect.EOF)
        child.close()
        outputs.append(child.before)
    coloured, plain = outputs
    assert sgr.search(coloured) and not sgr.search(plain)


def _run(db_path: Path, width: int, *args: str) -> list[str]:
    """`quiz ARGS` on a terminal of ``width`` columns: its lines."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(QUIZ_DB=str(db_path), TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quiz", *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, width),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before).replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_status_fits_the_width_names_whole_and_the_tree_true(db_path: Path, width: int) -> None:
    lines = _run(db_path, width, "status")
    table = lines[lines.index(next(line for line in lines if line.startswith("Status for"))) :]
    assert all(len(line) <= width for line in table), max(table, key=len)
    assert not any("…" in line for line in table)
    rule = next(i for i, line in enumerate(table) if line.startswith("---"))
    column = len(table[rule].split()[0])
    names = [line[:column].rstrip() for line in table[rule + 1 :]]
    text = " ".join(" ".join(names).split())
    for name in ("Heterotopic Ossification", "Fibrodysplasia Ossificans Progressiva (FOP)"):
        assert name in text
    assert "deck and section" in " ".join(" ".join(line[:column] for line in table[1:rule]).split())
    # Sections with no cards of their own head the sections under them, indented one step less.
    for parent, child in (
        ("Prevention and Treatment", "Prevention"),
        ("Clinical Considerations", "Timing of"),
    ):
        parent_at = next(i for i, line in enumerate(names) if line.strip().startswith(parent))
        child_at = next(i for i, line in enumerate(names) if line.strip().startswith(child) and i > parent_at)
        indent = len(names[parent_at]) - len(names[parent_at].lstrip())
        assert len(names[child_at]) - len(names[child_at].lstrip()) == indent + 2
        assert "Pathogenesis" not in " ".join(names[parent_at:child_at])


@pytest.mark.parametrize("width", WIDTHS)
def test_cards_fit_the_width_words_whole_the_key_whole(db_path: Path, width: int) -> None:
    _run(db_path, width, "status")  # makes the database
    lines = _run(db_path, width, "cards", "heterotopic")
    keys = [str(key) for (key,) in _rows(db_path, "SELECT key FROM cards")]
    text = "\n".join(lines)
    assert all(key in text for key in keys)  # each key whole, to be copied
    assert all(len(line) <= width for line in lines if line.strip() not in {f"key: {k}" for k in keys})
    words = {w for (front,) in _rows(db_path, "SELECT front FROM cards") for w in front.split()}
    cells = set(text.split())
    broken = [w for w in words if len(w) <= 12 and w not in cells and w.strip(".,:;?()") not in text]
    assert not broken, broken
    assert "Characteristics" in cells
