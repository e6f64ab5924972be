"""The review's queue: siblings buried for the day, new cards spread over sections and counted per
deck, limits for a session or kept, and `u` taking back any step."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.services.review import ReviewOptions, ReviewSession, start_review
from quiz.store import open_db
from quiz.store.review import AnswerWriter
from tests.conftest import Invoke

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GRADES = (4, 3, 5, 2, 4, 5, 1, 4)  # a learner's mixed day: passes, hard passes, fails


def start(url: str, now: datetime = NOON, **options: object) -> ReviewSession:
    with open_db(url) as db:
        return start_review(db, ReviewOptions(**options), now)  # type: ignore[arg-type]


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def answers_of(back: str) -> list[str]:
    """What a card asks for: its back, and each item of a list or of a "; " series."""
    return [part.strip() for part in re.split(r"\n|; ", back) if part.strip()] + [back.strip()]


def replay_first_day(url: str) -> list[tuple[str, str, str]]:
    """A first day on the HO deck, default limits, every card answered (repeats too): (key, front,
    back) of each card the day shows, in order."""
    shown: list[tuple[str, str, str]] = []
    sitting = start(url)
    with open_db(url) as db:
        writer = AnswerWriter(db)
        turn = 0
        while (card := sitting.current()) is not None:
            shown.append((card.key, card.front, card.back))
            # A repeat is graded 4 at last, so the day ends.
            grade = 4 if turn > 60 else GRADES[turn % len(GRADES)]
            sitting.answer(writer, grade, NOON, 3.0)
            turn += 1
    return shown


def test_no_card_of_a_first_day_gives_a_later_ones_answer_away(ho_url: str) -> None:
    shown = replay_first_day(ho_url)
    assert len({key for key, _f, _b in shown}) >= 15  # a real day: most of the 20 new cards
    leaks = []
    for index, (key, _front, back) in enumerate(shown):
        if any(k == key for k, _f, _b in shown[:index]):
            continue  # a same-day repeat: its answer was shown with it the first time
        earlier = [f"{f}\n{b}".casefold() for _k, f, b in shown[:index]]
        for answer in answers_of(back):
            if any(answer.casefold() in text for text in earlier):
                leaks.append((index, answer))
    assert leaks == []


def test_a_sibling_answered_buries_the_others_until_the_next_day(ho_url: str, db_path: Path) -> None:
    # "Caused by mutations in the ACVR1 gene (activating mutation c.617G>A; p.R206H)" made two cards.
    sitting = start(ho_url, section="Fibrodysplasia", new_per_day=20)
    first = sitting.current()
    assert first is not None and "great toes" in first.front + first.back
    with open_db(ho_url) as db:
        sitting.answer(AnswerWriter(db), 4, NOON, 2.0)
    shown_fronts = [c.front for c in sitting.queue]
    assert not any("great toes" in f for f in shown_fronts)  # its sibling is gone from the sitting
    # Stored: a new sitting the same day does not bring it back, the next day does.
    again = [c.front for c in start(ho_url, section="Fibrodysplasia").queue]
    assert not any("great toes" in f for f in again)
    assert rows(db_path, "SELECT COUNT(*) FROM card_states WHERE buried_until = '2026-11-24'") == [(1,)]
    tomorrow = [c.front for c in start(ho_url, NOON + timedelta(days=1), section="Fibrodysplasia").queue]
    assert any("great toes" in f for f in tomorrow)


def test_undo_of_an_answer_unburies_its_siblings(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, section="Fibrodysplasia")
    before = [c.card_id for c in sitting.queue]
    with open_db(ho_url) as db:
        writer = AnswerWriter(db)
        sitting.answer(writer, 2, NOON, 2.0)
        assert len(sitting.queue) == len(before) - 2
        undone = sitting.undo(writer)
    assert undone is not None and undone.answered is not None and undone.answered.grade == 2
    assert [c.card_id for c in sitting.queue] == before
    assert rows(db_path, "SELECT COUNT(*) FROM card_states") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]
    # The sibling, unburied, can be answered in this sitting (its state was read again).
    with open_db(ho_url) as db:
        writer = AnswerWriter(db)
        sitting.queue.rotate(-1)
        sitting.answer(writer, 5, NOON, 2.0)
    assert rows(db_path, "SELECT COUNT(*) FROM reviews") == [(1,)]


def test_undo_goes_back_step_by_step_through_suspend_bury_and_grades(ho_url: str, db_path: Path) -> None:
    sitting = start(ho_url, new_per_day=5)
    order = [c.card_id for c in sitting.queue]
    with open_db(ho_url) as db:
        writer = AnswerWriter(db)
        sitting.answer(writer, 4, NOON, 2.0)
        sitting.suspend(db)
        sitting.bury(db)
        kinds = []
        while (step := sitting.undo(writer)) is not None:
            kinds.append(step.kind)
    assert kinds == ["bury", "suspend", "answer"]
    assert [c.card_id for c in sitting.queue] == order
    assert rows(db_path, "SELECT COUNT(*) FROM card_states") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]


def test_u_takes_back_a_suspension_in_the_review(quiz: Invoke, db_path: Path) -> None:
    result = quiz("review", "--new", "2", input="s\nu\n\n4\nq\n")
    assert "Undone: the card is no longer suspended." in result.output
    assert rows(db_path, "SELECT suspended, reviews FROM card_states ORDER BY card_id") == [(0, 1)]


def test_a_deck_imported_today_can_be_started_after_another_used_the_days_new_cards(
    quiz: Invoke, db_path: Path, tmp_path: Path
) -> None:
    quiz("review", "--new", "3", input="\n4\n\n4\n\n4\nq\n")
    (tmp_path / "asthma.md").write_text(
        "# Asthma\n\n## Management\n\nAsthma is a **chronic inflammatory** disease of the airways.\n\n"
        "- Inhaled corticosteroids are the first-line controller therapy.\n",
        encoding="utf-8",
    )
    assert quiz("import", str(tmp_path / "asthma.md")).exit_code == 0
    result = quiz("review", "--new", "3", input="q\n")
    assert "left 3" in result.output  # the HO deck's 3 are spent; Asthma's are its own
    assert "Asthma" in result.output


def test_quiz_cards_shows_the_key_unsuspend_needs(quiz: Invoke, db_path: Path) -> None:
    quiz("review", "--new", "1", input="s\nq\n")  # suspend the first card
    table = quiz("cards", "heterotopic", "--section", "Heterotopic Ossification").stdout
    key = str(rows(db_path, "SELECT c.key FROM cards c JOIN card_states st ON st.card_id = c.id")[0][0])
    assert key in table
    assert quiz("unsuspend", "--key", key).exit_code == 0
    assert rows(db_path, "SELECT suspended FROM card_states") == [(0,)]


def test_status_table_rows_are_the_json_entries_and_the_deck_row_their_sum(
    quiz: Invoke, db_path: Path
) -> None:
    quiz("review", "--new", "6", input="\n4\n\n1\ns\n\n2\nb\n\n5\nq\n")
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE card_states SET due = date('now', '-3 days') WHERE reviews > 0")
        connection.execute(
            "UPDATE card_states SET leech = 1, suspended = 1 WHERE card_id = "
            "(SELECT MAX(card_id) FROM card_states WHERE reviews > 0)"
        )
    import json

    entries = json.loads(quiz("status", "--format", "json").stdout)["sections"]
    table = quiz("status").stdout.splitlines()[3:]

    def numbers(line: str) -> list[int]:
        return [int(n) for n in line.split()[-11:-7]]

    counted = [[e["new"], e["due"], e["overdue"], e["suspended"]] for e in entries]
    assert numbers(table[0]) == [sum(column) for column in zip(*counted, strict=True)]
    # A section without cards of its own is a row of its title alone (no counts, no JSON entry).
    assert [numbers(line) for line in table[1:] if numbers(line)] == counted
    assert table[1].split()[0] == "(under"


def test_reports_name_sections_with_their_deck(quiz: Invoke, tmp_path: Path) -> None:
    for name, fact in (("Asthma", "Inhaled corticosteroids"), ("COPD", "Long-acting bronchodilators")):
        (tmp_path / f"{name}.md").write_text(
            f"# {name}\n\n## Management\n\n- {fact} are the **first-line** maintenance therapy.\n",
            encoding="utf-8",
        )
        assert quiz("import", str(tmp_path / f"{name}.md")).exit_code == 0
    quiz("cohort", "create", "ward")
    quiz("cohort", "add", "ward", "ana")
    quiz("cohort", "assign", "ward", "asthma")
    quiz("cohort", "assign", "ward", "copd")
    quiz("review", "--learner", "ana", input="\n4\n\n4\nq\n")
    for args in (("stats", "--learner", "ana"), ("cohort", "report", "ward")):
        table = quiz(*args).stdout
        assert "Asthma > Management" in table and "COPD > Management" in table, table


def test_siblings_share_a_bullet_or_sentence_and_new_cards_go_round_the_sections() -> None:
    from quiz.core.siblings import related, spread

    sentence = "Caused by mutations in the ACVR1 gene (activating mutation c.617G>A; p.R206H)"
    assert related(sentence, sentence)
    assert related("Inflammatory processes\nMesenchymal stem cells (MSCs)", "Mesenchymal stem cells (MSCs)")
    assert not related(sentence, "No documented cases of malignancy in FOP patients")
    order = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("c", 5), ("c", 6)]
    assert spread(order) == [1, 4, 5, 2, 6, 3]
