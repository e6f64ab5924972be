"""Measure quiz's speed goals and print one table (or --format json).

Each step makes its own data from a fixed seed, is run once to warm up and then several times;
the table gives the median and the spread (min-max) beside the goal from the issues.
"""

from __future__ import annotations

import argparse
import gc
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
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

SEED = 20261123
TERMS = ["ACVR1", "BMP4", "SMAD1", "NOG", "GNAS", "RUNX2"]
DRUGS = ["indomethacin", "celecoxib", "etidronate", "naproxen"]


@dataclass
class Peer:
    name: str
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Measure:
    step: str
    size: str
    times: list[float]
    goal: float  # seconds
    peak_kib: int | None = None  # the largest resident size of the process, where measured
    peers: list[Peer] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> dict[str, object]:
        return {
            "step": self.step,
            "size": self.size,
            "median_s": round(self.median, 6),
            "min_s": round(min(self.times), 6),
            "max_s": round(max(self.times), 6),
            "runs": len(self.times),
            "goal_s": self.goal if self.goal != float("inf") else None,
            "met": self.median <= self.goal,
            "peak_kib": self.peak_kib,
            "peers": [
                {
                    "peer": p.name,
                    "median_s": round(p.median, 6),
                    "runs": len(p.times),
                    "ratio": round(self.median / p.median, 2),
                }
                for p in self.peers
            ],
        }


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
            lines.append(
                rng.choice(
                    [
                        f"- Fact {i}.{j}: mutations in {term} raise the risk by {dose}%",
                        f"- Treatment {i}.{j} uses drugs such as {drug}",
                        f"- Finding {i}.{j} is seen on **imaging** in most cases [{j + 1}]",
                        f"- Observation {i}.{j} about a sign seen in patients",
                    ]
                )
            )
        lines.append("")
    return "\n".join(lines)


STARTED = time.perf_counter()


def say(text: str) -> None:
    """A progress line on standard error, so that a long run shows where it is."""
    print(f"[{time.perf_counter() - STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


def long_runs(repeat: int) -> int:
    """Steps that take a second or more a run are run at most three times (after the warm-up)."""
    return min(repeat, 3)


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


def bench_import(workdir: Path, repeat: int) -> list[Measure]:
    """The whole import, and its parts: the CommonMark parser's own events, and reading the
    document into cards (parser, the walk over its events, the card rules) without the database."""
    from quiz.generator import generate
    from quiz.generator.markdown import OPTIONS
    from quiz.services.importing import import_documents
    from quiz.store import for_engine
    from quiz.store.schema import ensure_schema, make_engine

    document = workdir / "generated.md"
    text = generated_document(5000)
    document.write_text(text, encoding="utf-8")
    state: dict[str, object] = {}

    def fresh_database() -> None:
        db = workdir / f"import-{len(list(workdir.glob('import-*.db')))}.db"
        engine = make_engine(f"sqlite:///{db}")
        ensure_schema(engine, lambda _m: None)
        state["engine"] = engine

    def run() -> None:
        with for_engine(state["engine"]) as db:  # type: ignore[arg-type]
            result = import_documents(db, [document])
        state["cards"] = result.decks[0].cards

    def parse() -> None:
        import pyromark

        for _event in pyromark.events_with_range(text, options=OPTIONS, merge_text=True):
            pass

    def cards() -> None:
        gc.disable()  # as the import reads its documents: with the cycle collector paused
        try:
            generate(text, str(document))
        finally:
            gc.enable()

    say("import: a 5,000-section document")
    times = time_runs(run, long_runs(repeat), fresh_database)
    kib = document.stat().st_size // 1024
    peak = _peak([*_quiz(), "--db", str(workdir / "import-command.db"), "import", str(document)])
    size = f"5,000 sections, {state['cards']} cards, {kib} KiB"
    return [
        Measure("import a 5,000-section document (parse, cards, write)", size, times, 2.0, peak),
        Measure(
            "  of which: reading it into cards (parser, event walk, card rules)",
            size,
            time_runs(cards, long_runs(repeat)),
            float("inf"),
        ),
        Measure(
            "  of which: the CommonMark parser alone (pyromark's events)",
            size,
            time_runs(parse, repeat),
            float("inf"),
        ),
    ]


def bench_help(repeat: int) -> Measure:
    quiz = shutil.which("quiz")
    command = [quiz, "--help"] if quiz else [sys.executable, "-m", "quiz", "--help"]

    def run() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    return Measure(
        "quiz --help (process start to exit)", "-", time_runs(run, repeat), 0.1, _peak([*_quiz(), "--help"])
    )


def _fresh_copy(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, target)
    os.sync()  # the copy's dirty pages would otherwise slow the first commits
    time.sleep(0.5)
    return target


def bench_review(workdir: Path, repeat: int) -> list[Measure]:
    """The review at 100,000 cards and 1,000,000 logged reviews for one learner, beside Anki's
    backend and plain sqlite3 on the same cards and history."""
    from datetime import UTC, datetime

    from quiz.services.review import ReviewOptions, start_review
    from quiz.services.status import status
    from quiz.store.db import open_sqlite
    from quiz.store.review import AnswerWriter
    from tests.benchmarks import anki_peer
    from tests.benchmarks.data import review_database, review_plan

    say("review: making the data, 100,000 cards and 1,000,000 reviews (quiz, then Anki)")
    plan = review_plan()
    source = review_database(workdir / "review-source.db", plan)
    anki_source = anki_peer.review_collection(workdir / "anki-source.anki2", plan)
    say("review: process start to first card, quiz and Anki in turn")
    size = "100,000 cards, 1,000,000 reviews"
    starts, anki_starts = [], []
    for _ in range(max(repeat, 5)):  # alternately, so that both see the same machine
        starts.append(_first_card_time(_fresh_copy(source, workdir / "start.db")))
        anki_starts.append(anki_peer.first_card_time(_fresh_copy(anki_source, workdir / "start.anki2")))
    say("review: answering every due card, quiz, plain sqlite3 and Anki in turn")
    # This process holds the benchmark's own data (a plan of a million reviews), which a quiz
    # process never does: kept out of the garbage collector's scans, it does not tax the steps.
    del plan
    gc.collect()
    gc.freeze()
    db = _fresh_copy(source, workdir / "review.db")
    raw = RawAnswers(_fresh_copy(source, workdir / "raw.db"))
    anki = anki_peer.Reviewer(_fresh_copy(anki_source, workdir / "anki.anki2"))
    connection = open_sqlite(f"sqlite:///{db}")
    assert connection is not None
    sitting = start_review(connection, ReviewOptions(learner="bench"), datetime.now(UTC))
    writer = AnswerWriter(connection)
    answers: list[float] = []
    raw_times: list[float] = []
    anki_times: list[float] = []
    for index in range(sitting.left() - 1):
        start = time.perf_counter()
        sitting.answer(writer, 4 if index % 3 else 5, datetime.now(UTC), 2.0)
        sitting.current()
        answers.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw.step(index)
        raw_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        anki.step(index)
        anki_times.append(time.perf_counter() - start)
    raw.close()
    statuses: list[float] = []
    trees: list[float] = []
    for _ in range(max(repeat, 10) + 1):
        start = time.perf_counter()
        status(connection, "bench", datetime.now(UTC))
        statuses.append(time.perf_counter() - start)
        start = time.perf_counter()
        anki.deck_tree()
        trees.append(time.perf_counter() - start)
    anki.close()
    connection.close()
    # The first of each is the warm-up.
    answers, raw_times, anki_times = answers[1:], raw_times[1:], anki_times[1:]
    statuses, trees = statuses[1:], trees[1:]
    session_input = "\n4\n" * len(answers) + "q\n"
    review_peak = _peak(
        [*_quiz(), "--db", str(_fresh_copy(source, workdir / "peak.db")), "review", "--learner", "bench"],
        session_input,
    )
    status_runs, status_peak = _command_runs(
        [*_quiz(), "--db", str(db), "status", "--learner", "bench"], repeat
    )
    return [
        Measure(
            "review: grade key to next card (saved, synchronous=FULL)",
            size,
            answers,
            0.0004,
            review_peak,
            [
                Peer("Anki backend: answer_card + get_queued_cards", anki_times),
                Peer("plain sqlite3: the same statements", raw_times),
            ],
        ),
        Measure(
            "status: due counts per deck and section, 7-day forecast",
            size,
            statuses,
            0.020,
            status_peak,
            [Peer("Anki backend: deck_due_tree", trees)],
        ),
        Measure(
            "quiz status (whole command, 1,000 sections printed)",
            size,
            status_runs,
            float("inf"),
            status_peak,
        ),
        Measure(
            "quiz review: process start to first card",
            size,
            starts,
            0.35,
            None,
            [Peer("Anki: import, open, first queued card", anki_starts)],
        ),
    ]


class RawAnswers:
    """The same answer step in plain sqlite3, with quiz's schema, indexes and durability: update
    the state, log the review (its id sorting by time, as quiz's do), commit."""

    def __init__(self, db: Path) -> None:
        import sqlite3

        self.connection = sqlite3.connect(db, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.due = self.connection.execute(
            "SELECT card_id, section_id FROM card_states WHERE learner_id = 1 ORDER BY due LIMIT 1000"
        ).fetchall()

    def step(self, index: int) -> None:
        card_id, section_id = self.due[index]
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE card_states SET repetitions = ?, easiness = ?, interval = ?, due = ?, last_review = ?, "
            "lapses = 0, failures = 0, reviews = 11, introduced = introduced, suspended = 0, leech = 0, "
            "buried_until = NULL, version = 11 WHERE learner_id = 1 AND card_id = ? AND version = 10",
            (3, 250, 15, "2027-01-01", "2026-12-01", card_id),
        )
        connection.execute(
            "INSERT INTO reviews (uid, learner_id, card_id, section_id, passed_before, grade, kind, "
            "reviewed_at, day, seconds, interval, easiness, due) "
            "VALUES (?, 1, ?, ?, 1, ?, 'review', ?, ?, 2.0, 15, 250, ?)",
            (
                f"{time.time_ns():032x}",
                card_id,
                section_id,
                4 if index % 3 else 5,
                "2026-12-01 12:00:00.000000",
                "2026-12-01",
                "2027-01-01",
            ),
        )
        connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


def _first_card_time(db: Path) -> float:
    """Seconds from starting `quiz review` to its first card on screen."""
    quiz = shutil.which("quiz")
    command = [quiz] if quiz else [sys.executable, "-m", "quiz"]
    env = {**os.environ, "QUIZ_DB": str(db)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "review", "--learner", "bench"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
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
    """Exporting 10,000 cards to an Anki package, beside genanki alone writing the same notes and
    Anki's own export of them."""
    from datetime import UTC, datetime

    import genanki

    from quiz.anki import export as exporter
    from quiz.services.export import cards_to_export, export_anki
    from quiz.services.importing import import_documents
    from quiz.store import for_engine
    from quiz.store.schema import ensure_schema, make_engine

    document = workdir / "export-deck.md"
    # 600 sections of about 19 bullets: genanki rewrites its deck list once per subdeck, so
    # thousands of tiny subdecks would measure genanki's quadratic cost rather than ours.
    document.write_text(generated_document(600, seed=SEED + 1, bullets=(12, 26)), encoding="utf-8")
    engine = make_engine(f"sqlite:///{workdir / 'export.db'}")
    ensure_schema(engine, lambda _m: None)
    with for_engine(engine) as db:
        import_documents(db, [document])
        cards, _decks = cards_to_export(db, [], None, False, None, datetime.now(UTC))
    count = len(cards)
    # What genanki alone is given: the finished notes' fields, decks and GUIDs.
    prepared = exporter.prepared_notes(cards)
    plain = [(name, note.model, list(note.fields), list(note.tags), note.guid) for name, note in prepared]

    def genanki_alone() -> None:
        decks: dict[str, genanki.Deck] = {}
        for name, model, fields, tags, guid in plain:
            if name not in decks:
                decks[name] = genanki.Deck(exporter._deck_id(name), name)
            decks[name].add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
        genanki.Package(list(decks.values())).write_to_file(str(workdir / "alone.apkg"))

    def quiz_export() -> None:
        with for_engine(engine) as db:
            export_anki(db, [], workdir / "quiz.apkg", datetime.now(UTC))

    size = f"{count:,} cards"
    quiz_export()
    # Anki's own export of the same notes: a collection that imported quiz's package.
    from tests.benchmarks import anki_peer

    anki_export, anki_close = anki_peer.export_runner(
        anki_peer.export_collection(workdir / "export.anki2", workdir / "quiz.apkg"), workdir / "anki.apkg"
    )
    # Alternate the three so that all see the same machine (this one's disk and CPU vary by the minute).
    genanki_alone()
    anki_export()
    quiz_times: list[float] = []
    alone_times: list[float] = []
    anki_times: list[float] = []
    say("export: quiz, genanki alone and Anki, in turn")
    for _ in range(long_runs(repeat)):
        runs = ((quiz_export, quiz_times), (genanki_alone, alone_times), (anki_export, anki_times))
        for run, times in runs:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    anki_close()
    goal = 1.3 * statistics.median(alone_times)
    peak = _peak(
        [*_quiz(), "--db", str(workdir / "export.db"), "export", "anki", "-o", str(workdir / "peak.apkg")]
    )
    return [
        Measure(
            "export to Anki (query, notes, package, rename)",
            size,
            quiz_times,
            goal,
            peak,
            [
                Peer("genanki alone writing the same notes", alone_times),
                Peer("Anki backend: export_anki_package of the same notes", anki_times),
            ],
        )
    ]


GNU_TIME = "/usr/bin/time"


def _command_runs(command: list[str], repeat: int) -> tuple[list[float], int | None]:
    """Times of whole runs of a command (after a warm-up), and its largest resident size in KiB.

    The size comes from GNU time, which starts the command from its own small process: a child
    forked from this (large) benchmark process would report this process's size instead."""
    measure = os.path.exists(GNU_TIME)
    times, peak = [], 0
    for index in range(repeat + 1):
        start = time.perf_counter()
        done = subprocess.run(
            [GNU_TIME, "-f", "%M", *command] if measure else command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
        if measure:
            peak = max(peak, int(done.stderr.strip().splitlines()[-1]))
        if index:
            times.append(elapsed)
    return times, peak if measure else None


def _peak(command: list[str], stdin: str | None = None) -> int | None:
    """The largest resident size, in KiB, of one whole run of a command (GNU time), if measurable."""
    if not os.path.exists(GNU_TIME):
        return None
    done = subprocess.run(
        [GNU_TIME, "-f", "%M", *command],
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return int(done.stderr.strip().splitlines()[-1])


def _quiz() -> list[str]:
    quiz = shutil.which("quiz")
    return [quiz] if quiz else [sys.executable, "-m", "quiz"]


# The peer of the cohort report: plain sqlite3 computing the report's per-learner measures in one
# statement (cards introduced, mature and overdue from the states; reviews, retention's counts,
# days studied and the last one from the log since the report's start), on the same indexes.
PEER_REPORT = """
WITH members AS (SELECT learner_id FROM memberships WHERE cohort_id = ?),
states AS (SELECT learner_id, SUM(introduced IS NOT NULL) AS introduced, SUM("interval" >= 21) AS mature,
                  SUM(due < ? AND suspended = 0) AS overdue
           FROM card_states WHERE learner_id IN members GROUP BY learner_id),
log AS (SELECT learner_id, COUNT(*) AS reviews, SUM(kind = 'review' AND passed_before) AS asked,
               SUM(kind = 'review' AND passed_before AND grade >= 3) AS kept, COUNT(DISTINCT day) AS days,
               MAX(day) AS last_day
        FROM reviews WHERE learner_id IN members AND day >= ? GROUP BY learner_id)
SELECT * FROM states LEFT JOIN log USING (learner_id)
"""


def _peer_report(db: Path, cohort: str, repeat: int) -> list[float]:
    import sqlite3

    from tests.benchmarks.data import learner_today

    today = learner_today()
    since = (today - timedelta(days=29)).isoformat()

    def run() -> None:
        connection = sqlite3.connect(db)
        (cohort_id,) = connection.execute("SELECT id FROM cohorts WHERE name = ?", (cohort,)).fetchone()
        connection.execute(PEER_REPORT, (cohort_id, today.isoformat(), since)).fetchall()
        connection.close()

    return time_runs(run, long_runs(repeat))


def bench_cohort(workdir: Path, repeat: int) -> list[Measure]:
    """The cohort report at 500 learners x 2,000 cards x 90 days, and for the HO deck."""
    from tests.benchmarks.data import cohort_database

    say("cohort: making 500 learners x 2,000 cards x 90 days of reviews")
    big, reviews = cohort_database(workdir / "cohort.db")
    say("cohort: the report, quiz and plain sqlite3")
    size = f"500 learners x 2,000 cards x 90 days, {reviews / 1e6:.1f}M reviews"
    peer = Peer("plain sqlite3: per-learner measures, one statement", _peer_report(big, "bench", repeat))
    found = []
    # The terminal table (JSON and CSV take the same queries and about the same time).
    command = [*_quiz(), "--db", str(big), "cohort", "report", "bench"]
    times, peak = _command_runs(command, long_runs(repeat))
    found.append(Measure("cohort report (whole command)", size, times, 0.5, peak, [peer]))
    # The HO deck: 500 learners simulated day by day through the real scheduler.
    from datetime import UTC, datetime

    from quiz.services.importing import import_bundled_decks
    from quiz.services.simulate import simulate
    from quiz.store import for_engine
    from quiz.store.schema import ensure_schema, make_engine

    say("cohort: quiz simulate, 500 learners x 90 days on the HO deck")
    ho = workdir / "ho-cohort.db"
    engine = make_engine(f"sqlite:///{ho}")
    ensure_schema(engine, lambda _m: None)
    started = time.perf_counter()
    with for_engine(engine) as db:
        import_bundled_decks(db)
        result = simulate(db, 500, 90, datetime.now(UTC), seed=SEED, cohort="ho")
    simulated = time.perf_counter() - started
    engine.dispose()
    say("cohort: the HO deck's report")
    times, peak = _command_runs([*_quiz(), "--db", str(ho), "cohort", "report", "ho"], repeat)
    found.append(
        Measure(
            "cohort report, HO deck (whole command)",
            f"500 learners x {result.cards} cards x 90 days, {result.reviews:,} reviews",
            times,
            0.3,
            peak,
            [Peer("plain sqlite3: per-learner measures, one statement", _peer_report(ho, "ho", repeat))],
        )
    )
    found.append(
        Measure(
            "quiz simulate, HO deck (in-process, one run)",
            f"{result.reviews:,} reviews written",
            [simulated],
            float("inf"),
        )
    )
    return found


def bench_hostile(workdir: Path, repeat: int) -> list[Measure]:
    """Importing hostile documents beside a normal one of the same size: each row's peer is the
    normal document, so its ratio is the cost of the hostile one relative to it."""
    from tests.benchmarks.hostile import hostile_documents, import_times, peak_kib

    ho_deck = Path(__file__).resolve().parents[2] / "decks" / "heterotopic-ossification.md"
    found: list[Measure] = []
    normal: tuple[Peer, int | None] | None = None
    for name, (what, text) in hostile_documents(ho_deck).items():
        say(f"hostile: {what}")
        path = workdir / f"{name.replace(' ', '-')}.md"
        path.write_text(text, encoding="utf-8")
        times, outcome = import_times(workdir, path, long_runs(repeat), time_runs)
        peak = peak_kib([*_quiz(), "--db", str(workdir / f"peak-{path.stem}.db"), "import", str(path)])
        size = f"{len(text.encode()) / 1e6:.2f} MB, {outcome}"
        if normal is None:
            normal = (Peer("import of the normal 1 MB document", times), peak)
            found.append(Measure(f"import: {what}", size, times, float("inf"), peak))
            continue
        if peak and normal[1]:
            size += f", peak {peak / normal[1]:.2f}x"
        found.append(Measure(f"import: {what}", size, times, float("inf"), peak, [normal[0]]))
    return found


def _bench_anki_import(workdir: Path, repeat: int) -> list[Measure]:
    from tests.benchmarks import anki_import

    return anki_import.bench(workdir, repeat, generated_document(1400))


# Steps run only when named with --only: hostile documents (a minute and a half more), and a
# student's Anki collection of a million answers (its making takes a minute).
ON_REQUEST = {"hostile", "ankiin"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--repeat", type=_runs, default=5, help="runs of each quick step after the warm-up")
    parser.add_argument(
        "--only",
        choices=["import", "help", "export", "review", "cohort", "hostile", "ankiin"],
        action="append",
        help="run only this step (may be given again); the load benchmark is python -m tests.benchmarks.load",
    )
    args = parser.parse_args()
    steps = {
        "import": lambda tmp: bench_import(tmp, args.repeat),
        "help": lambda _tmp: [bench_help(max(args.repeat, 20))],
        "export": lambda tmp: bench_export(tmp, args.repeat),
        "review": lambda tmp: bench_review(tmp, args.repeat),
        "cohort": lambda tmp: bench_cohort(tmp, args.repeat),
        "hostile": lambda tmp: bench_hostile(tmp, args.repeat),
        "ankiin": lambda tmp: _bench_anki_import(tmp, args.repeat),
    }
    with tempfile.TemporaryDirectory() as tmp:
        measures = [
            m
            for name, step in steps.items()
            if (name in args.only if args.only else name not in ON_REQUEST)
            for m in step(Path(tmp))
        ]
    rows = [m.row() for m in measures]
    elapsed = time.perf_counter() - STARTED
    if args.format == "json":
        print(json.dumps({"cores": _cores(), "seconds": round(elapsed, 1), "results": rows}, indent=2))
        return
    print(
        f"quiz benchmarks on {_cores()} cores: the median of several runs after a warm-up ({args.repeat}, "
        f"or 3 for steps of a second or more); the whole run took {elapsed:.0f} s"
    )
    print(
        TABLE.format(
            step="step",
            size="data",
            median="quiz",
            spread="spread",
            goal="goal",
            mark="",
            peak="peak RSS",
            peer="peer",
            peer_median="peer",
            ratio="quiz/peer",
        )
    )
    for row in rows:
        goal = _ms(row["goal_s"]) if row["goal_s"] is not None else "-"
        mark = ("ok" if row["met"] else "MISSED") if row["goal_s"] is not None else ""
        peak = f"{int(row['peak_kib']) // 1024} MiB" if row["peak_kib"] else ""  # type: ignore[call-overload]
        peers: list[dict[str, object]] = row["peers"] or [{}]  # type: ignore[assignment]
        for index, peer in enumerate(peers):
            first = index == 0
            print(
                TABLE.format(
                    step=row["step"] if first else "",
                    size=row["size"] if first else "",
                    median=_ms(row["median_s"]) if first else "",
                    spread=f"{_ms(row['min_s'])}-{_ms(row['max_s'])}" if first else "",
                    goal=goal if first else "",
                    mark=mark if first else "",
                    peak=peak if first else "",
                    peer=peer.get("peer", ""),
                    peer_median=_ms(peer["median_s"]) if peer else "",
                    ratio=f"{peer['ratio']:.2f}" if peer else "",
                )
            )


TABLE = (
    "{step:58} {size:50} {median:>9} {spread:>19} {goal:>9} {mark:6} {peak:>8}  "
    "{peer:52} {peer_median:>9} {ratio:>9}"
)


def _runs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, not {text!r}")
    return value


def _ms(seconds: object) -> str:
    value = float(seconds)  # type: ignore[arg-type]
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
