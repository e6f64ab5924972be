"""Signed progress files and keyed pseudonyms: each forgery of issue 14 is refused with its reason
and nothing written, a genuine file imports, no secret is ever shown, pseudonyms need the key.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main
from quiz.core import signing
from tests.conftest import dump
from tests.drive import START, database_at, open_database, review_days

Run = Callable[..., Result]


@dataclass(frozen=True)
class Class:
    """An instructor's database (cohort ortho: ana and bob, each with an invite) and ana's and
    bob's signed exports from their own machines; each test copies what it uses."""

    folder: Path

    def copy(self, tmp_path: Path) -> tuple[str, Path, Path]:
        """This test's instructor database (URL), and ana's and bob's progress files."""
        for name in ("ana.json", "bob.json", "invite-ana.json", "invite-bob.json"):
            shutil.copyfile(self.folder / name, tmp_path / name)
        source, target = sqlite3.connect(self.folder / "instructor.db"), sqlite3.connect(tmp_path / "i.db")
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return f"sqlite:///{tmp_path / 'i.db'}", tmp_path / "ana.json", tmp_path / "bob.json"

    def secret(self, name: str) -> bytes:
        return bytes.fromhex(json.loads((self.folder / f"invite-{name}.json").read_text())["secret"])


def _run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", url, *args], catch_exceptions=False, env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Class:
    folder = tmp_path_factory.mktemp("class")
    instructor = f"sqlite:///{folder / 'instructor.db'}"
    open_database(instructor).dispose()
    for args in (
        ("cohort", "create", "ortho"),
        ("cohort", "assign", "ortho", "heterotopic"),
        ("cohort", "invite", "ortho", "ana", "-o", str(folder / "invite-ana.json")),
        ("cohort", "invite", "ortho", "bob", "-o", str(folder / "invite-bob.json")),
    ):
        assert _run(instructor, *args).exit_code == 0
    for name, seed in (("ana", 1), ("bob", 2)):
        url = f"sqlite:///{folder / f'{name}.db'}"
        engine = open_database(url, name)
        review_days(engine, name, seed, days=12)
        engine.dispose()
        invite = str(folder / f"invite-{name}.json")
        result = _run(url, "progress", "export", "--invite", invite, "-o", str(folder / f"{name}.json"))
        assert result.exit_code == 0, result.output
    return Class(folder)


def _body(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def _write(path: Path, body: dict[str, Any], secret: bytes | None) -> None:
    """Write a body back; re-signed with ``secret`` (a learner lying with their own invite), or
    with its signature as it was (an edit by someone without one)."""
    if secret is not None:
        body.pop("signature", None)
        body["signature"] = signing.sign(body, secret)
    path.write_text(json.dumps(body), encoding="utf-8")


def _count(url: str) -> int:
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return int(connection.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
    finally:
        connection.close()


def test_a_genuine_signed_file_imports(tmp_path: Path, klass: Class) -> None:
    url, ana, bob = klass.copy(tmp_path)
    body = _body(ana)
    assert body["cohort"] == "ortho" and body["signature"].startswith("hmac-sha256:")
    assert "checksum" not in body
    result = _run(url, "cohort", "import", str(ana), str(bob), "--format", "json")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert [f["added"] for f in files] == [len(body["reviews"]), len(_body(bob)["reviews"])]
    assert _count(url) == len(body["reviews"]) + len(_body(bob)["reviews"])


def _edited_grade(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][0][2] = 5 if body["reviews"][0][2] != 5 else 4
    return None  # the learner edits the file by hand: the signature stays the old one


def _made_up_history(body: dict[str, Any], klass: Class) -> bytes | None:
    key = body["reviews"][0][1]
    first = datetime(2026, 8, 1, 9, tzinfo=UTC)
    body["reviews"] = [
        [
            f"made-up-{n}",
            key,
            5,
            "review",
            (first + timedelta(days=n)).isoformat(),
            str((first + timedelta(days=n)).date()),
            4.0,
        ]
        for n in range(90)
    ]
    return hashlib.sha256(b"a guess at the secret").digest()  # signed, but not with ana's invite


def _bob_as_ana(body: dict[str, Any], klass: Class) -> bytes | None:
    body.clear()
    body.update(_body(klass.folder / "bob.json"))
    body["learner"] = "ana"
    return klass.secret("bob")  # bob signs his own log again, now naming ana


def _bob_renamed(body: dict[str, Any], klass: Class) -> bytes | None:
    body.clear()
    body.update(_body(klass.folder / "bob.json"))
    body["learner"] = "ana"
    return None


def _unsigned(body: dict[str, Any], klass: Class) -> bytes | None:
    from quiz.services.progress_file import checksum

    del body["signature"], body["cohort"]
    body["version"] = 1
    body["checksum"] = checksum(body)
    return None


def _dated_2031(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][-1][4] = "2031-01-05T10:00:00+00:00"
    body["reviews"][-1][5] = "2031-01-05"
    return klass.secret("ana")  # ana lies with her own invite: plausibility still refuses


def _infinite_seconds(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][0][6] = float("inf")
    return klass.secret("ana")


def _negative_seconds(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][0][6] = -3
    return klass.secret("ana")


def _bad_time(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][1][4] = "yesterday"
    return klass.secret("ana")


def _grade_7(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][0][2] = 7
    return klass.secret("ana")


def _far_day(body: dict[str, Any], klass: Class) -> bytes | None:
    body["reviews"][0][5] = "2030-01-01"  # the scheduler counts the day: it must be the time's
    return klass.secret("ana")


FORGERIES = [
    ("edited grade", _edited_grade, "its signature is not that of ana's invite for cohort 'ortho'"),
    ("made-up 90-day history", _made_up_history, "its signature is not that of ana's invite"),
    ("bob's log renamed to ana", _bob_renamed, "its signature is not that of ana's invite"),
    ("bob's log signed by bob as ana", _bob_as_ana, "its signature is not that of ana's invite"),
    ("unsigned", _unsigned, "is not signed: the learner exports with the invite you give them"),
    ("reviews dated 2031", _dated_2031, "is dated 2031-01-05T10:00:00+00:00, after the file was exported"),
    ("seconds = inf", _infinite_seconds, "review 1: seconds inf is not a finite duration"),
    ("negative seconds", _negative_seconds, "review 1: seconds -3 is negative"),
    ("time that does not parse", _bad_time, "review 2: time 'yesterday' is not a date and time"),
    ("grade 7", _grade_7, "review 1: grade 7 is not 0 to 5"),
    ("day far from its time", _far_day, "review 1: day 2030-01-01 is not the day of its time"),
]


@pytest.mark.parametrize("how,forge,message", FORGERIES, ids=[f[0] for f in FORGERIES])
def test_each_forgery_is_refused_with_its_reason_and_nothing_written(
    how: str,
    forge: Callable[[dict[str, Any], Class], bytes | None],
    message: str,
    tmp_path: Path,
    klass: Class,
) -> None:
    url, ana, bob = klass.copy(tmp_path)
    body = _body(ana)
    _write(ana, body, forge(body, klass))
    before = dump(tmp_path / "i.db")
    result = _run(url, "cohort", "import", str(bob), str(ana))  # the good file first
    assert result.exit_code == 1
    assert message in result.output and str(ana) in result.output, result.output
    assert "nothing was imported" in result.output and len(result.output.strip().splitlines()) == 1
    assert dump(tmp_path / "i.db") == before


def test_one_review_three_times_is_one_review_in_the_message_and_the_data(
    tmp_path: Path, klass: Class
) -> None:
    url, ana, _bob = klass.copy(tmp_path)
    body = _body(ana)
    body["reviews"] = [body["reviews"][0]] * 3
    _write(ana, body, klass.secret("ana"))
    result = _run(url, "cohort", "import", str(ana))
    assert result.exit_code == 0, result.output
    assert "ana, 1 new review (0 already here)" in result.output
    assert "2 repeated rows of the file counted once" in result.output
    assert _count(url) == 1
    # One id with two different contents is not a repeat: refused.
    other = list(body["reviews"][0])
    other[2] = (other[2] + 1) % 6
    body["reviews"] = [body["reviews"][0], other]
    _write(ana, body, klass.secret("ana"))
    refused = _run(url, "cohort", "import", str(ana))
    assert refused.exit_code == 1 and "review 2 reuses the id of another review" in refused.output


def test_a_new_invite_or_another_cohort_refuses_the_old_signature(tmp_path: Path, klass: Class) -> None:
    url, ana, _bob = klass.copy(tmp_path)
    assert _run(url, "cohort", "create", "neuro").exit_code == 0
    assert _run(url, "cohort", "invite", "neuro", "ana", "-o", str(tmp_path / "n.json")).exit_code == 0
    wrong = _run(url, "cohort", "import", "--cohort", "neuro", str(ana))
    assert wrong.exit_code == 1 and "it was signed for cohort 'ortho', not 'neuro'" in wrong.output
    again = _run(url, "cohort", "invite", "ortho", "ana", "-o", str(tmp_path / "again.json"))
    assert again.exit_code == 0 and "ana's earlier invite no longer signs" in again.output
    old = _run(url, "cohort", "import", str(ana))
    assert old.exit_code == 1 and "its signature is not that of ana's invite" in old.output
    # Leaving the cohort takes the invite with it.
    assert _run(url, "cohort", "remove", "ortho", "ana").exit_code == 0
    assert _run(url, "cohort", "add", "ortho", "ana").exit_code == 0
    gone = _run(url, "cohort", "import", str(ana))
    assert gone.exit_code == 1 and "where ana has no invite: quiz cohort invite ortho ana" in gone.output


def test_an_invite_file_is_private_new_and_its_secret_never_shown(tmp_path: Path, klass: Class) -> None:
    url, _ana, _bob = klass.copy(tmp_path)
    target = tmp_path / "cy.json"
    outputs = [
        _run(url, "cohort", "invite", "ortho", "cy", "-o", str(target), "--format", f) for f in ("json",)
    ]
    assert json.loads(outputs[0].stdout) == {
        "cohort": "ortho",
        "learner": "cy",
        "path": str(target),
        "added": True,
        "replaced": False,
    }
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    secret = json.loads(target.read_text())["secret"]
    before = target.read_text()
    outputs.append(_run(url, "cohort", "invite", "ortho", "cy", "-o", str(target)))
    assert outputs[-1].exit_code == 1 and "exists already" in outputs[-1].output
    assert target.read_text() == before
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    outputs.append(_run(url, "cohort", "invite", "ortho", "cy", "-o", str(link)))
    assert outputs[-1].exit_code == 1 and not (tmp_path / "elsewhere.json").exists()
    # cy reviews on her own machine, exports with the invite; the instructor imports and reports.
    mine = f"sqlite:///{tmp_path / 'cy.db'}"
    engine = open_database(mine, "cy")
    review_days(engine, "cy", 3, days=3)
    engine.dispose()
    out = tmp_path / "p.json"
    outputs.append(_run(mine, "progress", "export", "--invite", str(target), "-o", str(out)))
    outputs.append(
        _run(mine, "progress", "export", "--invite", str(target), "-o", str(out), "--format", "json")
    )
    outputs.append(_run(url, "cohort", "import", str(out)))
    outputs.append(_run(url, "cohort", "import", str(out), "--format", "json"))
    for fmt in ("table", "json", "csv", "html"):
        outputs.append(_run(url, "cohort", "report", "ortho", "--format", fmt))
    assert all(
        r.exit_code == 0 for r in outputs if "exists already" not in r.output and "link" not in r.output
    )
    texts = [r.output for r in outputs] + [out.read_text(), (tmp_path / "i.db").read_bytes().hex()[:0]]
    assert secret and not any(secret in text for text in texts)
    assert all(secret.upper() not in text for text in texts)


def test_pseudonyms_need_the_cohort_key_and_hide_the_cohort_name(tmp_path: Path) -> None:
    from quiz.services import cohorts
    from quiz.store import open_db

    created = datetime(2026, 11, 1, 9, tzinfo=UTC)
    reports: dict[str, list[str]] = {}
    for name in ("one", "two"):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        open_database(url, "Ana Souza", "Ben Okafor").dispose()
        db = open_db(url)
        try:  # the same cohort, the same names, made at the same instant, in two databases
            cohorts.create(db, "Ortho Night Class", created)
            cohorts.add(db, "Ortho Night Class", ("Ana Souza", "Ben Okafor"), created)
            cohorts.assign(db, "Ortho Night Class", "heterotopic", None, created)
        finally:
            db.close()
        reports[name] = [
            _run(url, "cohort", "report", "Ortho Night Class", "--anonymize", "--format", fmt).output
            for fmt in ("table", "json", "csv", "html")
        ]
        again = _run(url, "cohort", "report", "Ortho Night Class", "--anonymize", "--format", "json").output
        assert again == reports[name][1]  # stable from one report to the next
    for text in reports["one"] + reports["two"]:
        assert "Ana" not in text and "Souza" not in text and "Ben" not in text
        assert "Ortho" not in text and "Night Class" not in text
    first, second = (json.loads(reports[n][1]) for n in ("one", "two"))
    assert first["title"].startswith("cohort-") and first["title"] != second["title"]
    names = [{p["name"] for p in report["learners"]} for report in (first, second)]
    assert all(n.startswith("learner-") for n in names[0]) and not names[0] & names[1]
    # The old salt, the creation time, no longer gives them.
    for salt in (str(created), created.isoformat(), "2026-11-01 09:00:00.000000"):
        guesses = {
            "learner-" + hashlib.sha256(f"{salt}\x00{n}".encode()).hexdigest()[:6]
            for n in ("Ana Souza", "Ben Okafor")
        }
        assert not guesses & names[0]


def test_the_upgrade_gives_each_cohort_a_key_of_its_own(tmp_path: Path) -> None:
    from sqlalchemy import text

    with database_at(tmp_path / "old.db", "0005") as (engine, connection):
        for name in ("a", "b"):
            connection.execute(
                text("INSERT INTO cohorts (name, created_at) VALUES (:name, :at)"),
                {"name": name, "at": START},
            )
    engine.dispose()
    assert _run(f"sqlite:///{tmp_path / 'old.db'}", "cohort", "list").exit_code == 0
    connection = sqlite3.connect(tmp_path / "old.db")
    try:
        keys = [row[0] for row in connection.execute("SELECT secret FROM cohort_secrets ORDER BY cohort_id")]
    finally:
        connection.close()
    assert len(keys) == 2 and len(set(keys)) == 2 and all(len(bytes.fromhex(k)) == 32 for k in keys)


def test_a_number_too_long_to_read_is_one_line(tmp_path: Path, klass: Class) -> None:
    url, ana, _bob = klass.copy(tmp_path)
    ana.write_text(ana.read_text().replace('"version":2', '"version":' + "9" * 5000, 1))
    result = _run(url, "cohort", "import", str(ana))
    assert result.exit_code == 1 and "a number too long to read" in result.output
    (tmp_path / "invite-ana.json").write_text('{"format": "quiz-invite", "version": ' + "1" * 5000 + "}")
    export = _run(url, "progress", "export", "--invite", str(tmp_path / "invite-ana.json"))
    assert export.exit_code == 1 and "is not an invite file" in export.output
