"""Measure quiz's speed goals and print one table (or --format json).

Each step makes its own data from a fixed seed, is run once to warm up and then several times;
the table gives the median and the spread (min-max) beside the goal from the issues.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SEED = 20261123
TERMS = ["ACVR1", "BMP4", "SMAD1", "NOG", "GNAS", "RUNX2"]
DRUGS = ["indomethacin", "celecoxib", "etidronate", "naproxen"]


@dataclass
class Measure:
    step: str
    size: str
    times: list[float]
    goal: float  # seconds
    peak_kib: int | None = None  # the largest resident size of the process, where measured

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> dict[str, object]:
        return {"step": self.step, "size": self.size, "median_s": round(self.median, 6),
                "min_s": round(min(self.times), 6), "max_s": round(max(self.times), 6),
                "runs": len(self.times), "goal_s": self.goal, "met": self.median <= self.goal,
                "peak_kib": self.peak_kib}


def generated_document(sections: int, seed: int = SEED, bullets: tuple[int, int] = (0, 4)) -> str:
    """A Markdown deck shaped like the bundled HO deck, scaled to the given number of sections.

    As in the HO deck: sections three levels deep, about two bullets each (0 to 4), a lead-in
    paragraph now and then, marked terms, figures, examples and references.
    """
    rng = random.Random(seed)
    lines = ["# Generated deck", ""]
    for i in range(sections):
        level = 2 + (i % 3)
        lines += [f"{'#' * level} Topic {i}", ""]
        if rng.random() < 0.15:
            lines += [f"Topic {i} can be divided into several kinds:", ""]
        for j in range(rng.randint(*bullets)):
            term, drug = rng.choice(TERMS), rng.choice(DRUGS)
            dose = rng.randint(5, 500)
            lines.append(rng.choice([
                f"- Fact {i}.{j}: mutations in {term} raise the risk by {dose}%",
                f"- Treatment {i}.{j} uses drugs such as {drug}",
                f"- Finding {i}.{j} is seen on **imaging** in most cases [{j + 1}]",
                f"- Observation {i}.{j} about a sign seen in patients",
            ]))
        lines.append("")
    return "\n".join(lines)


def time_runs(run: Callable[[], None], repeat: int, setup: Callable[[], None] | None = None) -> list[float]:
    if setup:
        setup()
    run()  # warm-up
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def bench_import(workdir: Path, repeat: int) -> Measure:
    from quiz.db import ensure_schema, make_engine, session_scope
    from quiz.services.importing import import_documents

    document = workdir / "generated.md"
    document.write_text(generated_document(5000), encoding="utf-8")
    state: dict[str, object] = {}

    def fresh_database() -> None:
        db = workdir / f"import-{len(list(workdir.glob('import-*.db')))}.db"
        engine = make_engine(f"sqlite:///{db}")
        ensure_schema(engine, lambda _m: None)
        state["engine"] = engine

    def run() -> None:
        with session_scope(state["engine"]) as session:  # type: ignore[arg-type]
            result = import_documents(session, [document])
        state["cards"] = result.decks[0].cards

    times = time_runs(run, repeat, fresh_database)
    kib = document.stat().st_size // 1024
    return Measure("import a 5,000-section document (parse, cards, write)",
                   f"5,000 sections, {state['cards']} cards, {kib} KiB", times, 2.0)


def bench_help(repeat: int) -> Measure:
    quiz = shutil.which("quiz")
    command = [quiz, "--help"] if quiz else [sys.executable, "-m", "quiz", "--help"]

    def run() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    return Measure("quiz --help (process start to exit)", "-", time_runs(run, repeat), 0.1)


def _fresh_copy(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, target)
    os.sync()  # the copy's dirty pages would otherwise slow the first commits
    time.sleep(0.5)
    return target


def bench_review(workdir: Path, repeat: int) -> list[Measure]:
    """The review at 100,000 cards and 1,000,000 logged reviews for one learner."""
    from datetime import UTC, datetime

    from quiz.db import make_engine, session_scope
    from quiz.services.review import ReviewOptions, start_review, status
    from quiz.store.review import AnswerWriter
    from tests.benchmarks.data import review_database

    source = review_database(workdir / "review-source.db")
    size = "100,000 cards, 1,000,000 reviews"
    starts = [_first_card_time(_fresh_copy(source, workdir / "start.db")) for _ in range(max(repeat, 5))]
    db = _fresh_copy(source, workdir / "review.db")
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        sitting = start_review(session, ReviewOptions(learner="bench"), datetime.now(UTC))
    writer = AnswerWriter(engine)
    answers = []
    for index in range(sitting.left()):
        start = time.perf_counter()
        sitting.answer(writer, 4 if index % 3 else 5, datetime.now(UTC), 2.0)
        sitting.current()
        answers.append(time.perf_counter() - start)
    writer.close()
    raw = _raw_answers(_fresh_copy(source, workdir / "raw.db"), len(answers))
    statuses = []
    for _ in range(max(repeat, 10)):
        start = time.perf_counter()
        with session_scope(engine) as session:
            status(session, "bench", datetime.now(UTC))
        statuses.append(time.perf_counter() - start)
    engine.dispose()
    return [
        Measure("review: grade key to next card (saved, synchronous=FULL)", size, answers, 0.0004),
        Measure("  peer: plain sqlite3, same statements and schema", size, raw, 0.0004),
        Measure("status (per deck and section, 7-day forecast)", size, statuses, 0.020),
        Measure("quiz review: process start to first card", size, starts, 0.35),
    ]


def _raw_answers(db: Path, count: int) -> list[float]:
    """The same answer step in plain sqlite3: update the state, log the review, commit."""
    import sqlite3
    import uuid

    connection = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    due = connection.execute(
        "SELECT card_id, section_id FROM card_states WHERE learner_id = 1 ORDER BY due LIMIT ?", (count,)
    ).fetchall()
    times = []
    for card_id, section_id in due:
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE card_states SET repetitions = ?, easiness = ?, interval = ?, due = ?, last_review = ?, "
            "lapses = 0, failures = 0, reviews = 11, introduced = introduced, suspended = 0, leech = 0, "
            "buried_until = NULL, version = 11 WHERE learner_id = 1 AND card_id = ? AND version = 10",
            (3, 250, 15, "2027-01-01", "2026-12-01", card_id))
        connection.execute(
            "INSERT INTO reviews (uid, learner_id, card_id, section_id, passed_before, grade, kind, "
            "reviewed_at, day, seconds, interval, easiness, due) "
            "VALUES (?, 1, ?, ?, 1, 4, 'review', ?, ?, 2.0, 15, 250, ?)",
            (str(uuid.uuid4()), card_id, section_id, "2026-12-01 12:00:00.000000", "2026-12-01",
             "2027-01-01"))
        connection.execute("COMMIT")
        times.append(time.perf_counter() - start)
    connection.close()
    return times


def _first_card_time(db: Path) -> float:
    """Seconds from starting `quiz review` to its first card on screen."""
    quiz = shutil.which("quiz")
    command = [quiz] if quiz else [sys.executable, "-m", "quiz"]
    env = {**os.environ, "QUIZ_DB": str(db)}
    start = time.perf_counter()
    process = subprocess.Popen([*command, "review", "--learner", "bench"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if "show the answer" in line:
            break
    else:
        raise RuntimeError("quiz review showed no card")
    elapsed = time.perf_counter() - start
    process.kill()
    process.wait()
    return elapsed


def bench_export(workdir: Path, repeat: int) -> list[Measure]:
    """Exporting 10,000 cards to an Anki package, against genanki alone writing the same notes."""
    from datetime import UTC, datetime

    import genanki

    from quiz import exporter
    from quiz.db import ensure_schema, make_engine, session_scope
    from quiz.services.export import cards_to_export, export_anki
    from quiz.services.importing import import_documents

    document = workdir / "export-deck.md"
    # 600 sections of about 19 bullets: genanki rewrites its deck list once per subdeck, so
    # thousands of tiny subdecks would measure genanki's quadratic cost rather than ours.
    document.write_text(generated_document(600, seed=SEED + 1, bullets=(12, 26)), encoding="utf-8")
    engine = make_engine(f"sqlite:///{workdir / 'export.db'}")
    ensure_schema(engine, lambda _m: None)
    with session_scope(engine) as session:
        import_documents(session, [document])
        cards, _decks = cards_to_export(session, [], None, False, None, datetime.now(UTC))
    count = len(cards)
    # What genanki alone is given: the finished notes' fields, decks and GUIDs.
    prepared = [(exporter.deck_name(c.section_path), exporter.note_for(c)) for c in cards]
    plain = [(name, note.model, list(note.fields), list(note.tags), note.guid) for name, note in prepared]

    def genanki_alone() -> None:
        decks: dict[str, genanki.Deck] = {}
        for name, model, fields, tags, guid in plain:
            if name not in decks:
                decks[name] = genanki.Deck(exporter._deck_id(name), name)
            decks[name].add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
        genanki.Package(list(decks.values())).write_to_file(str(workdir / "alone.apkg"))

    def quiz_export() -> None:
        with session_scope(engine) as session:
            export_anki(session, [], workdir / "quiz.apkg", datetime.now(UTC))

    size = f"{count:,} cards"
    # Alternate the two so that both see the same machine (this one's disk and CPU vary by the minute).
    quiz_export()
    genanki_alone()
    quiz_times, alone_times = [], []
    for _ in range(max(repeat, 5)):
        for run, times in ((quiz_export, quiz_times), (genanki_alone, alone_times)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    goal = 1.3 * statistics.median(alone_times)
    return [Measure("export to Anki (query, notes, package, rename)", size, quiz_times, goal),
            Measure("  peer: genanki alone writing the same notes", size, alone_times, goal)]


GNU_TIME = "/usr/bin/time"


def _command_runs(command: list[str], repeat: int) -> tuple[list[float], int | None]:
    """Times of whole runs of a command (after a warm-up), and its largest resident size in KiB.

    The size comes from GNU time, which starts the command from its own small process: a child
    forked from this (large) benchmark process would report this process's size instead."""
    measure = os.path.exists(GNU_TIME)
    times, peak = [], 0
    for index in range(repeat + 1):
        start = time.perf_counter()
        done = subprocess.run([GNU_TIME, "-f", "%M", *command] if measure else command,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
        if measure:
            peak = max(peak, int(done.stderr.strip().splitlines()[-1]))
        if index:
            times.append(elapsed)
    return times, peak if measure else None


def _quiz() -> list[str]:
    quiz = shutil.which("quiz")
    return [quiz] if quiz else [sys.executable, "-m", "quiz"]


def bench_cohort(workdir: Path, repeat: int) -> list[Measure]:
    """The cohort report at 500 learners x 2,000 cards x 90 days, and for the HO deck."""
    import sqlite3

    from tests.benchmarks.data import cohort_database

    big, reviews = cohort_database(workdir / "cohort.db")
    size = f"500 learners, 2,000 cards, 90 days, {reviews:,} reviews"
    found = []
    for fmt in ("table", "json"):
        command = [*_quiz(), "--db", str(big), "cohort", "report", "bench", "--format", fmt]
        times, peak = _command_runs(command, repeat)
        found.append(Measure(f"quiz cohort report --format {fmt} (whole command)", size, times, 0.5, peak))
    # The peer: plain sqlite3 running the report's heaviest single aggregation, the reviews of the
    # last 30 days per learner and day, on the same covering index.
    since = (date.today() - timedelta(days=29)).isoformat()

    def peer() -> None:
        connection = sqlite3.connect(big)
        connection.execute(
            "SELECT learner_id, day, COUNT(*), SUM(kind = 'review'), SUM(kind = 'review' AND passed_before), "
            "SUM(kind = 'review' AND passed_before AND grade >= 3) FROM reviews "
            "WHERE learner_id IN (SELECT learner_id FROM memberships WHERE cohort_id = 1) "
            "AND day >= ? GROUP BY learner_id, day", (since,)).fetchall()
        connection.close()

    found.append(Measure("  peer: sqlite3, one aggregation (reviews by learner and day)", size,
                         time_runs(peer, repeat), 0.5))
    # The HO deck: 500 learners simulated day by day through the real scheduler.
    from datetime import UTC, datetime

    from quiz.db import ensure_schema, make_engine, session_scope
    from quiz.services.importing import import_bundled_decks
    from quiz.services.simulate import simulate

    ho = workdir / "ho-cohort.db"
    engine = make_engine(f"sqlite:///{ho}")
    ensure_schema(engine, lambda _m: None)
    started = time.perf_counter()
    with session_scope(engine) as session:
        import_bundled_decks(session)
        result = simulate(session, 500, 90, datetime.now(UTC), seed=SEED, cohort="ho")
    simulated = time.perf_counter() - started
    engine.dispose()
    times, peak = _command_runs([*_quiz(), "--db", str(ho), "cohort", "report", "ho"], repeat)
    found.append(Measure("quiz cohort report, HO deck (whole command)",
                         f"500 learners, {result.cards} cards, 90 days, {result.reviews:,} reviews",
                         times, 0.3, peak))
    found.append(Measure("  quiz simulate (500 learners x 90 days, HO deck; in-process)",
                         f"{result.reviews:,} reviews written", [simulated], float("inf")))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measures = [bench_import(Path(tmp), args.repeat), bench_help(max(args.repeat, 20)),
                    *bench_export(Path(tmp), args.repeat), *bench_review(Path(tmp), args.repeat),
                    *bench_cohort(Path(tmp), args.repeat)]
    rows = [m.row() for m in measures]
    if args.format == "json":
        print(json.dumps({"cores": _cores(), "results": rows}, indent=2))
        return
    print(f"quiz benchmarks on {_cores()} cores (median of runs after one warm-up)")
    print(f"{'step':62} {'size':52} {'median':>10} {'spread':>21} {'goal':>9} {'peak RSS':>10}")
    for row in rows:
        mark = "ok" if row["met"] else "MISSED"
        spread = f"{_ms(row['min_s'])}-{_ms(row['max_s'])}"
        peak = f"{int(row['peak_kib']) // 1024} MiB" if row["peak_kib"] else ""  # type: ignore[call-overload]
        goal = _ms(row["goal_s"]) if row["goal_s"] != float("inf") else "-"
        print(f"{row['step']:62} {row['size']:52} {_ms(row['median_s']):>10} {spread:>21} "
              f"{goal:>9} {mark if goal != '-' else '':6} {peak:>10}")


def _ms(seconds: object) -> str:
    value = float(seconds)  # type: ignore[arg-type]
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
