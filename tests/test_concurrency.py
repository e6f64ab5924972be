"""Learners reviewing at once, each in their own process, on one database; how writers wait."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest import MonkeyPatch
from sqlalchemy import text

from quiz.errors import DatabaseBusyError
from quiz.store.db import open_sqlite
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


def test_a_waiting_writer_goes_the_moment_the_lock_is_free(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """quiz's writers queue on a lock the kernel hands over at once: the next one begins within
    milliseconds of the commit (SQLite's own wait polls on a grid of up to 100 ms), and one that
    waits past QUIZ_BUSY_TIMEOUT_MS is told the database is locked."""
    url = f"sqlite:///{tmp_path / 'quiz.db'}"
    open_database(url).dispose()
    first, second = open_sqlite(url), open_sqlite(url)
    assert first is not None and second is not None
    with first, second:
        with first.transaction():
            first.execute("UPDATE sections SET position = position")
            monkeypatch.setenv("QUIZ_BUSY_TIMEOUT_MS", "150")
            started = time.monotonic()
            with pytest.raises(DatabaseBusyError), second.transaction():
                pass
            assert 0.14 < time.monotonic() - started < 0.5
        monkeypatch.setenv("QUIZ_BUSY_TIMEOUT_MS", "5000")
        released: list[float] = []

        def commit_later() -> None:
            time.sleep(0.13)
            released.append(time.monotonic())
            first.connection.execute("COMMIT")
            first._unqueue()

        first.connection.execute("BEGIN IMMEDIATE")
        assert first._queue() == 0.0
        threading.Thread(target=commit_later).start()
        with second.transaction():
            began = time.monotonic()
        assert began - released[0] < 0.03  # SQLite's grid would have slept until 0.15 s or later
