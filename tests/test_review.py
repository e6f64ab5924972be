"""The daily review through its service (with a chosen clock) and through `quiz review` (scripted)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.cli.review import Loop, Terminal
from quiz.errors import ConflictError, NotFoundError
from quiz.services.review import ReviewOptions, ReviewSession, start_review
from quiz.store import open_db
from quiz.store.review import AnswerWriter
from tests.conftest import Invoke, ho_card_count

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def start(ho_url: str, now: datetime = NOON, **options: object) -> ReviewSession:
    with open_db(ho_url) as db:
        return start_review(db, ReviewOptions(learner=None, **options), now)  # type: ignore[arg-type]


def answer(ho_url: str, sitting: ReviewSession, grade: int, now: datetime = NOON) -> object:
    with open_db(ho_url) as db:
        return sitting.answer(AnswerWriter(db), grade, now, 2.0)


def undo(ho_url: str, sitting: ReviewSession) -> object:
    with open_db(ho_url) as db:
        return sitting.undo(AnswerWriter(db))


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_new_cards_come_section_by_section_within_the_daily_limit(ho_url: str) -> None:
    sitting = start(ho_url, new_per_day=5)
    assert [c.section_path[-1] for c in sitting.queue] == [
        "Heterotopic Ossification",
        "Types and Causes",
        "Fibrodysplasia Ossificans Progressiva (FOP)",
        "Other hereditary forms",
        "Clinical Manifestations",
    ]
    assert sitting.queue[0].front == "What is heterotopic ossification (HO)?"
    # The day's limit counts the new cards met: the next sitting that day has none left.
    for _ in range(5):
        answer(ho_url, sitting, 5)
    assert start(ho_url, new_per_day=5).left() == 0
    assert start(ho_url).left() == 15  # --new was for that sitting only: the learner's 20 a day
    assert start(ho_url, now=NOON + timedelta(days=1), new_per_day=5).left() == 5 + 5  # due, and 5 new


def test_new_cards_when_the_learner_has_met_all_but_one_and_then_all(ho_url: str, db_path: Path) -> None:
    start(ho_url)  # makes the learner
    ids = [r[0] for r in rows(db_path, "SELECT id FROM cards WHERE NOT retired ORDER BY position")]
    last, retired = ids[-1], ids[0]
    with sqlite3.connect(db_path) as connection:
        connection.executemany(
            "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, due, "
            "last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, version) "
            "SELECT 1, id, section_id, 1, 250, 6, '2026-12-20', '2026-11-14', 0, 0, 1, '2026-11-14', 0, 0, "
            "NULL, 1 FROM cards WHERE id = ?",
            [(i,) for i in ids[:-1]],
        )
        # A retired card met long ago still holds a state, which must not hide the last new card.
        connection.execute("UPDATE cards SET retired = 1 WHERE id = ?", (retired,))
    assert [c.card_id for c in start(ho_url, new_per_day=5).queue] == [last]
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE card_states SET introduced = '2026-11-22' WHERE card_id = ?", (retired,))
        connection.execute(
            "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, due, "
            "last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, version) "
            "SELECT 1, id, section_id, 0, 250, 0, NULL, NULL, 0, 0, 0, NULL, 1, 0, NULL, 1 FROM cards "
            "WHERE id = ?",
            (last,),
        )  # suspended before it was ever seen
    assert start(ho_url, new_per_day=5).left() == 0


def test_answer_saves_state_and_log_together(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=1)
    card = sitting.current()
    assert card is not None
    answer(ho_url, sitting, 4)
    assert rows(
        db_path,
        "SELECT repetitions, easiness, interval, due, last_review, introduced, version FROM card_states",
    ) == [(1, 250, 1, "2026-11-24", "2026-11-23", "2026-11-23", 1)]
    assert rows(db_path, "SELECT card_id, grade, kind, day, interval, easiness, due FROM reviews") == [
        (card.card_id, 4, "review", "2026-11-23", 1, 250, "2026-11-24")
    ]


def test_due_cards_come_first_most_overdue_first(ho_url: str) -> None:
    sitting = start(ho_url, new_per_day=3)
    keys = [c.key for c in sitting.queue]
    for grade in (4, 4, 4):
        answer(ho_url, sitting, grade)
    later = start(ho_url, now=NOON + timedelta(days=5), new_per_day=1)
    assert [c.key for c in list(later.queue)[:3]] == keys  # due since day 1, in document order
    assert later.queue[3].stored is None  # then the new card


def test_grades_under_four_come_back_the_same_day_without_rescheduling(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=2)
    first = sitting.current()
    assert first is not None
    answer(ho_url, sitting, 3)  # passes, but comes back
    answer(ho_url, sitting, 5)
    assert sitting.current() is not None and sitting.current().card_id == first.card_id  # type: ignore[union-attr]
    answer(ho_url, sitting, 2)  # a repeat: logged only
    answer(ho_url, sitting, 4)  # the repeat that ends it
    assert sitting.current() is None
    assert rows(db_path, f"SELECT grade, kind FROM reviews WHERE card_id = {first.card_id} ORDER BY id") == [
        (3, "review"),
        (2, "repeat"),
        (4, "repeat"),
    ]
    assert rows(
        db_path, f"SELECT repetitions, easiness, interval FROM card_states WHERE card_id = {first.card_id}"
    ) == [(1, 236, 1)]
    # Quitting and starting again the same day still brings back what was left under 4.
    again = start(ho_url, new_per_day=3)
    answer(ho_url, again, 1)
    resumed = start(ho_url, new_per_day=3)
    assert [c.card_id for c in resumed.repeats] == [again.history[0].card.card_id]


def test_undo_restores_state_and_log_exactly(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=2)
    answer(ho_url, sitting, 4)
    before_states = rows(db_path, "SELECT * FROM card_states ORDER BY card_id")
    before_log = rows(db_path, "SELECT * FROM reviews ORDER BY id")
    shown = sitting.current()
    answer(ho_url, sitting, 1)
    undone = undo(ho_url, sitting)
    assert undone is not None and undone.answered.grade == 1  # type: ignore[attr-defined]
    assert rows(db_path, "SELECT * FROM card_states ORDER BY card_id") == before_states
    assert rows(db_path, "SELECT * FROM reviews ORDER BY id") == before_log
    assert sitting.current() == shown and not sitting.repeats
    # Undo the first answer too: the card is new again.
    undo(ho_url, sitting)
    assert rows(db_path, "SELECT count(*) FROM card_states") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(0,)]


def test_an_answer_given_in_another_session_is_refused_not_counted_twice(ho_url: str, db_path: Path) -> None:
    one, two = start(ho_url, new_per_day=1), start(ho_url, new_per_day=1)
    answer(ho_url, one, 5)
    with pytest.raises(ConflictError, match="answered in another session"):
        answer(ho_url, two, 3)
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(1,)]
    assert rows(db_path, "SELECT repetitions, version FROM card_states") == [(1, 1)]


def test_a_card_last_reviewed_after_today_is_refused_and_skipped(quiz: Invoke, db_path: Path) -> None:
    # A clock moved back: the card is due, yet its last review is dated after today.
    assert quiz("review", "--new", "1", input="\n4\nq\n").exit_code == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE card_states SET due = date('now', '-40 days'), last_review = date('now', '+30 days')"
        )
        before = connection.execute("SELECT * FROM card_states").fetchall()
    result = quiz("review", "--new", "0", input="\n4\nq\n")
    assert result.exit_code == 0
    assert "after today" in result.output and "not saved" in result.output
    assert "Traceback" not in result.output
    assert rows(db_path, "SELECT * FROM card_states") == before
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(1,)]


def test_suspend_and_bury(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=3)
    suspended = sitting.current()
    with open_db(ho_url) as db:
        sitting.suspend(db)
        buried = sitting.current()
        sitting.bury(db)
    assert sitting.left() == 1
    assert suspended and buried
    today = {c.card_id for c in start(ho_url, new_per_day=3).queue}
    assert suspended.card_id not in today and buried.card_id not in today
    tomorrow = {c.card_id for c in start(ho_url, now=NOON + timedelta(days=1), new_per_day=3).queue}
    assert buried.card_id in tomorrow and suspended.card_id not in tomorrow


def test_cram_practises_without_rescheduling(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=1)
    answer(ho_url, sitting, 5)
    state = rows(db_path, "SELECT * FROM card_states")
    cram = start(ho_url, cram=True)
    assert cram.left() == ho_card_count()
    answer(ho_url, cram, 0)
    assert rows(db_path, "SELECT * FROM card_states") == state
    assert rows(db_path, "SELECT kind FROM reviews ORDER BY id") == [("review",), ("cram",)]


def test_a_card_failed_often_is_a_leech(ho_url: str, db_path: Path) -> None:
    day = NOON
    sitting = start(ho_url, now=day, new_per_day=1, leech_threshold=3)
    leech_key = sitting.current().key  # type: ignore[union-attr]
    for _ in range(3):
        sitting = start(ho_url, now=day, new_per_day=0)
        if sitting.current() is None or sitting.current().key != leech_key:  # type: ignore[union-attr]
            sitting = start(ho_url, now=day, new_per_day=1)
        answered = answer(ho_url, sitting, 1, day)
        day += timedelta(days=1)
    assert answered.leech  # type: ignore[attr-defined]
    assert sitting.leeches == [leech_key]
    assert rows(db_path, "SELECT suspended, leech, failures FROM card_states") == [(1, 1, 3)]
    assert start(ho_url, now=day, new_per_day=0).left() == 0


def test_unknown_learner_deck_and_section(ho_url: str) -> None:
    with open_db(ho_url) as db, pytest.raises(NotFoundError, match="no learner 'zed'"):
        start_review(db, ReviewOptions(learner="zed"), NOON)
    with pytest.raises(NotFoundError, match="no deck 'cardio'"):
        start(ho_url, deck="cardio")
    with pytest.raises(NotFoundError, match="no section of any deck matches 'nowhere'"):
        start(ho_url, section="nowhere")


# --- the command -------------------------------------------------------------------------------------


def test_review_command_scripted(quiz: Invoke, db_path: Path) -> None:
    # Enter shows the answer, a grade answers; 7 and x are asked again; u undoes; q quits.
    result = quiz("review", "--new", "3", input="\n7\nx\n4\n\n2\nu\n\n5\n?\nq\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "What is heterotopic ossification (HO)?" in out
    assert out.count("Press a grade from 0 to 5") == 2
    assert "Undone: your grade 2" in out
    assert "Keys:" in out
    assert "Session for" in out and "2 answers on 2 cards, 100% correct" in out
    assert rows(db_path, "SELECT grade, kind FROM reviews ORDER BY id") == [(4, "review"), (5, "review")]


def test_review_limits_are_for_the_session_and_learner_set_keeps_them(quiz: Invoke, db_path: Path) -> None:
    assert "left 7" in quiz("review", "--new", "7", "--limit", "50", input="q\n").stdout
    assert rows(db_path, "SELECT new_per_day, reviews_per_day FROM learners") == [(20, 200)]
    assert "left 20" in quiz("review", input="q\n").stdout
    name = rows(db_path, "SELECT name FROM learners")[0][0]
    result = quiz("learner", "set", str(name), "--new", "7", "--limit", "50")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT new_per_day, reviews_per_day FROM learners") == [(7, 50)]
    assert "left 7" in quiz("review", input="q\n").stdout
    assert quiz("learner", "set", "nobody", "--new", "3").exit_code == 1


def test_review_typed_suggests_a_grade(quiz: Invoke, db_path: Path) -> None:
    typed = "the formation of lamellar bone in soft tissue\n3\n"
    result = quiz("review", "--typed", "--new", "1", input=typed)
    assert result.exit_code == 0, result.output
    assert "suggested grade" in result.stdout
    result = quiz("review", "--cram", "--typed", "--section", "CT scan", input="Loose-bodies!\n\nq\n")
    assert "suggested grade 5" in result.stdout
    assert rows(db_path, "SELECT grade, kind FROM reviews ORDER BY id")[-1] == (5, "cram")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--learner", "nobody"], "no learner 'nobody'"),
        (["cardiology"], "no deck 'cardiology'"),
        (["--section", "no such"], "no section of any deck matches 'no such'"),
    ],
)
def test_review_bad_input(quiz: Invoke, args: list[str], message: str, db_path: Path) -> None:
    quiz("decks")
    result = quiz("review", *args, input="4\n")
    assert result.exit_code == 1
    assert message in result.stderr
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(0,)]


def test_status(quiz: Invoke) -> None:
    quiz("review", "--new", "2", input="\n4\n\n4\n")
    import json

    report = json.loads(quiz("status", "--format", "json").stdout)
    title = report["sections"][0]
    assert title["section"] == ["Heterotopic Ossification"]
    assert sum(s["new"] for s in report["sections"]) == ho_card_count() - 2
    assert sum(sum(s["forecast"].values()) for s in report["sections"]) == 2
    table = quiz("status").stdout
    assert "Heterotopic Ossification" in table and "Imaging Characteristics" in table


def test_leeches_and_unsuspend(quiz: Invoke, db_path: Path) -> None:
    quiz("review", "--new", "1", input="\ns\n")  # suspend the first card
    assert "of" in quiz("leeches").stdout
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE card_states SET leech = 1")
    listed = quiz("leeches", "--format", "json").stdout
    assert "What is heterotopic ossification" in listed
    result = quiz("unsuspend", "--leeches")
    assert result.stdout.strip().startswith("1 card of")
    assert rows(db_path, "SELECT suspended, leech FROM card_states") == [(0, 0)]


def test_learners(quiz: Invoke) -> None:
    assert quiz("learner", "add", "ana").exit_code == 0
    duplicate = quiz("learner", "add", "ana")
    assert duplicate.exit_code == 1 and "exists already" in duplicate.stderr
    assert quiz("learner", "rename", "ana", "ana maria").exit_code == 0
    assert "ana maria" in quiz("learner", "list").stdout
    result = quiz("review", "--learner", "ana maria", "--new", "1", input="\n5\n")
    assert "Session for ana maria" in result.stdout


class ScriptedInput(io.StringIO):
    """Lines for the loop; a line starting with '!' first runs the step given for it."""

    def __init__(self, lines: list[str], steps: dict[str, Callable[[], object]]) -> None:
        super().__init__()
        self.lines = lines
        self.steps = steps

    def readline(self, size: int | None = -1) -> str:
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        if line.startswith("!"):
            name, line = line[1:].split(":", 1)
            self.steps[name]()
        return line + "\n"


def test_locked_database_loses_nothing(ho_url: str, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_BUSY_TIMEOUT_MS", "200")
    sitting = start(ho_url, new_per_day=1)
    blocker = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    out = io.StringIO()
    script = ScriptedInput(["", "4", "!release:4"], {"release": lambda: blocker.execute("COMMIT")})
    with open_db(ho_url) as db:
        summary = Loop(sitting, db, AnswerWriter(db), Terminal(script, out, False)).run()
    blocker.close()
    assert "the database is locked by another program (waited 0.2 s): nothing was saved" in out.getvalue()
    assert summary.answered == 1
    assert rows(db_path, "SELECT grade FROM reviews") == [(4,)]


def test_locked_database_at_start(quiz: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quiz("decks")
    monkeypatch.setenv("QUIZ_BUSY_TIMEOUT_MS", "200")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = quiz("review", input="\n4\n")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 1
    assert "locked by another program" in result.stderr
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(0,)]
