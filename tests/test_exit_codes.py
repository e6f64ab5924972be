"""Exit codes: a bad option or option value exits 2 with the command's usage and one line saying
what is wrong (whether click or a service found it); a failed operation exits 1."""

from __future__ import annotations

import pytest

from tests.conftest import Invoke

BAD_OPTIONS = [
    (("review", "--new", "-3"), "'--new': -3 is not in the range 0<=x<=100000"),
    (("review", "--limit", "-1"), "'--limit': -1 is not in the range 0<=x<=100000"),
    (("review", "--new", "many"), "'--new': 'many' is not a valid integer"),
    (("review", "--leech-threshold", "0"), "'--leech-threshold': 0 is not in the range 1<=x<=1000"),
    (("status", "--format", "xml"), "'--format': 'xml' is not one of"),
    (("decks", "--colour"), "No such option '--colour'"),
    (("simulate", "--learners", "0"), "'--learners': 0 is not in the range x>=1"),
    (("simulate", "--days", "-5"), "'--days': -5 is not in the range x>=1"),
    (("simulate", "--learners", "20000"), "--learners must be 1 to 10000, not 20000"),
    (("simulate", "--days", "5000"), "--days must be 1 to 3650, not 5000"),
    (
        ("cohort", "report", "ortho", "--deck", "hetero", "--since", "2999-01-01"),
        "--since 2999-01-01 is after today",
    ),
    (("stats", "--since", "yesterday"), "'--since': 'yesterday' does not match the format"),
    (("stats", "--min-retention", "1.5"), "'--min-retention': 1.5 is not in the range 0<=x<=1"),
    (("stats", "--inactive-days", "0"), "'--inactive-days': 0 is not in the range 1<=x<=36500"),
    (("cohort", "report", "ortho", "--backlog-days", "-1"), "'--backlog-days': -1.0 is not in the range"),
    (("cohort", "assign", "ortho", "hetero", "--due", "2001-01-01"), "--due 2001-01-01 is in the past"),
    (("cohort", "assign", "ortho", "hetero", "--due", "30/06/2099"), "'--due': '30/06/2099' does not match"),
    (("export", "anki", "--format", "yaml"), "'--format': 'yaml' is not one of"),
]


@pytest.mark.parametrize("args,message", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_a_bad_option_exits_2_with_the_usage_line(quiz: Invoke, args: tuple[str, ...], message: str) -> None:
    assert quiz("cohort", "create", "ortho").exit_code == 0  # a cohort to name; the HO deck is there
    result = quiz(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Usage: ") and f" {args[0]} " in lines[0]  # the command's own usage
    assert lines[-1].startswith("Error: ") and message in lines[-1]
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.mark.parametrize(
    "args,message",
    [
        (("cards", "cardiology"), "no deck 'cardiology'"),
        (("review", "--learner", "nobody"), "no learner 'nobody'"),
        (("cohort", "show", "nobody"), "no cohort 'nobody'"),
        (("learner", "rename", "nobody", "somebody"), "no learner 'nobody'"),
    ],
)
def test_a_failed_operation_exits_1_with_one_line(quiz: Invoke, args: tuple[str, ...], message: str) -> None:
    quiz("decks")  # the database made first, so its notes are not in the way
    result = quiz(*args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
