"""Eight learners reviewing at once, each in their own process, on one database."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from tests.drive import open_database

LEARNERS = 8
ANSWERS = 25


def test_eight_processes_answering_at_once_lose_nothing(db_url: str) -> None:
    names = [f"learner-{n}" for n in range(LEARNERS)]
    engine = open_database(db_url, *names)
    # Each answers its first ANSWERS cards with alternating grades (failures come back as repeats).
    script = "".join(f"\n{4 if n % 3 else 2}\n" for n in range(ANSWERS)) + "q\n"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "quiz", "--db", db_url, "review", "--learner", name, "--new", "40"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outcomes = [process.communicate(script, timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outcomes, strict=True):
        assert process.returncode == 0, err
        assert err == ""  # no error shown to anyone
        assert f"{ANSWERS} answers" in out
    with engine.connect() as connection:
        counted = dict(
            connection.execute(
                text(
                    "SELECT l.name, COUNT(r.id) FROM learners l LEFT JOIN reviews r ON r.learner_id = l.id "
                    "GROUP BY l.name"
                )
            ).all()
        )
        states = connection.execute(text("SELECT COUNT(*) FROM card_states")).scalar()
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert counted == {name: ANSWERS for name in names}
    # 40 new cards a day: the 25 answers are 25 different cards (repeats come after the new ones).
    assert states == LEARNERS * ANSWERS
    engine.dispose()
