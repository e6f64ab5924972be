"""The benchmarks' peers work on the same data and compute the same things as quiz.

Small versions of the benchmark data sets (the benchmarks themselves are run on their own)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quiz.services.status import status
from quiz.store import for_engine
from quiz.store.schema import make_engine
from tests.benchmarks.__main__ import PEER_REPORT
from tests.benchmarks.data import DUE_TODAY, cohort_database, learner_today, review_database, review_plan
from tests.conftest import Invoke

anki_collection = pytest.importorskip("anki.collection")


def test_anki_collection_holds_the_same_cards_due_and_history_as_quiz(tmp_path: Path) -> None:
    from tests.benchmarks import anki_peer

    plan = review_plan(cards=3000, reviews=7000)
    quiz_db = review_database(tmp_path / "quiz.db", plan)
    anki_path = anki_peer.review_collection(tmp_path / "bench.anki2", plan)

    engine = make_engine(f"sqlite:///{quiz_db}")
    with for_engine(engine) as db:
        found = status(db, "bench", datetime.now(UTC))
    engine.dispose()
    quiz_due = sum(row.due + row.overdue for row in found.rows)
    with sqlite3.connect(quiz_db) as connection:
        quiz_cards = {
            r[0] - 1
            for r in connection.execute(
                "SELECT card_id FROM card_states WHERE due <= ?", (plan.today.isoformat(),)
            )
        }
        quiz_reviews = connection.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]

    collection = anki_collection.Collection(str(anki_path))
    try:
        tree = collection.sched.deck_due_tree()
        today = collection.sched.today
        base = collection.db.scalar("SELECT MIN(id) FROM notes")
        anki_cards = {
            nid - base
            for nid in collection.db.list("SELECT nid FROM cards WHERE queue = 2 AND due <= ?", today)
        }
        anki_reviews = collection.db.scalar("SELECT COUNT(*) FROM revlog")
        intervals = collection.db.list("SELECT ivl FROM cards ORDER BY nid")
    finally:
        collection.close()

    assert quiz_due == DUE_TODAY
    assert tree.review_count == DUE_TODAY
    assert anki_cards == quiz_cards and len(quiz_cards) == DUE_TODAY
    assert anki_reviews == quiz_reviews == 7000
    assert intervals == plan.intervals


def test_the_cohort_peer_computes_the_reports_per_learner_measures(db_path: Path, quiz: Invoke) -> None:
    db, _reviews = cohort_database(db_path, learners=5, cards=300, days=45, sections=10)
    report = json.loads(quiz("cohort", "report", "bench", "--format", "json").stdout)
    today = learner_today()
    with sqlite3.connect(db) as connection:
        names = dict(connection.execute("SELECT id, name FROM learners"))
        rows = connection.execute(PEER_REPORT, (1, today.isoformat(), report["since"])).fetchall()
    peer = {names[r[0]]: r for r in rows}
    assert len(peer) == 5
    for learner in report["learners"]:
        _id, introduced, mature, overdue, reviews, asked, kept, _days, last_day = peer[learner["name"]]
        assert (introduced, mature, overdue) == (learner["introduced"], learner["mature"], learner["overdue"])
        assert (reviews, asked, last_day) == (
            learner["reviews"],
            learner["retention_reviews"],
            learner["last_review"],
        )
        assert kept / asked == pytest.approx(learner["retention"])
    assert sum(learner["mature"] for learner in report["learners"]) > 0
