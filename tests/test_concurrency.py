"""Learners reviewing at once, each in their own process, on one database; how writers wait."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest import MonkeyPatch
from sqlalchemy import text

from quiz.errors import DatabaseBusyError
from quiz.store.db import open_sqlite
from quiz.store.writers import WriterQueue
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
        # Met cards only: the others are siblings of those answered, buried until tomorrow.
        states = connection.execute(
            text("SELECT COUNT(*) FROM card_states WHERE introduced IS NOT NULL")
        ).scalar()
        answered = connection.execute(
            text("SELECT COUNT(*) FROM (SELECT DISTINCT learner_id, card_id FROM reviews) met")
        ).scalar()
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert counted == {name: ANSWERS for name in names}
    # Every card answered has its state, and no other card was met.
    assert states == answered
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


# --- the writers' queue: first come, first served, and no one stuck behind a dead writer ----------------

_WRITER = """
import sys, time
from pathlib import Path
from quiz.store.writers import WriterQueue
queue = WriterQueue(Path(sys.argv[1]))
queue.enter(30)
with open(sys.argv[2], "a") as log:
    log.write(sys.argv[3] + "\\n")
time.sleep(float(sys.argv[4]))
queue.leave()
"""


def _tickets(database: Path) -> int:
    return int.from_bytes(Path(f"{database}-writer").read_bytes()[:8], "little")


def _queued(database: Path, log: Path, name: str, hold: float) -> subprocess.Popen[bytes]:
    """A writer process that queues, notes its turn in ``log``, holds it ``hold`` seconds; returned
    once it has its ticket."""
    before = _tickets(database)
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(database), str(log), name, str(hold)])
    deadline = time.monotonic() + 30
    while _tickets(database) == before:
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.005)
    return writer


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, WriterQueue]]:
    """A database file and its queue, held by this process."""
    database = tmp_path / "quiz.db"
    database.write_bytes(b"")
    database.chmod(0o600)
    queue = WriterQueue(database)
    queue.enter(5)
    yield database, queue
    queue.close()


def test_writers_take_their_turns_in_the_order_they_came(held: tuple[Path, WriterQueue]) -> None:
    database, queue = held
    log = database.parent / "turns"
    names = [f"w{n}" for n in range(6)]
    writers = [_queued(database, log, name, 0.01) for name in names]
    queue.leave()
    for writer in writers:
        assert writer.wait(timeout=30) == 0
    assert log.read_text().split() == names


def test_a_writer_killed_while_queued_or_holding_blocks_no_one(held: tuple[Path, WriterQueue]) -> None:
    database, queue = held
    log = database.parent / "turns"
    killed = _queued(database, log, "killed-while-queued", 0)
    holder = _queued(database, log, "killed-while-holding", 60)
    last = _queued(database, log, "last", 0)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    queue.leave()
    deadline = time.monotonic() + 30
    while "killed-while-holding" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert last.wait(timeout=5) == 0  # its ticket came after two dead ones: not lost
    assert log.read_text().split() == ["killed-while-holding", "last"]
    # The queue still works for whoever comes next.
    assert queue.enter(1) == 0.0


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_the_queue_file_is_as_private_as_the_database(tmp_path: Path, mode: int) -> None:
    database = tmp_path / "quiz.db"
    database.write_bytes(b"")
    database.chmod(mode)
    queue = WriterQueue(database)
    queue.enter(1)
    queue.close()
    side = Path(f"{database}-writer")
    assert stat.S_IMODE(side.stat().st_mode) == mode
    side.chmod(0o644)  # as an earlier quiz made it
    queue = WriterQueue(database)
    queue.enter(1)
    queue.close()
    assert stat.S_IMODE(side.stat().st_mode) == mode
