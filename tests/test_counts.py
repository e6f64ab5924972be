"""The counts `quiz status` and the reports read (kept by the database's triggers, migrations 0003
and 0004) always equal a count of the states themselves, whatever wrote them: answers, undos,
suspending, burying, releasing, a progress file merged, cards retired by a re-import and brought back."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from quiz.services import cohorts, learners
from quiz.services.importing import import_documents
from quiz.services.review import ReviewOptions, answer_writer, start_review
from quiz.services.status import status
from quiz.store import for_engine
from tests.drive import START, database_at, open_database, review_days

KEPT = {
    "card_count": (
        "SELECT id, card_count FROM sections WHERE card_count > 0",
        "SELECT section_id, COUNT(*) FROM cards WHERE NOT retired GROUP BY section_id",
    ),
    "learner_sections": (
        "SELECT learner_id, section_id, states, introduced, suspended, suspended_new, mature, lapses "
        "FROM learner_sections WHERE states <> 0",
        "SELECT st.learner_id, st.section_id, COUNT(*), COUNT(st.introduced), "
        "SUM(CASE WHEN st.suspended THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN st.suspended AND st.introduced IS NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN st.introduced IS NOT NULL AND st.interval >= 21 THEN 1 ELSE 0 END), SUM(st.lapses) "
        "FROM card_states st JOIN cards c ON c.id = st.card_id WHERE NOT c.retired "
        "GROUP BY st.learner_id, st.section_id",
    ),
    "learner_days": (
        "SELECT learner_id, day, deck_id, reviews, counted, retained_of, retained FROM learner_days",
        "SELECT r.learner_id, r.day, s.deck_id, COUNT(*), "
        "SUM(CASE WHEN r.kind = 'review' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.kind = 'review' AND r.passed_before THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.kind = 'review' AND r.passed_before AND r.grade >= 3 THEN 1 ELSE 0 END) "
        "FROM reviews r JOIN sections s ON s.id = r.section_id GROUP BY r.learner_id, r.day, s.deck_id",
    ),
    "cohort_sections": (
        "SELECT cohort_id, day, section_id, retained_of, retained FROM cohort_sections",
        "SELECT m.cohort_id, r.day, r.section_id, COUNT(*), SUM(CASE WHEN r.grade >= 3 THEN 1 ELSE 0 END) "
        "FROM reviews r JOIN memberships m ON m.learner_id = r.learner_id "
        "WHERE r.kind = 'review' AND r.passed_before GROUP BY m.cohort_id, r.day, r.section_id",
    ),
    "cohort_cards": (
        "SELECT cohort_id, card_id, lapsed, lapses FROM cohort_cards",
        "SELECT m.cohort_id, st.card_id, COUNT(*), SUM(st.lapses) FROM card_states st "
        "JOIN memberships m ON m.learner_id = st.learner_id WHERE st.lapses > 0 "
        "GROUP BY m.cohort_id, st.card_id",
    ),
    "learner_due": (
        "SELECT learner_id, due, section_id, cards FROM learner_due",
        "SELECT st.learner_id, st.due, st.section_id, COUNT(*) FROM card_states st "
        "JOIN cards c ON c.id = st.card_id WHERE NOT c.retired AND st.due IS NOT NULL "
        "AND NOT st.suspended AND st.introduced IS NOT NULL GROUP BY st.learner_id, st.due, st.section_id",
    ),
}


def assert_counts_kept(engine: Engine) -> None:
    with engine.connect() as connection:
        for name, (kept, counted) in KEPT.items():
            assert sorted(map(tuple, connection.execute(text(kept)))) == sorted(
                map(tuple, connection.execute(text(counted)))
            ), name


def test_counts_follow_every_writer(db_url: str, tmp_path: Path, ho_deck: Path) -> None:
    engine = open_database(db_url, "ana", "ben")
    with for_engine(engine) as db:
        cohorts.create(db, "ortho", START)
        cohorts.add(db, "ortho", ("ana", "ben"), START)
        cohorts.create(db, "neuro", START)
        cohorts.add(db, "neuro", ("ana",), START)
    assert_counts_kept(engine)
    review_days(engine, "ana", seed=1, days=12)
    review_days(engine, "ben", seed=2, days=6, skip_every=3)
    assert_counts_kept(engine)
    with for_engine(engine) as db:  # leaving a cohort takes a learner's counts out of it
        cohorts.remove(db, "ortho", ("ben",))
    assert_counts_kept(engine)
    with for_engine(engine) as db:
        cohorts.add(db, "ortho", ("ben",), START)
    assert_counts_kept(engine)
    now = START + timedelta(days=12, hours=2)
    with for_engine(engine) as db:
        sitting = start_review(db, ReviewOptions(learner="ana", new_per_day=5), now)
        writer = answer_writer(db)
        sitting.answer(writer, 1, now, 2.0)  # a due card failed, then taken back
        sitting.undo(writer)
        sitting.answer(writer, 4, now, 2.0)
        sitting.suspend(db)
        sitting.bury(db)
        assert_counts_kept(engine)
        assert sum(row.suspended for row in status(db, "ana", now).rows) == 1
        learners.unsuspend(db, "ana", None, None, (), False, now)
        assert_counts_kept(engine)
        first = status(db, "ana", now)
    # A re-import that retires a section's cards takes their states out; bringing them back puts
    # them in again.
    deck = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, deck)
    text_now = deck.read_text(encoding="utf-8")
    start = text_now.index("### CT Scan")
    end = text_now.index("\n#", start + 1)
    deck.write_text(text_now[:start] + text_now[end + 1 :], encoding="utf-8")
    with for_engine(engine) as db:
        assert sum(d.retired for d in import_documents(db, [deck]).decks) > 0
    assert_counts_kept(engine)
    with for_engine(engine) as db:
        assert "CT Scan" not in {row.section[-1] for row in status(db, "ana", now).rows}
    shutil.copy(ho_deck, deck)
    with for_engine(engine) as db:
        import_documents(db, [deck])
    assert_counts_kept(engine)
    with for_engine(engine) as db:
        assert status(db, "ana", now) == first
    engine.dispose()


def test_upgrade_counts_what_is_stored(tmp_path: Path) -> None:
    """A database from before the counts (schema 0002) gets them from its states at upgrade."""
    from quiz.store.schema import ensure_schema

    with database_at(tmp_path / "old.db", "0002") as (engine, connection):
        run = connection.exec_driver_sql
        run("INSERT INTO decks VALUES (1, 'd', 'D', 'd.md', 'x', '2026-01-01', '2026-01-01')")
        run("INSERT INTO sections VALUES (7, 1, 'D > A', 'A', 2, 0, 1, 0, 0)")
        run("INSERT INTO learners VALUES (1, 'ana', '2026-01-01', 20, 200, 8, 4, NULL)")
        for card, retired in ((1, 0), (2, 0), (3, 0), (4, 1)):
            run(
                f"INSERT INTO cards VALUES ({card}, 1, 7, 'k{card}', 'k{card}', 'cloze', 'f', 'b', 's', 1, "
                f"'[]', {card}, {retired}, '2026-01-01', '2026-01-01')"
            )
        # card 1 due on the 10th, card 2 suspended after its first review, card 3 suspended while
        # new, card 4 retired (due on the 10th too: not counted).
        for card, due, introduced, suspended in (
            (1, "'2026-01-10'", "'2026-01-02'", 0),
            (2, "'2026-01-12'", "'2026-01-02'", 1),
            (3, "NULL", "NULL", 1),
            (4, "'2026-01-10'", "'2026-01-02'", 0),
        ):
            run(
                "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, "
                "due, last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, "
                f"version) VALUES (1, {card}, 7, 1, 250, 1, {due}, NULL, 0, 0, 1, {introduced}, {suspended}, "
                "0, NULL, 1)"
            )
    assert ensure_schema(engine, lambda _m: None) is False
    assert_counts_kept(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT card_count FROM sections").all() == [(3,)]
        assert connection.exec_driver_sql(
            "SELECT introduced, suspended, suspended_new FROM learner_sections"
        ).all() == [(2, 2, 1)]
        assert connection.exec_driver_sql("SELECT due, cards FROM learner_due").all() == [("2026-01-10", 1)]
    engine.dispose()


def test_upgrade_from_0003_takes_the_cohort_counts_out_of_the_answers_path(tmp_path: Path) -> None:
    """A database of schema 0003 (count rows per cohort) loses the cohort's due counts (the report
    sums its learners') and keeps only lapses per cohort and card."""
    from quiz.store.schema import ensure_schema

    with database_at(tmp_path / "old.db", "0003") as (engine, connection):
        run = connection.exec_driver_sql
        run("INSERT INTO decks VALUES (1, 'd', 'D', 'd.md', 'x', '2026-01-01', '2026-01-01')")
        run("INSERT INTO sections VALUES (7, 1, 'D > A', 'A', 2, 0, 1, 0, 0, 0)")
        for learner in (1, 2):
            run(f"INSERT INTO learners VALUES ({learner}, 'l{learner}', '2026-01-01', 20, 200, 8, 4, NULL)")
        run("INSERT INTO cohorts VALUES (1, 'c', '2026-01-01')")
        run("INSERT INTO memberships VALUES (1, 1, '2026-01-01'), (1, 2, '2026-01-01')")
        for card in (1, 2):
            run(
                f"INSERT INTO cards VALUES ({card}, 1, 7, 'k{card}', 'k{card}', 'cloze', 'f', 'b', 's', 1, "
                f"'[]', {card}, 0, '2026-01-01', '2026-01-01')"
            )
        for learner, card, lapses in ((1, 1, 2), (1, 2, 0), (2, 1, 1)):
            run(
                "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, "
                "due, last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, "
                f"version) VALUES ({learner}, {card}, 7, 1, 250, 1, '2026-01-10', NULL, {lapses}, 0, 1, "
                "'2026-01-02', 0, 0, NULL, 1)"
            )
    assert ensure_schema(engine, lambda _m: None) is False
    assert_counts_kept(engine)
    with engine.connect() as connection:
        tables = {name for (name,) in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "cohort_due" not in tables
        assert connection.exec_driver_sql("SELECT card_id, lapsed, lapses FROM cohort_cards").all() == [
            (1, 2, 3)
        ]
    engine.dispose()


def test_schema_0004_goes_back_to_0003_and_up_again(db_url: str) -> None:
    """Taking 0004 back restores 0003's counts per cohort (made again from the states); upgrading
    again gives 0004's."""
    from alembic import command
    from alembic.config import Config

    from quiz import config

    engine = open_database(db_url, "ana", "ben")
    with for_engine(engine) as db:
        cohorts.create(db, "ortho", START)
        cohorts.add(db, "ortho", ("ana", "ben"), START)
    review_days(engine, "ana", seed=3, days=8)
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(config.migrations_dir()))
    with engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.downgrade(alembic_config, "0003")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT SUM(cards) FROM cohort_due")).scalar()
        states = connection.execute(
            text("SELECT COUNT(*) FROM card_states WHERE due IS NOT NULL AND introduced IS NOT NULL")
        ).scalar()
    assert kept == states
    with engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, "head")
    review_days(engine, "ben", seed=4, days=3)
    assert_counts_kept(engine)
    engine.dispose()
