"""Where the answer step's time goes: quiz's whole step, the same with the count triggers dropped
(on a copy), plain sqlite3 running the bare statements, and the Python share by profiling.

    PYTHONPATH=. python -m tests.benchmarks.split [--answers 300] [--format json]

On the review benchmark's data (100,000 cards, 1,000,000 reviews, one learner); each variant
answers due cards in turn with the others (so all see the same machine), with synchronous=FULL.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def _without_triggers(path: Path) -> Path:
    connection = sqlite3.connect(path, isolation_level=None)
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        connection.execute(f"DROP TRIGGER {name}")
    connection.close()
    return path


def main() -> None:
    from quiz.services.review import ReviewOptions, start_review
    from quiz.store.db import open_sqlite
    from quiz.store.review import AnswerWriter
    from tests.benchmarks.__main__ import RawAnswers, _fresh_copy
    from tests.benchmarks.data import review_database, review_plan

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.split")
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = review_database(work / "source.db", review_plan())
        gc.collect()
        gc.freeze()
        sittings = {}
        for name, path in (
            ("quiz", _fresh_copy(source, work / "quiz.db")),
            ("quiz, count triggers dropped", _without_triggers(_fresh_copy(source, work / "bare.db"))),
        ):
            db = open_sqlite(f"sqlite:///{path}")
            assert db is not None
            sittings[name] = (
                start_review(db, ReviewOptions(learner="bench"), datetime.now(UTC)),
                AnswerWriter(db),
            )
        raw = RawAnswers(_fresh_copy(source, work / "raw.db"))
        times: dict[str, list[float]] = {name: [] for name in [*sittings, "plain sqlite3, same statements"]}
        profile = cProfile.Profile()
        left = min(sitting.left() for sitting, _writer in sittings.values()) - 1
        for index in range(min(args.answers, left)):
            for name, (sitting, writer) in sittings.items():
                # Every other quiz step is profiled and not timed: the profiler's own cost once
                # counted in quiz's time, and so in the triggers' (quiz minus triggers dropped).
                profiled = name == "quiz" and index % 2 == 1
                start = time.perf_counter()
                if profiled:
                    profile.enable()
                sitting.answer(writer, 4 if index % 3 else 5, datetime.now(UTC), 2.0)
                sitting.current()
                if profiled:
                    profile.disable()
                else:
                    times[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            raw.step(index)
            times["plain sqlite3, same statements"].append(time.perf_counter() - start)
        stats = pstats.Stats(profile)
        in_sqlite = sum(
            v[3]
            for (file, _line, func), v in stats.stats.items()  # type: ignore[attr-defined]
            if func in ("<method 'execute' of 'sqlite3.Connection' objects>",)
        )
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    medians = {name: statistics.median(found[1:]) for name, found in times.items()}
    result = {
        "median_ms": {name: round(m * 1000, 3) for name, m in medians.items()},
        "count_triggers_ms": round((medians["quiz"] - medians["quiz, count triggers dropped"]) * 1000, 3),
        "python_ms": round((medians["quiz"] - medians["plain sqlite3, same statements"]) * 1000, 3),
        "profiled_share_in_sqlite": round(in_sqlite / total, 3) if total else None,
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return
    for name, m in result["median_ms"].items():  # type: ignore[attr-defined]
        print(f"{name:40} {m:8.3f} ms")
    print(f"{'count triggers (difference)':40} {result['count_triggers_ms']:8.3f} ms")
    print(f"{'Python (quiz minus plain sqlite3)':40} {result['python_ms']:8.3f} ms")
    print(f"{'share of the profiled step in sqlite3':40} {result['profiled_share_in_sqlite']:8.3f}")


if __name__ == "__main__":
    main()
