"""A class answering at once: N real `quiz review` processes, learners of one cohort on the HO deck,
answering as fast as they can, on SQLite and on PostgreSQL; answers/s and latency per N.

    PYTHONPATH=. python -m tests.benchmarks.load [--learners 1,8,64] [--postgres URL] [--format json]

Each process is started, and once every one shows its first card all are given their answers at
once (start-up is reported apart). An answer's latency is the time from the previous card's prompt
to the next one's, as the learner sees it. Each learner answers 40 of the deck's new cards (a
state and a review written); every fifth is failed and comes back as a repeat (a review only).
Fewer learners run several rounds (fresh learners each) to reach --answers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROMPT = b"show the answer"
PROBLEMS = (b"locked", b"try again", b"another session", b"cannot", b"Error")
# Fewer than a session holds (the deck's 46 new cards and their repeats), so every answer ends
# at the next card's prompt; then q ends the session (its summary is not measured).
ANSWERS_PER_LEARNER = 40
GOAL_P99_S = 0.250


@dataclass
class Run:
    database: str
    learners: int
    answers: int
    seconds: float
    latencies: list[float]
    first_card_s: float  # the slowest process's start to its first card
    errors: list[str]

    def row(self) -> dict[str, object]:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] if ordered else 0.0
        return {
            "database": self.database,
            "learners": self.learners,
            "answers": self.answers,
            "answers_per_s": round(self.answers / self.seconds, 1) if self.seconds else 0.0,
            "median_ms": round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
            "p99_ms": round(p99 * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2) if ordered else 0.0,
            "first_card_s": round(self.first_card_s, 2),
            "errors": len(self.errors),
            "error_sample": self.errors[:3],
        }


def _quiz() -> list[str]:
    return [sys.executable, "-m", "quiz"]


def _script() -> bytes:
    # Enter shows the answer; every fifth card is failed (2) and comes back as a repeat.
    return b"".join(b"\n%d\n" % (2 if n % 5 == 4 else 4) for n in range(ANSWERS_PER_LEARNER)) + b"q\n"


def _prepare(url: str, names: list[str]) -> None:
    """The HO deck, these learners, and one cohort holding them all."""
    from quiz.services import cohorts
    from quiz.store import for_engine
    from tests.drive import START, open_database

    engine = open_database(url, *names)
    with for_engine(engine) as db:
        cohorts.create(db, "class", START)
        cohorts.add(db, "class", tuple(names), START)
    engine.dispose()


def _round(
    url: str, names: list[str], env: dict[str, str]
) -> tuple[int, float, list[float], float, list[str]]:
    """One round: a process per learner, all answering at once. Returns answers, the seconds from
    the go to the last exit, the latencies, the slowest start to first card, and problems seen."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [*_quiz(), "--db", url, "review", "--learner", name, "--new", "1000"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for name in names
    ]
    selector = selectors.DefaultSelector()
    for index, process in enumerate(processes):
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        selector.register(process.stdout, selectors.EVENT_READ, index)
    output = [b""] * len(processes)
    prompts: list[list[float]] = [[] for _ in processes]
    ended: list[float | None] = [None] * len(processes)
    go: float | None = None
    first_card = 0.0
    while any(e is None for e in ended):
        for key, _mask in selector.select(timeout=30):
            index = key.data
            chunk = os.read(key.fd, 65536)
            now = time.perf_counter()
            if not chunk:
                ended[index] = now
                selector.unregister(key.fileobj)
                continue
            before = output[index].count(PROMPT)
            output[index] += chunk
            prompts[index] += [now] * (output[index].count(PROMPT) - before)
        if go is None and (all(prompts) or any(e is not None for e in ended)):
            first_card = time.perf_counter() - started
            go = time.perf_counter()
            script = _script()
            for process in processes:
                assert process.stdin is not None
                process.stdin.write(script)
                process.stdin.close()
    assert go is not None
    problems: list[str] = []
    latencies: list[float] = []
    answers = 0
    for index, process in enumerate(processes):
        process.wait(timeout=60)
        assert process.stderr is not None
        err = process.stderr.read()
        if process.returncode != 0 or err.strip():
            problems.append(
                err.decode(errors="replace").strip().splitlines()[-1:][0] if err.strip() else "exit"
            )
        for line in output[index].splitlines():
            if any(word in line for word in PROBLEMS):
                problems.append(line.decode(errors="replace").strip())
        # The first prompt came before the go; each later one ends an answer.
        marks = [go, *prompts[index][1:]]
        latencies += [b - a for a, b in itertools.pairwise(marks)]
        answers += len(marks) - 1
    last = max((p[-1] for p in prompts if p), default=go)
    return answers, last - go, latencies, first_card, problems


def measure(database: str, url_for: object, learners: int, target: int) -> Run:
    """``learners`` processes at once, rounds of fresh learners until about ``target`` answers."""
    rounds = max(1, math.ceil(target / (learners * ANSWERS_PER_LEARNER)))
    names = [[f"r{r}-learner-{n}" for n in range(learners)] for r in range(rounds)]
    url = url_for()  # type: ignore[operator]
    _prepare(url, [name for group in names for name in group])
    env = {**os.environ, "COLUMNS": "100"}
    total = Run(database, learners, 0, 0.0, [], 0.0, [])
    for group in names:
        answers, seconds, latencies, first_card, problems = _round(url, group, env)
        total.answers += answers
        total.seconds += seconds
        total.latencies += latencies
        total.first_card_s = max(total.first_card_s, first_card)
        total.errors += problems
    return total


def _postgres_databases(base: str) -> tuple[object, list[str]]:
    """A maker of fresh PostgreSQL databases on the server at ``base``, and the names it made."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    made: list[str] = []

    def fresh() -> str:
        name = f"quiz_load_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        made.append(name)
        return make_url(base).set(database=name).render_as_string(hide_password=False)

    return fresh, made


def _drop(base: str, names: list[str]) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _counts(text: str) -> list[int]:
    try:
        found = [int(part) for part in text.split(",")]
    except ValueError:
        found = []
    if not found or min(found) < 1:
        raise argparse.ArgumentTypeError(f"learner counts such as 1,8,64, not {text!r}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--learners", type=_counts, default=[1, 8, 64], help="process counts, e.g. 1,8,64")
    parser.add_argument("--answers", type=int, default=1000, help="answers to reach at each count (rounds)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("QUIZ_TEST_POSTGRES_URL"),
        help="a PostgreSQL server's URL (default: $QUIZ_TEST_POSTGRES_URL); without it, SQLite only",
    )
    parser.add_argument(
        "--sqlite", action=argparse.BooleanOptionalAction, default=True, help="measure SQLite"
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = iter(range(1000))
        if args.sqlite:
            for count in args.learners:
                url_for = lambda: f"sqlite:///{Path(tmp) / f'load-{next(files)}.db'}"  # noqa: E731
                rows.append(measure("sqlite", url_for, count, args.answers).row())
                print(f"sqlite, {count} learners: done", file=sys.stderr, flush=True)
        if args.postgres:
            fresh, made = _postgres_databases(args.postgres)
            try:
                for count in args.learners:
                    rows.append(measure("postgresql", fresh, count, args.answers).row())
                    print(f"postgresql, {count} learners: done", file=sys.stderr, flush=True)
            finally:
                _drop(args.postgres, made)
    report(rows, args.format)


def report(rows: list[dict[str, object]], form: str) -> None:
    if form == "json":
        print(
            json.dumps(
                {"cores": os.cpu_count(), "at": datetime.now(UTC).isoformat(), "results": rows}, indent=2
            )
        )
        return
    line = "{:11} {:>8} {:>8} {:>10} {:>10} {:>10} {:>10} {:>11} {:>7}  {}"
    print(f"quiz load: learners of one cohort answering at once, on {os.cpu_count()} cores")
    print(
        line.format(
            "database",
            "learners",
            "answers",
            "answers/s",
            "median",
            "p99",
            "max",
            "first card",
            "errors",
            "goals",
        )
    )
    ones = {r["database"]: r["answers_per_s"] for r in rows if r["learners"] == 1}
    for r in rows:
        met = float(r["p99_ms"]) / 1000 < GOAL_P99_S and not r["errors"]  # type: ignore[arg-type]
        base = ones.get(r["database"])
        if base is not None and r["learners"] != 1:
            met = met and float(r["answers_per_s"]) >= float(base)  # type: ignore[arg-type]
        print(
            line.format(
                r["database"],
                r["learners"],
                r["answers"],
                f"{r['answers_per_s']:,}",
                f"{r['median_ms']} ms",
                f"{r['p99_ms']} ms",
                f"{r['max_ms']} ms",
                f"{r['first_card_s']} s",
                r["errors"],
                "ok" if met else "MISSED",
            )
        )
    print(
        f"goals: p99 under {GOAL_P99_S * 1000:.0f} ms, answers/s at any count no lower than at 1, "
        "no error shown"
    )


if __name__ == "__main__":
    main()
