"""Hostile input: small documents that hung quiz or ate its memory, files that are not files, and
adversarial lines fed to the generator, each ending in cards or one line, in a time linear code keeps."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.errors import QuizError
from quiz.generator import generate
from tests.benchmarks.hostile import ALIAS_BOMB, BODY
from tests.conftest import Invoke

# Every case below took from 20 s to hours before (quadratic or worse); linear, each takes well
# under a second. The bound only keeps a regression from hanging the suite.
BUDGET_SECONDS = 10
SENTENCE = "Aspirin irreversibly inhibits cyclooxygenase in platelets at 75 mg daily"


class _Overtime(Exception):
    pass


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Fail, instead of hanging, past ``seconds`` (the regular-expression engine checks signals)."""

    def overtime(*_: object) -> None:
        raise _Overtime(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _outcome(text: str, source: str = "hostile.md") -> str:
    """'N cards', or the one-line error: anything else (a traceback, a hang) fails the test."""
    with _within(BUDGET_SECONDS):
        try:
            return f"{len(generate(text, source).cards)} cards"
        except QuizError as exc:
            message = str(exc)
            assert "\n" not in message, message
            return message


# --- front matter --------------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once() -> None:
    # Before: 127 s and 5.4 GB (through `quiz import`).
    assert _outcome(ALIAS_BOMB) == (
        "hostile.md:2: front matter uses YAML aliases (&/*), which quiz does not accept: write the value out"
    )


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("title: &name Warfarin", "hostile.md:2: front matter uses YAML aliases"),
        ("title: " + "a" * 70_000, "hostile.md:1: front matter is over 64 KB"),
        ("title: x\ndeep: " + "[" * 5_000, "hostile.md:3: front matter is nested more than 32 levels deep"),
        ("deep: " + "{a: " * 5_000, "hostile.md:2: front matter is nested more than 32 levels deep"),
        ("deep:\n  " + "- " * 20_000 + "x", "front matter is nested more than 32 levels deep"),
        ("".join(" " * i + "a:\n" for i in range(300)), "front matter is nested more than 32 levels deep"),
    ],
    ids=["anchor", "64 KB", "flow list", "flow mapping", "block list", "block mapping"],
)
def test_front_matter_past_its_bounds_is_one_line(front_matter: str, message: str) -> None:
    # Before: 5,000 '[' ran PyYAML's scanner for minutes; 300 levels of mapping, a RecursionError.
    outcome = _outcome(f"---\n{front_matter}\n---\n# T{BODY}")
    assert outcome.startswith(message) if message.startswith("hostile") else message in outcome, outcome


def test_ordinary_front_matter_still_reads() -> None:
    draft = generate(f"---\ntitle: Warfarin\nid: warfarin\ntags: [a, b]\n---\n# T{BODY}", "w.md")
    assert (draft.name, draft.deck_id, draft.tags) == ("Warfarin", "warfarin", ("a", "b"))


# --- long lines ------------------------------------------------------------------------------------

LONG_LINES: dict[str, str] = {
    # name: a document the fuzzing found slow (its time before, on this machine)
    "spaces before a [ (quadratic: over 120 s)": f"# T\n\n- {SENTENCE} " + " " * 200_000 + "[b" + BODY,
    "a footnote of '_1' x 2,000 (cubic: over 120 s)": (
        f"# T\n\n- {SENTENCE}[^1]\n\n[^1]: {SENTENCE}" + "_1" * 2_000 + BODY
    ),
    "a footnote of '$1' x 50,000 (cubic: over 120 s)": (
        f"# T\n\n- {SENTENCE}[^1]\n\n[^1]: {SENTENCE}" + "$1" * 50_000 + BODY
    ),
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_a_long_hostile_line_ends_in_cards_or_one_line(name: str) -> None:
    outcome = _outcome(LONG_LINES[name])
    assert outcome.endswith("cards") or outcome.startswith("hostile.md"), outcome


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (">" * 1_000_000, 1),  # before: 6 s here, 26 s on the tester's machine, to find nothing
        ("> " * 500_000, 1),
        ("# T\n\n" + "".join("  " * i + f"- {SENTENCE}\n" for i in range(1_000)), 53),
        ("# T\n\n" + "> " * 1_000 + SENTENCE + "\n", 3),
        ("# T\n\n- " + SENTENCE + "\n\n<!-- quiz: skip -->\n" + ">" * 1_000_000, 6),
    ],
    ids=["1 MB of >", "1 MB of '> '", "lists", "quotes", "skipped quotes"],
)
def test_deep_nesting_is_refused_naming_the_line(text: str, line: int) -> None:
    assert (
        _outcome(text) == f"hostile.md:{line}: nests lists or quotes more than 50 levels deep: flatten them"
    )


def test_nesting_a_note_uses_is_read() -> None:
    assert _outcome("# T\n\n" + "".join("  " * i + f"- {SENTENCE}\n" for i in range(20))).endswith("cards")


# --- property: adversarial lines ------------------------------------------------------------------

HOSTILE_CHARS = " []()*_`>#|-!<\\$&"
# Hypothesis favours small numbers: long lines, where quadratic shows, are drawn on purpose.
_length = st.one_of(st.sampled_from([5_000, 20_000, 50_000, 200_000]), st.integers(1, 200_000))
_run = st.tuples(st.sampled_from(HOSTILE_CHARS), _length).map(lambda p: p[0] * p[1])
# Two characters in turn ("_1_1_1..."): a word of a digit and a mark in turn was cubic.
_alternation = st.tuples(
    st.sampled_from(HOSTILE_CHARS), st.sampled_from("1a. "), _length.map(lambda n: n // 2)
).map(lambda p: (p[0] + p[1]) * p[2])
# A run, then what a pattern would try to match after it: "    ...    [1]" was quadratic.
_run_then = st.tuples(_run, st.sampled_from(["[1]", "[x", "(", ")", "::", "]", "[^1]", "1 mg"])).map("".join)
_word = st.sampled_from(["Aspirin", "75 mg", "1", "INR", "e.g.", "::", "==", "[1]", "[^1]", "http://x"])
_mixed = st.lists(st.one_of(_run.map(lambda s: s[:20_000]), _word), min_size=1, max_size=40).map(" ".join)
_nested = st.tuples(
    st.sampled_from(["> ", "- ", "1. ", "[", "(", "**", "_", "`", "<b>", "  - "]), st.integers(1, 1_000)
).map(lambda p: p[0] * p[1] + SENTENCE)
_junk = st.text(min_size=1, max_size=5_000)
_line = st.one_of(_run, _alternation, _run_then, _mixed, _nested, _junk)
CONTEXTS: list[Callable[[str], str]] = [
    lambda line: f"# T{line}{BODY}",
    lambda line: f"# T\n\n- {SENTENCE} {line}{BODY}",
    lambda line: f"# T\n\n{SENTENCE}. {line} {SENTENCE}.{BODY}",
    lambda line: f"# T\n\n| Drug | Effect |\n|---|---|\n| Aspirin | {line} |{BODY}",
    lambda line: f"# T\n\n> [!note] {line}\n> {SENTENCE}{BODY}",
    lambda line: f"# T\n\n- {SENTENCE}[^1]\n\n[^1]: {SENTENCE} {line}{BODY}",
    lambda line: f"---\ntitle: {line[:60_000]}\n---\n# T{BODY}",
    lambda line: line,
]
_context = st.sampled_from(CONTEXTS)


@settings(
    max_examples=60,
    deadline=5_000,  # linear, each case takes milliseconds; quadratic, these sizes take minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(line=_line, context=_context, plain_text=st.booleans())
# The culprits found by timing, pinned: a run of spaces before a citation marker (quadratic) in a
# bullet, and a word of '_' and '1' in turn in a footnote (cubic).
@example(line=" " * 200_000 + "[1]", context=CONTEXTS[1], plain_text=False)
@example(line="_1" * 2_000, context=CONTEXTS[5], plain_text=False)
def test_any_hostile_line_ends_in_cards_or_one_line(
    line: str, context: Callable[[str], str], plain_text: bool
) -> None:
    source = "hostile.txt" if plain_text else "hostile.md"
    outcome = _outcome(context(line), source)
    assert outcome.endswith("cards") or outcome.startswith(source), outcome


# --- files that are not documents -----------------------------------------------------------------


@pytest.fixture
def quiz_in_use(quiz: Invoke) -> Invoke:
    """``quiz`` on a database made already, so that a command's output is its own."""
    assert quiz("decks").exit_code == 0
    return quiz


def _one_line(result: object, *needles: str) -> None:
    from click.testing import Result

    assert isinstance(result, Result)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def _special(tmp_path: Path, kind: str) -> Path:
    if kind == "fifo":
        path = tmp_path / "notes.md"
        os.mkfifo(path)
        return path
    if kind == "folder":
        path = tmp_path / "progress.json"
        path.mkdir()
        return path
    if kind.startswith("link to "):
        path = tmp_path / "notes.md"
        path.symlink_to(kind.removeprefix("link to "))
        return path
    return Path(kind)


SPECIAL = {
    "fifo": "is a named pipe (FIFO), not a regular file",
    "/dev/zero": "is a device, not a regular file",
    "/dev/urandom": "is a device, not a regular file",
    "link to /dev/urandom": "is a device, not a regular file",
    "link to /dev/zero": "is a device, not a regular file",
}

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")


@needs_posix
@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("command", [("import",), ("cohort", "import"), ("outline",)])
def test_what_is_not_a_regular_file_is_refused_before_it_is_read(
    kind: str, command: tuple[str, ...], quiz_in_use: Invoke, tmp_path: Path
) -> None:
    # Before: a FIFO blocked forever; /dev/zero ran out of memory; /dev/urandom, a traceback.
    path = _special(tmp_path, kind)
    with _within(BUDGET_SECONDS):
        result = quiz_in_use(*command, str(path))
    _one_line(result, str(path), SPECIAL[kind])


def test_a_folder_given_as_a_progress_file(quiz_in_use: Invoke, tmp_path: Path) -> None:
    path = _special(tmp_path, "folder")
    _one_line(quiz_in_use("cohort", "import", str(path)), str(path), "is a folder, not a regular file")


def test_a_binary_document_names_the_byte(quiz_in_use: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "scan.md"
    path.write_bytes(b"# Scan\n\nline\n\x89PNG\x00\x01")
    _one_line(quiz_in_use("import", str(path)), f"{path}: is a binary file", "NUL at byte 17")


def test_a_latin_1_document_names_the_byte(quiz_in_use: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"# Caf\n\n- caf\xe9 au lait\n")
    _one_line(quiz_in_use("import", str(path)), f"{path}:3: is not UTF-8 text (byte 0xe9 at byte 12)")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000, "is not a quiz progress file (nested too deeply)"),
        (b'{"format": ' + b"1" * 5_000 + b"}", "is not a quiz progress file (a number too long to read)"),
        (b'{"format": "quiz-progress", "learner": "\xff"}', "not UTF-8 text at byte 40"),
    ],
    ids=["100,000 [", "5,000 digits", "latin-1"],
)
def test_a_hostile_progress_file_is_one_line(
    content: bytes, message: str, quiz_in_use: Invoke, tmp_path: Path
) -> None:
    # Before: RecursionError and ValueError tracebacks.
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    _one_line(quiz_in_use("cohort", "import", str(path)), str(path), message)


def test_a_file_over_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from quiz.files import read_limited

    path = tmp_path / "notes.md"
    path.write_bytes(b"x" * 2_000)
    with pytest.raises(QuizError, match="over the 1 KiB limit"):
        read_limited(path, 1_024, QuizError)
    assert read_limited(path, 2_000, QuizError) == b"x" * 2_000


def test_an_80_kb_line_that_makes_no_card_is_quoted_short(quiz: Invoke, tmp_path: Path) -> None:
    """The outline names the piece of text that made no card; it does not print all 80 KB of it."""
    note = tmp_path / "long.md"
    note.write_text("# Long\n\n- " + " ".join(["x(y", "[z", "*w_"] * 9_000) + "\n", encoding="utf-8")
    result = quiz("outline", "--cards", str(note))
    assert result.exit_code == 0
    assert "no card: line 3:" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 300
