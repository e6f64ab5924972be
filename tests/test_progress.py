"""Progress files and cohorts: export on the learner's machine, merge on the instructor's, report.

Each case runs on SQLite and, when $QUIZ_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.engine import Engine

from quiz.cli import main
from quiz.render.reports import as_data
from quiz.services.reports import cohort_report
from quiz.store import progress as store_progress
from quiz.store.db import AlchemyDb, open_sqlite
from quiz.store.schema import make_engine
from tests.drive import START, database_at, open_database, review_days
from tests.test_counts import assert_counts_kept

Run = Callable[..., Result]
REPORT_NOW = START + timedelta(days=17, hours=5)


def _report(engine: Engine, url: str, cohort: str = "ortho") -> dict[str, Any]:
    reader = AlchemyDb(engine.connect())
    try:
        data = as_data(cohort_report(reader, cohort, REPORT_NOW))
    finally:
        reader.close()
    if url.startswith("sqlite"):  # the fast path gives exactly what the engine gives
        fast = open_sqlite(url, read_only=True)
        assert fast is not None
        try:
            assert as_data(cohort_report(fast, cohort, REPORT_NOW)) == data
        finally:
            fast.close()
    return data


# Each learner's invite secret, the same in every database of these tests (quiz cohort invite
# makes a random one: tests/test_signing.py), so one signed file imports into each of them.
SECRETS = {name: hashlib.sha256(name.encode()).digest() for name in ("ana", "ben")}


def _invite_file(folder: Path, name: str) -> Path:
    path = folder / f"invite-{name}.json"
    body = {"format": "quiz-invite", "version": 1, "cohort": "ortho", "learner": name}
    path.write_text(json.dumps({**body, "secret": SECRETS[name].hex()}), encoding="utf-8")
    return path


def _give_invite(url: str, cohort: str, name: str) -> None:
    from quiz.store import cohorts, learners, open_db

    db = open_db(url)
    try:
        with db.transaction():
            group, learner = cohorts.cohort_by_name(db, cohort), learners.learner_by_name(db, name)
            assert group is not None and learner is not None
            cohorts.put_invite(db, group.id, learner.id, SECRETS[name], START)
    finally:
        db.close()


def _setup_cohort(quiz_at: Run, url: str) -> None:
    for args in (
        ("cohort", "create", "ortho"),
        ("cohort", "add", "ortho", "ana", "ben"),
        ("cohort", "assign", "ortho", "heterotopic", "--due", "2099-01-01"),
    ):
        result = quiz_at(url, *args)
        assert result.exit_code == 0, result.output
    for name in SECRETS:
        _give_invite(url, "ortho", name)


def _plain(value: Any) -> Any:
    """A value as SQLite gives it back, to compare rows across databases."""
    if isinstance(value, bool):
        return int(value)
    return value.isoformat() if isinstance(value, date) else value


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(_plain(v) for v in row) for row in connection.execute(text(sql))]


@dataclass(frozen=True)
class Prepared:
    """What many tests start from, made once for the module; each test copies what it uses, so each
    still has its own files and its own database."""

    folder: Path
    given: int  # answers in ana's and ben's files together

    def files(self, tmp_path: Path) -> tuple[Path, Path, int]:
        """ana's and ben's progress files, this test's own copies."""
        copies = []
        for name in ("ana", "ben"):
            copies.append(tmp_path / f"{name}.json")
            shutil.copyfile(self.folder / f"{name}.json", copies[-1])
        return copies[0], copies[1], self.given

    def database(self, name: str, tmp_path: Path) -> str:
        """A copy of a prepared SQLite database (deck: the HO deck; instructor: and the cohort;
        shared: and ana's and ben's reviews given there), as this test's own file."""
        target = tmp_path / f"{name}.db"
        source, copy = sqlite3.connect(self.folder / f"{name}.db"), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """ana and ben review on their own machines (SQLite files) and export their progress; the
    instructor's database before an import; the same answers given in one shared database."""
    folder = tmp_path_factory.mktemp("prepared")
    runner = CliRunner()

    def quiz_at(url: str, *args: str) -> Result:
        return runner.invoke(main, ["--db", url, *args], catch_exceptions=False, env={"COLUMNS": "200"})

    given = 0
    for name, seed, skip in (("ana", 1, 0), ("ben", 2, 4)):
        url = f"sqlite:///{folder / f'{name}.db'}"
        engine = open_database(url, name)
        given += review_days(engine, name, seed, days=18, skip_every=skip)
        engine.dispose()
        invite = str(_invite_file(folder, name))
        result = quiz_at(url, "progress", "export", "--invite", invite, "-o", str(folder / f"{name}.json"))
        assert result.exit_code == 0, result.output
    open_database(f"sqlite:///{folder / 'deck.db'}").dispose()
    shutil.copyfile(folder / "deck.db", folder / "instructor.db")
    _setup_cohort(quiz_at, f"sqlite:///{folder / 'instructor.db'}")
    shared = open_database(f"sqlite:///{folder / 'shared.db'}", "ana", "ben")
    review_days(shared, "ana", 1, days=18)
    review_days(shared, "ben", 2, days=18, skip_every=4)
    shared.dispose()
    _setup_cohort(quiz_at, f"sqlite:///{folder / 'shared.db'}")
    return Prepared(folder, given)


def test_merged_progress_gives_the_report_of_reviewing_here(
    db_url: str, tmp_path: Path, quiz_at: Run, prepared: Prepared
) -> None:
    ana_file, ben_file, given = prepared.files(tmp_path)
    # The reference: the same answers at the same instants, given in one shared database.
    shared_url = prepared.database("shared", tmp_path)
    shared = make_engine(shared_url)
    # The instructor's database gets the two files.
    instructor = open_database(db_url)
    _setup_cohort(quiz_at, db_url)
    result = quiz_at(db_url, "cohort", "import", str(ana_file), str(ben_file))
    assert result.exit_code == 0, result.output
    assert f"{ana_file}: ana," in result.output and "already here" in result.output
    assert _rows(instructor, "SELECT COUNT(*) FROM reviews") == [(given,)]
    merged, reference = _report(instructor, db_url), _report(shared, shared_url)
    assert merged == reference
    ana = next(p for p in merged["learners"] if p["name"] == "ana")
    assert ana["introduced"] > 0 and ana["retention_reviews"] > 0 and ana["streak"] > 0
    # The states replayed from the files are the states the learners have.
    states = (
        "SELECT l.name, c.key, s.repetitions, s.easiness, s.interval, s.due, s.lapses, s.failures, "
        "s.reviews, s.introduced, s.leech FROM card_states s JOIN learners l ON l.id = s.learner_id "
        "JOIN cards c ON c.id = s.card_id WHERE s.introduced IS NOT NULL ORDER BY l.name, c.key"
    )  # met cards: a sibling's burial is the reviewing machine's own, not in the log
    assert _rows(instructor, states) == _rows(shared, states)
    instructor.dispose()
    shared.dispose()


def test_a_bulk_merge_keeps_the_counts_its_triggers_would(
    db_url: str, tmp_path: Path, quiz_at: Run, prepared: Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every merge here takes the bulk path (the counts in one grouped pass, not a trigger run per
    review); ben's file lands on counts ana's already made, in the same cohort and days."""
    monkeypatch.setattr(store_progress, "BULK_REVIEWS", 1)
    ana_file, ben_file, given = prepared.files(tmp_path)
    shared_url = prepared.database("shared", tmp_path)
    shared = make_engine(shared_url)
    instructor = open_database(db_url)
    _setup_cohort(quiz_at, db_url)
    for file in (ana_file, ben_file):
        result = quiz_at(db_url, "cohort", "import", str(file))
        assert result.exit_code == 0, result.output
        assert_counts_kept(instructor)
    assert _rows(instructor, "SELECT COUNT(*) FROM reviews") == [(given,)]
    assert _report(instructor, db_url) == _report(shared, shared_url)
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    if db_url.startswith("sqlite"):  # the trigger paused for the merge is back, as it was
        assert _rows(instructor, triggers) == _rows(shared, triggers)
    instructor.dispose()
    shared.dispose()


def test_importing_a_file_twice_changes_nothing(
    db_url: str, tmp_path: Path, quiz_at: Run, prepared: Prepared
) -> None:
    ana_file, _ben, _given = prepared.files(tmp_path)
    instructor = open_database(db_url)
    _setup_cohort(quiz_at, db_url)
    assert quiz_at(db_url, "cohort", "import", str(ana_file)).exit_code == 0
    everything = (
        "SELECT uid, learner_id, card_id, grade, kind, passed_before, interval, easiness, due "
        "FROM reviews ORDER BY uid"
    )
    states = "SELECT * FROM card_states ORDER BY learner_id, card_id"
    before = (_rows(instructor, everything), _rows(instructor, states))
    again = quiz_at(db_url, "cohort", "import", str(ana_file), "--format", "json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["files"][0]["added"] == 0 and report["files"][0]["reviews"] > 0
    assert (_rows(instructor, everything), _rows(instructor, states)) == before
    instructor.dispose()


def _rewrite(path: Path, change: Callable[[dict[str, Any]], None], reseal: bool) -> None:
    """Change a file; ``reseal``: signed again with its learner's own invite (a learner lying)."""
    from quiz.core.signing import sign

    body = json.loads(path.read_text(encoding="utf-8"))
    secret = SECRETS[body["learner"]]
    change(body)
    if reseal:
        body.pop("signature")
        body["signature"] = sign(body, secret)
    path.write_text(json.dumps(body), encoding="utf-8")


def _edit_grade(body: dict[str, Any]) -> None:
    body["reviews"][0][2] = 5 if body["reviews"][0][2] != 5 else 4


def _other_deck(body: dict[str, Any]) -> None:
    body["decks"] = ["pharmacology"]
    body["reviews"][0][1] = "pharmacology/x/cloze/0123456789"


def _other_learner(body: dict[str, Any]) -> None:
    body["learner"] = "cy"


def _grade_out_of_range(body: dict[str, Any]) -> None:
    body["reviews"][0][2] = 7


REFUSALS = [
    ("damaged", lambda p: p.write_bytes(p.read_bytes()[:-200]), "is damaged (not valid JSON"),
    (
        "hand-edited",
        lambda p: _rewrite(p, _edit_grade, reseal=False),
        "its signature is not that of ana's invite",
    ),
    ("foreign", lambda p: p.write_text('{"cards": []}'), "is not a quiz progress file"),
    ("binary", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff"), "is not a quiz progress file"),
    ("plain text", lambda p: p.write_text("learner,grade\nana,4\n"), "is not a quiz progress file"),
    ("unknown deck", lambda p: _rewrite(p, _other_deck, reseal=True), "deck 'pharmacology', which this"),
    ("unknown learner", lambda p: _rewrite(p, _other_learner, reseal=True), "learner 'cy' is not known"),
    ("resealed bad grade", lambda p: _rewrite(p, _grade_out_of_range, reseal=True), "grade 7 is not 0 to 5"),
    ("missing", lambda p: p.unlink(), "no such file"),
]


@pytest.mark.parametrize("how,damage,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_file_is_refused_and_nothing_is_written(
    how: str, damage: Callable[[Path], None], message: str, tmp_path: Path, quiz_at: Run, prepared: Prepared
) -> None:
    ana_file, ben_file, _given = prepared.files(tmp_path)
    url = prepared.database("instructor", tmp_path)
    from tests.conftest import dump

    before = dump(tmp_path / "instructor.db")
    damage(ana_file)
    result = quiz_at(url, "cohort", "import", str(ben_file), str(ana_file))  # the good file first
    assert result.exit_code == 1
    assert message in result.output and str(ana_file) in result.output
    assert "nothing was imported" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump(tmp_path / "instructor.db") == before


def test_a_learner_outside_the_cohort_is_refused(tmp_path: Path, quiz_at: Run, prepared: Prepared) -> None:
    ana_file, _ben, _given = prepared.files(tmp_path)
    url = prepared.database("deck", tmp_path)
    assert quiz_at(url, "learner", "add", "ana").exit_code == 0
    assert quiz_at(url, "cohort", "create", "ortho").exit_code == 0
    result = quiz_at(url, "cohort", "import", str(ana_file))
    assert result.exit_code == 1
    assert "learner 'ana' is not in any cohort: add them with quiz cohort add COHORT ana" in result.output
    assert quiz_at(url, "cohort", "create", "neuro").exit_code == 0
    assert quiz_at(url, "cohort", "add", "neuro", "ana").exit_code == 0
    wrong = quiz_at(url, "cohort", "import", "--cohort", "ortho", str(ana_file))
    assert wrong.exit_code == 1 and "is not in cohort 'ortho'" in wrong.output
    other = quiz_at(url, "cohort", "import", "--cohort", "neuro", str(ana_file))
    assert other.exit_code == 1 and "it was signed for cohort 'ortho', not 'neuro'" in other.output
    assert quiz_at(url, "cohort", "add", "ortho", "ana").exit_code == 0
    _give_invite(url, "ortho", "ana")
    assert quiz_at(url, "cohort", "import", "--cohort", "ortho", str(ana_file)).exit_code == 0


def test_a_progress_file_holds_keys_and_grades_never_card_text(tmp_path: Path, prepared: Prepared) -> None:
    ana_file, _ben, _given = prepared.files(tmp_path)
    body = json.loads(ana_file.read_text(encoding="utf-8"))
    assert body["format"] == "quiz-progress" and body["learner"] == "ana"
    assert body["decks"] == ["heterotopic-ossification"]
    assert all(row[1].startswith("heterotopic-ossification/") for row in body["reviews"])
    assert "lamellar bone" not in ana_file.read_text(encoding="utf-8")


def test_cohort_commands(db_url: str, quiz_at: Run) -> None:
    open_database(db_url).dispose()
    assert "Created cohort ortho" in quiz_at(db_url, "cohort", "create", "ortho").output
    again = quiz_at(db_url, "cohort", "create", "ortho")
    assert again.exit_code == 1 and "exists already" in again.output
    added = quiz_at(db_url, "cohort", "add", "ortho", "ana", "ben")
    assert "New learners: ana, ben." in added.output and "Added to ortho: ana, ben." in added.output
    assert "In ortho already: ana." in quiz_at(db_url, "cohort", "add", "ortho", "ana").output
    assigned = quiz_at(db_url, "cohort", "assign", "ortho", "hetero", "--due", "2099-06-30")
    assert (
        "Assigned heterotopic-ossification (Heterotopic Ossification) to ortho, due 2099-06-30"
        in assigned.output
    )
    moved = quiz_at(db_url, "cohort", "assign", "ortho", "hetero", "--due", "2099-07-31")
    assert "Updated heterotopic-ossification" in moved.output
    past = quiz_at(db_url, "cohort", "assign", "ortho", "hetero", "--due", "2001-01-01")
    assert past.exit_code == 2 and "is in the past" in past.output  # a bad option: a usage error
    assert "Removed from ortho: ben." in quiz_at(db_url, "cohort", "remove", "ortho", "ben").output
    shown = json.loads(quiz_at(db_url, "cohort", "show", "ortho", "--format", "json").output)
    assert shown["learners"] == ["ana"] and shown["decks"][0]["due_date"] == "2099-07-31"
    listed = quiz_at(db_url, "cohort", "list").output
    assert "ortho" in listed and "heterotopic-ossification (due 2099-07-31)" in listed
    for args, message in (
        (("cohort", "show", "neuro"), "no cohort 'neuro' (the cohorts are: ortho)"),
        (("cohort", "assign", "ortho", "cardio"), "no deck 'cardio'"),
        (("cohort", "report", "neuro"), "no cohort 'neuro'"),
    ):
        result = quiz_at(db_url, *args)
        assert result.exit_code == 1 and message in result.output, result.output


def test_migration_fills_in_the_new_review_columns(tmp_path: Path) -> None:
    """A database from before the reports (schema 0001) gets each review's section and whether
    its card had been passed, from the log itself."""
    from quiz.store.schema import ensure_schema

    with database_at(tmp_path / "old.db", "0001") as (engine, connection):
        connection.execute(
            text("INSERT INTO decks VALUES (1, 'd', 'D', 'd.md', 'x', '2026-01-01', '2026-01-01')")
        )
        connection.execute(text("INSERT INTO sections VALUES (7, 1, 'D', 'D', 1, 0, 1, 0, 0)"))
        connection.execute(
            text(
                "INSERT INTO cards VALUES (1, 1, 7, 'd/_/cloze/1', 'd/_/cloze/1', 'cloze', 'f', 'b', 's', 1, "
                "'[]', 0, 0, '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(text("INSERT INTO learners VALUES (1, 'ana', '2026-01-01', 20, 200, 8, 4, NULL)"))
        for uid, grade, kind, day in (
            ("a", 4, "review", "01"),
            ("b", 2, "repeat", "01"),
            ("c", 2, "review", "02"),
            ("d", 4, "review", "03"),
        ):
            connection.execute(
                text(
                    "INSERT INTO reviews (uid, learner_id, card_id, grade, kind, reviewed_at, day, seconds, "
                    f"interval, easiness, due) VALUES ('{uid}', 1, 1, {grade}, '{kind}', "
                    f"'2026-01-{day} 10:00', '2026-01-{day}', 1, 1, 250, NULL)"
                )
            )
    assert ensure_schema(engine, lambda _m: None) is False
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT uid, section_id, passed_before FROM reviews ORDER BY uid")
        ).all()
    # a: first review; c: after a pass (a); d: after a fail (c). Repeats never count.
    assert [tuple(r) for r in rows] == [("a", 7, 0), ("b", 7, 0), ("c", 7, 1), ("d", 7, 0)]


def test_one_review_in_two_files_counts_once_and_a_borrowed_id_is_refused(
    tmp_path: Path, quiz_at: Run, prepared: Prepared
) -> None:
    ana_file, ben_file, _given = prepared.files(tmp_path)
    url = prepared.database("instructor", tmp_path)
    instructor = make_engine(url)
    copy = tmp_path / "copy.json"
    copy.write_bytes(ana_file.read_bytes())
    both = quiz_at(url, "cohort", "import", str(ana_file), str(copy))
    assert both.exit_code == 0, both.output
    reviews = len(json.loads(ana_file.read_text(encoding="utf-8"))["reviews"])
    assert _rows(instructor, "SELECT COUNT(*) FROM reviews") == [(reviews,)]
    # ben's file carrying one of ana's review ids (signed again by ben) is refused.
    first_uid = json.loads(ana_file.read_text(encoding="utf-8"))["reviews"][0][0]

    def borrow(body: dict[str, Any]) -> None:
        body["reviews"][0][0] = first_uid

    _rewrite(ben_file, borrow, reseal=True)
    refused = quiz_at(url, "cohort", "import", str(ben_file))
    assert refused.exit_code == 1 and f"review {first_uid} is stored here" in refused.output
    assert _rows(instructor, "SELECT COUNT(*) FROM reviews") == [(reviews,)]
    instructor.dispose()
