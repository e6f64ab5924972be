"""The terminal shows text, never commands: control characters in names and card text come out
escaped in every command's output, even through a pipe, and names holding them are refused."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from quiz.render.style import paint
from quiz.render.terminal import printable, shown, wrap
from tests.conftest import Invoke

PAYLOADS = [
    "\x1b]0;pwned\x07",  # set the window's title
    "\x1b[2J",  # clear the screen
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07",  # a clickable link to anywhere
    "\x9b31m",  # C1's one-character CSI
    "\u202egpj.exe\u2066",  # a bidi override: the text after it shows reversed ("exe.jpg")
]
# What must never reach the terminal: control characters, bidi overrides and isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# JSON is read by programs: a bidi control there is text, quoted, and reorders nothing of quiz's.
RAW_JSON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str, raw: re.Pattern[str] = RAW) -> None:
    found = raw.search(text)
    assert found is None, f"raw {found[0]!r} in {text!r}"


@pytest.fixture(params=PAYLOADS, ids=["title", "clear", "link", "c1", "bidi"])
def hostile(request: pytest.FixtureRequest, quiz: Invoke, db_path: Path) -> str:
    """A database whose learner, cohort, deck, section and cards hold the payload, as a database
    written before names were checked, or edited by hand, would."""
    payload: str = request.param
    quiz("cohort", "create", "nurses")
    quiz("cohort", "add", "nurses", "alice")
    quiz("cohort", "assign", "nurses", "heterotopic-ossification")
    assert quiz("review", "--learner", "alice", "--new", "2", input="\n4\n\n1\nq\n").exit_code == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE learners SET name = ? WHERE name = 'alice'", (f"al{payload}ice",))
        connection.execute("UPDATE cohorts SET name = ?", (f"nur{payload}ses",))
        connection.execute("UPDATE decks SET name = ?", (f"Heterotopic{payload} Ossification",))
        connection.execute(
            "UPDATE sections SET title = replace(title, 'Types', ?), path = replace(path, 'Types', ?)",
            (f"Ty{payload}pes", f"Ty{payload}pes"),
        )
        connection.execute("UPDATE cards SET front = ? || front, back = back || ?", (payload, payload))
    return payload


def test_every_command_shows_names_and_cards_escaped(quiz: Invoke, hostile: str, tmp_path: Path) -> None:
    learner, cohort = f"al{hostile}ice", f"nur{hostile}ses"
    commands = [
        ["learner", "list"],
        ["cohort", "list"],
        ["cohort", "show", cohort],
        ["cohort", "report", cohort],
        ["cohort", "report", cohort, "--format", "csv"],
        ["cohort", "report", cohort, "--format", "html"],
        ["status", "--learner", learner],
        ["stats", "--learner", learner],
        ["stats", "--learner", learner, "--format", "csv"],
        ["cards", "heterotopic-ossification"],
        ["decks"],
        ["leeches", "--learner", learner],
        ["cohort", "assign", cohort, "heterotopic-ossification"],
        ["unsuspend", "--learner", learner],
    ]
    for args in commands:
        result = quiz(*args)
        assert result.exit_code == 0, (args, result.output)
        _clean(result.stdout)
        _clean(result.stderr)
    assert any(code in quiz("learner", "list").stdout for code in ("\\x1b", "\\x9b", "\\u202e"))
    review = quiz("review", "--learner", learner, "--cram", input="\n5\n\n?\n5\nq\n")
    assert review.exit_code == 0, review.output
    _clean(review.stdout)
    assert shown(hostile) in review.stdout  # shown, not dropped: the learner sees what is there


def test_json_has_no_raw_control_characters(quiz: Invoke, hostile: str) -> None:
    for args in (
        ["learner", "list"],
        ["cohort", "report", f"nur{hostile}ses"],
        ["cards", "heterotopic-ossification"],
        ["status", "--learner", f"al{hostile}ice"],
    ):
        result = quiz(*args, "--format", "json")
        _clean(result.stdout, RAW_JSON)
        json.loads(result.stdout)  # still JSON, the characters escaped as \u00XX
    names = [row["name"] for row in json.loads(quiz("learner", "list", "--format", "json").stdout)]
    assert f"al{hostile}ice" in names  # the value itself, for a program


def test_errors_echo_values_escaped(quiz: Invoke, hostile: str) -> None:
    for args in (
        ["cards", f"cardio{hostile}logy"],
        ["cohort", "show", f"x{hostile}"],
        ["status", "--learner", f"bob{hostile}"],
        ["learner", "rename", f"al{hostile}ice", f"alice{hostile}"],
        ["learner", "add", f"bob{hostile}"],
        ["cohort", "create", f"x{hostile}"],
        ["cohort", "add", "nurses", f"bob{hostile}"],
        ["decks", f"--bad{hostile}"],
        ["review", "--new", f"x{hostile}"],
    ):
        result = quiz(*args)
        assert result.exit_code in (1, 2), args
        assert [line for line in result.stderr.splitlines() if line.startswith("Error: ")], args
        _clean(result.stdout)
        _clean(result.stderr)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_with_control_characters_are_refused(quiz: Invoke, db_path: Path, payload: str) -> None:
    quiz("cohort", "create", "nurses")
    for args in (
        ["learner", "add", f"bob{payload}"],
        ["cohort", "create", f"x{payload}"],
        ["cohort", "add", "nurses", f"bob{payload}"],
        ["learner", "add", "two\nlines"],
    ):
        result = quiz(*args)
        assert result.exit_code == 1, args
        assert "must not hold control characters" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM learners").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM cohorts").fetchone() == (1,)


def test_a_deck_title_with_control_characters_is_refused(quiz: Invoke, tmp_path: Path) -> None:
    # YAML's double quotes spell ESC and BEL (\e, \a): the one way a document's title gets them.
    evil = tmp_path / "evil.md"
    evil.write_text('---\ntitle: "Evil \\e]0;pwned\\a deck"\n---\n## S\n\n- HO is **bone**\n')
    result = quiz("import", str(evil))
    assert result.exit_code == 1
    assert (
        "evil.md: the deck's title 'Evil \\x1b]0;pwned\\x07 deck' holds control characters" in result.stderr
    )
    _clean(result.stderr)
    outline = quiz("outline", str(evil))
    assert outline.exit_code == 0
    assert outline.stdout.startswith("Evil \\x1b]0;pwned\\x07 deck")
    _clean(outline.stdout)


def test_csv_header_values_are_single_lines(quiz: Invoke, hostile: str, db_path: Path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE sections SET title = 'Two\nlines', path = path || 'Two\nlines'")
    result = quiz("cohort", "report", f"nur{hostile}ses", "--format", "csv")
    header = result.stdout.splitlines()[0]
    assert "Two lines" in header
    _clean(result.stdout)


def test_colour_codes_stay_and_data_codes_do_not() -> None:
    text = paint(shown("a\x1b[2Jb"), True, "bold") + " \x9b31m"
    assert printable(text, color=True) == "\x1b[1ma\\x1b[2Jb\x1b[0m \\x9b31m"
    assert printable(text, color=False) == "\\x1b[1ma\\x1b[2Jb\\x1b[0m \\x9b31m"


@pytest.mark.parametrize("width", [20, 40, 80])
def test_wrap_never_breaks_a_word_that_fits(width: int) -> None:
    text = "  • " + " ".join(["c.617G>A", "p.R206H", "ossification", "x" * 90] * 6)
    lines = wrap(text, width).split("\n")
    assert all(len(line) <= width for line in lines)
    words = [w for line in lines for w in line.replace("•", " ").split()]
    assert [w for w in words if not w.startswith("x")] == [
        w for w in text.replace("•", " ").split() if not w.startswith("x")
    ]
    assert "".join(w for w in words if w.startswith("x")) == "x" * 90 * 6


def test_anki_csv_deck_line_is_one_line(quiz: Invoke, db_path: Path, tmp_path: Path) -> None:
    """A deck name holding a line break (a database from before names were checked) must not add
    a header line of its own to the file Anki's text import reads."""
    assert quiz("decks").exit_code == 0  # the database, made with the bundled deck
    with sqlite3.connect(db_path) as connection:
        broken = "Heterotopic\n#html:false\nOssification"
        connection.execute("UPDATE decks SET name = ?", (broken,))
        connection.execute(
            "UPDATE sections SET title = replace(title, 'Heterotopic Ossification', ?), "
            "path = replace(path, 'Heterotopic Ossification', ?)",
            (broken, broken),
        )
    out = tmp_path / "deck.txt"
    assert quiz("export", "csv", "heterotopic-ossification", "-o", str(out)).exit_code == 0
    headers = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert [line.split(":", 1)[0] for line in headers].count("#html") == 1
    assert "#deck:Heterotopic #html:false Ossification" in headers


def test_bidi_controls_are_shown_escaped() -> None:
    assert shown("evil\u202egpj.exe") == "evil\\u202egpj.exe"
    assert printable("a\u2066b\u2069c\u202a") == "a\\u2066b\\u2069c\\u202a"
    assert shown("\u05e9\u05dc\u05d5\u05dd \u200f") == "\u05e9\u05dc\u05d5\u05dd \u200f"  # Hebrew, RLM: text


BAD_BYTES = "ev\udc9b31mil"  # what click passes for the bytes b"ev\x9b31mil" (not UTF-8)


def test_a_name_or_path_that_is_not_utf8_is_one_line(quiz: Invoke, db_path: Path, tmp_path: Path) -> None:
    bad_file = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"bad\xffname.md"))
    Path(bad_file).write_text("# Title\n\n## Part\n\n- **Q**: A\n", encoding="utf-8")
    for args, escaped in (
        (["learner", "add", BAD_BYTES], "ev\\x9b31mil"),
        (["cohort", "create", BAD_BYTES], "ev\\x9b31mil"),
        (["review", "--learner", BAD_BYTES], "ev\\x9b31mil"),
        (["status", "--learner", BAD_BYTES], "ev\\x9b31mil"),
        (["stats", "--learner", BAD_BYTES], "ev\\x9b31mil"),
        (["cohort", "report", BAD_BYTES], "ev\\x9b31mil"),
        (["import", bad_file], "bad\\xffname.md"),
    ):
        result = quiz(*args, input="q\n")
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert escaped in lines[0] and "UTF-8" in lines[0], lines[0]
        assert not re.search("[\ud800-\udfff]", result.output)
    assert not db_path.exists()  # nothing written: not even the database made
