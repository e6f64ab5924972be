"""quiz cohort import of Anki's exports: a deck studied with Anki's own scheduler comes back as reviews."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core.days import learner_day
from quiz.core.replay import LoggedReview, replay
from tests.conftest import Invoke

anki_collection = pytest.importorskip("anki.collection", reason="Anki's backend makes the exports")

DAY = 86_400
DECK = "Heterotopic Ossification"
# The README's mapping of Anki's buttons to quiz's grades: Again, Hard, Good, Easy.
GRADES = {1: 1, 2: 3, 3: 4, 4: 5}
STUDY_DAYS = 6
NEW_PER_DAY = 5  # twenty cards introduced over the first four days, then reviews only
CARDS = 20


@dataclass(frozen=True)
class Answer:
    card: int  # Anki's card id
    ease: int
    at: datetime  # aware, local


def _package(quiz: Invoke, tmp_path: Path) -> Path:
    package = tmp_path / "ho.apkg"
    result = quiz("export", "anki", "heterotopic-ossification", "-o", str(package))
    assert result.exit_code == 0, result.output
    return package


def _open(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def _next_day(path: Path) -> None:
    """Move the collection one day on: Anki's day is counted from its creation, so creating it a
    day earlier makes tomorrow today (learning steps, due in seconds, move with it)."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE col SET crt = crt - ?", (DAY,))
        connection.execute("UPDATE cards SET due = due - ? WHERE queue IN (1, 4)", (DAY,))
    connection.close()


def study_in_anki(package: Path, path: Path, early: Path | None = None) -> list[Answer]:
    """Import quiz's package into a new collection and study it with Anki's scheduler over
    several simulated days: 5 new cards a day until twenty, every due card answered, the buttons
    in a fixed pattern; each answer timed on its simulated day (the revlog id is that instant).
    ``early``: a collection package exported half-way."""
    from anki.scheduler_pb2 import CardAnswer

    pattern = [CardAnswer.GOOD, CardAnswer.GOOD, CardAnswer.AGAIN, CardAnswer.GOOD, CardAnswer.HARD]
    pattern += [CardAnswer.GOOD, CardAnswer.EASY, CardAnswer.GOOD]
    collection = _open(path)
    collection.import_anki_package(
        anki_collection.ImportAnkiPackageRequest(
            package_path=str(package), options=anki_collection.ImportAnkiPackageOptions()
        )
    )
    deck_id = collection.decks.id_for_name(DECK)
    collection.decks.select(deck_id)
    config = collection.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = NEW_PER_DAY
    collection.decks.save(config)
    collection.close()
    first = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0)
    first -= timedelta(days=STUDY_DAYS)
    answers: list[Answer] = []
    for day in range(STUDY_DAYS):
        if day:
            _next_day(path)
        collection = _open(path)
        collection.decks.select(deck_id)
        if day * NEW_PER_DAY == CARDS:  # twenty introduced: reviews only from now on
            config = collection.decks.config_dict_for_deck_id(deck_id)
            config["new"]["perDay"] = 0
            collection.decks.save(config)
        at = first + timedelta(days=day)
        while len(answers) < 400:
            queued = collection.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            top = queued.cards[0]
            card = collection.get_card(top.card.id)
            card.start_timer()
            rating = pattern[len(answers) % len(pattern)]
            answer = collection.sched.build_answer(card=card, states=top.states, rating=rating)
            at += timedelta(seconds=40)
            answer.answered_at_millis = int(at.timestamp() * 1000)
            collection.sched.answer_card(answer)
            answers.append(Answer(card.id, int(rating) + 1, at))
        if early is not None and day == STUDY_DAYS // 2:
            collection.export_collection_package(str(early), include_media=False, legacy=False)
        else:
            collection.close()
    return answers


def _export_colpkg(path: Path, target: Path, legacy: bool = False) -> Path:
    collection = _open(path)
    collection.export_collection_package(str(target), include_media=False, legacy=legacy)
    return target


def _export_apkg(path: Path, target: Path, with_scheduling: bool = True) -> Path:
    collection = _open(path)
    options = anki_collection.ExportAnkiPackageOptions(
        with_scheduling=with_scheduling, with_deck_configs=False, with_media=False, legacy=False
    )
    collection.export_anki_package(out_path=str(target), options=options, limit=None)
    collection.close()
    return target


def expected(answers: list[Answer], today: Any) -> dict[str, Any]:
    """What quiz's report should say of these answers: each card's answers replayed by quiz's rules
    (first of a day counts, a later one the same day is a repeat), retention over the last 30 days."""
    by_card: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_card[answer.card].append(answer)
    retained_of = retained = 0
    for card_answers in by_card.values():
        result = replay(
            (
                LoggedReview(str(i), GRADES[a.ease], "review", learner_day(a.at))
                for i, a in enumerate(card_answers)
            ),
            8,
        )
        for answer, outcome in zip(card_answers, result.reviews, strict=True):
            if (
                outcome.kind == "review"
                and outcome.passed_before
                and learner_day(answer.at) > today - timedelta(30)
            ):
                retained_of += 1
                retained += GRADES[answer.ease] >= 3
    return {
        "introduced": len(by_card),
        "reviews": len(answers),
        "retention_reviews": retained_of,
        "retention": retained / retained_of if retained_of else None,
    }


@pytest.fixture
def cohort(quiz: Invoke) -> str:
    for args in (["create", "c1"], ["add", "c1", "ann", "bob"], ["assign", "c1", "heterotopic-ossification"]):
        assert quiz("cohort", *args).exit_code == 0
    return "c1"


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Answer]]:
    """A collection studied in Anki from quiz's HO package (made once: Anki's scheduler is slow)."""
    from click.testing import CliRunner

    from quiz.cli import main

    tmp = tmp_path_factory.mktemp("anki")
    package = tmp / "ho.apkg"
    result = CliRunner().invoke(
        main,
        ["export", "anki", "heterotopic-ossification", "-o", str(package)],
        env={"QUIZ_DB": str(tmp / "q.db")},
    )
    assert result.exit_code == 0, result.output
    path = tmp / "collection.anki2"
    return path, study_in_anki(package, path, tmp / "early.colpkg")


def _learner(quiz: Invoke, name: str) -> dict[str, Any]:
    result = quiz("cohort", "report", "c1", "--format", "json")
    assert result.exit_code == 0, result.output
    return next(p for p in json.loads(result.stdout)["learners"] if p["name"] == name)


@pytest.mark.parametrize("kind", ["colpkg", "apkg", "legacy.colpkg"])
def test_reviews_made_in_anki_reach_the_cohort_report(
    quiz: Invoke, cohort: str, studied: tuple[Path, list[Answer]], tmp_path: Path, kind: str
) -> None:
    path, answers = studied
    assert len({a.card for a in answers}) == CARDS and len({a.at.date() for a in answers}) == STUDY_DAYS
    target = tmp_path / f"ann.{kind}"
    if kind == "apkg":
        _export_apkg(path, target)
    else:  # Anki's current format (zstd-compressed), or the one before (plain SQLite)
        _export_colpkg(path, target, legacy=kind.startswith("legacy"))

    result = quiz("cohort", "import", str(target), "--learner", "ann", "--format", "json")
    assert result.exit_code == 0, result.output
    (imported,) = json.loads(result.stdout)["files"]
    assert imported["reviews"] == imported["added"] == len(answers)
    assert imported["unknown_notes"] == 0 and imported["cards"] == CARDS

    report = _learner(quiz, "ann")
    today = learner_day(datetime.now().astimezone())
    want = expected(answers, today)
    assert {k: report[k] for k in want} == want
    assert want["retention_reviews"] > 0  # the study reached reviews of cards already passed
    assert _learner(quiz, "bob")["reviews"] == 0

    again = quiz("cohort", "import", str(target), "--learner", "ann")
    assert again.exit_code == 0, again.output
    assert "0 new reviews" in again.stdout
    assert _learner(quiz, "ann") == report


def test_a_later_export_adds_only_the_new_reviews(
    quiz: Invoke, cohort: str, studied: tuple[Path, list[Answer]], tmp_path: Path
) -> None:
    path, answers = studied
    early = path.parent / "early.colpkg"
    later = _export_apkg(path, tmp_path / "later.apkg")
    first = json.loads(quiz("cohort", "import", str(early), "--learner", "ann", "--format", "json").stdout)
    assert 0 < first["files"][0]["added"] < len(answers)
    second = json.loads(quiz("cohort", "import", str(later), "--learner", "ann", "--format", "json").stdout)
    assert first["files"][0]["added"] + second["files"][0]["added"] == len(answers)
    assert second["files"][0]["reviews"] == len(answers)
    # Bit by bit or all at once, the log replays to the same states and measures.
    assert quiz("cohort", "import", str(later), "--learner", "bob").exit_code == 0
    ann, bob = _learner(quiz, "ann"), _learner(quiz, "bob")
    assert {k: v for k, v in ann.items() if k != "name"} == {k: v for k, v in bob.items() if k != "name"}


# --- refused, with the reason, and nothing written ------------------------------------------------


def _foreign_colpkg(tmp_path: Path) -> Path:
    """A student's own collection, without a single note of quiz's."""
    collection = _open(tmp_path / "own.anki2")
    model = collection.models.by_name("Basic")
    note = collection.new_note(model)
    note["Front"], note["Back"] = "capital of France", "Paris"
    collection.add_note(note, collection.decks.id("Geography"))
    target = tmp_path / "own.colpkg"
    collection.export_collection_package(str(target), include_media=False, legacy=False)
    return target


def _truncated(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    return target


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return target


ZSTD_GARBAGE = b"\x28\xb5\x2f\xfd garbage"


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda s, t: _foreign_colpkg(t), [], "holds none of the notes quiz exported (1 notes"),
        (lambda s, t: _truncated(s / "early.colpkg", t / "t.colpkg"), [], "is damaged"),
        (
            lambda s, t: _export_apkg(s / "collection.anki2", t / "plain.apkg", with_scheduling=False),
            [],
            "exported without scheduling information: re-export with 'Include scheduling information' ticked",
        ),
        (lambda s, t: s / "early.colpkg", ["--learner", "carol"], "the learner 'carol' is not in any cohort"),
        (
            lambda s, t: s / "early.colpkg",
            ["--learner", "dan", "--cohort", "c1"],
            "'dan' is not in cohort 'c1'",
        ),
        (lambda s, t: _write(t / "notes.colpkg", b"not a zip"), [], "is not an Anki export"),
        (lambda s, t: _zip(t / "z.apkg", {"readme.txt": b"hello"}), [], "holds no Anki collection"),
        (lambda s, t: _zip(t / "z.colpkg", {"collection.anki21b": ZSTD_GARBAGE}), [], "is damaged"),
        (
            lambda s, t: _zip(t / "z.colpkg", {"collection.anki2": b"SQLite format 3\x00" + bytes(200)}),
            [],
            "damaged",
        ),
        (lambda s, t: t / "missing.colpkg", [], "no such file"),
    ],
)
def test_bad_anki_files_are_refused_and_nothing_is_written(
    quiz: Invoke,
    cohort: str,
    studied: tuple[Path, list[Answer]],
    tmp_path: Path,
    make: Any,
    args: list[str],
    message: str,
) -> None:
    assert quiz("cohort", "create", "c2").exit_code == 0 and quiz("cohort", "add", "c2", "dan").exit_code == 0
    bad = make(studied[0].parent, tmp_path)
    learner = [] if "--learner" in args else ["--learner", "ann"]
    # A good file beside the bad one: all or nothing.
    result = quiz("cohort", "import", str(studied[0].parent / "early.colpkg"), str(bad), *learner, *args)
    assert result.exit_code == 1
    assert message in result.output and "nothing was imported" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert all(_learner(quiz, name)["reviews"] == 0 for name in ("ann", "bob"))


def test_an_anki_file_needs_its_learner(
    quiz: Invoke, cohort: str, studied: tuple[Path, list[Answer]]
) -> None:
    early = str(studied[0].parent / "early.colpkg")
    result = quiz("cohort", "import", early)
    assert result.exit_code == 2 and "--learner NAME is needed" in result.output
    mixed = quiz("cohort", "import", early, "progress-ann.json", "--learner", "ann")
    assert mixed.exit_code == 2 and "progress-ann.json is not an Anki export" in mixed.output


def test_rows_that_are_not_answers_are_skipped(
    quiz: Invoke, cohort: str, studied: tuple[Path, list[Answer]], tmp_path: Path
) -> None:
    """Anki's "set due date" and "forget" log a row with no button pressed: no review in quiz."""
    path, answers = studied
    copy = tmp_path / "copy.anki2"
    copy.write_bytes(path.read_bytes())
    collection = _open(copy)
    first, second = sorted({a.card for a in answers})[:2]
    collection.sched.set_due_date([first], "0")
    collection.sched.schedule_cards_as_new([second], restore_position=True, reset_counts=False)
    manual = collection.db.scalar("select count() from revlog where type = 4 or ease = 0")
    target = tmp_path / "rescheduled.colpkg"
    collection.export_collection_package(str(target), include_media=False, legacy=False)
    assert manual >= 2
    result = quiz("cohort", "import", str(target), "--learner", "ann", "--format", "json")
    assert result.exit_code == 0, result.output
    (imported,) = json.loads(result.stdout)["files"]
    assert (imported["added"], imported["skipped"]) == (len(answers), manual)
    assert "skipped" in quiz("cohort", "import", str(target), "--learner", "bob").stdout


def test_anki_import_on_every_database(
    db_url: str, quiz_at: Any, studied: tuple[Path, list[Answer]], tmp_path: Path
) -> None:
    path, answers = studied
    for args in (["create", "c1"], ["add", "c1", "ann"], ["assign", "c1", "heterotopic-ossification"]):
        assert quiz_at(db_url, "cohort", *args).exit_code == 0
    package = _export_apkg(path, tmp_path / "ann.apkg")
    for added in (len(answers), 0):
        result = quiz_at(db_url, "cohort", "import", str(package), "--learner", "ann", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["files"][0]["added"] == added
    report = json.loads(quiz_at(db_url, "cohort", "report", "c1", "--format", "json").stdout)
    (ann,) = report["learners"]
    assert (ann["introduced"], ann["reviews"]) == (CARDS, len(answers))
