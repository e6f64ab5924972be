"""Benchmark data: a large deck and a long review history, written straight into a quiz database."""

from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from quiz.store.schema import ensure_schema, make_engine

SEED = 20261123
DUE_TODAY = 150
REFERENCES = '["1"]'


def learner_today() -> date:
    """Today for a learner whose day starts at 04:00, as quiz and Anki count days."""
    return (datetime.now() - timedelta(hours=4)).date()


@dataclass(frozen=True)
class ReviewPlan:
    """One learner's year with a large deck, as both quiz's and Anki's benchmark data are made.

    Card c (from 0) is in section c % 1000 + 1. Intervals as SM-2 makes them over some ten reviews
    (6, 15, 38, 95, 238 days and a year's cap of this data set), each card due somewhere within its
    interval, 150 of them due today or overdue; review r (every 31 seconds over the past year) is
    of card r % cards, with the grade ``grades[r]``."""

    today: date
    intervals: list[int]
    dues: list[date]
    repetitions: list[int]
    easiness: list[int]  # percent
    grades: bytes

    @property
    def cards(self) -> int:
        return len(self.intervals)

    def last_review(self, card: int) -> date:
        return self.dues[card] - timedelta(days=self.intervals[card])

    def reviewed_at(self, review: int) -> datetime:
        return datetime.combine(self.today - timedelta(days=365), datetime.min.time()) + timedelta(
            seconds=review * 31
        )


SECTIONS = 1000


def review_plan(
    cards: int = 100_000, reviews: int = 1_000_000, today: date | None = None, seed: int = SEED
) -> ReviewPlan:
    rng = random.Random(seed)
    today = today or learner_today()
    intervals = [rng.choice((6, 15, 38, 95, 238, 365)) for _ in range(cards)]
    dues = [today + timedelta(days=rng.randint(1, interval)) for interval in intervals]
    for card in rng.sample(range(cards), DUE_TODAY):
        dues[card] = today - timedelta(days=rng.randint(0, 3))
    return ReviewPlan(
        today,
        intervals,
        dues,
        [rng.randint(3, 10) for _ in range(cards)],
        [rng.randint(130, 300) for _ in range(cards)],
        bytes(rng.choice((3, 4, 4, 5, 5, 2)) for _ in range(reviews)),
    )


def review_database(path: Path, plan: ReviewPlan) -> Path:
    """A database with one deck of the plan's cards in 1,000 sections and one learner, 'bench',
    with the plan's states and review log."""
    cards = plan.cards
    connection, now = _deck_database(path, cards, lambda c: c % SECTIONS + 1)
    connection.execute(
        "INSERT INTO learners (id, name, created_at, new_per_day, reviews_per_day, "
        "leech_threshold, day_starts_at) VALUES (1, 'bench', ?, 20, 200000, 8, 4)",
        (now,),
    )
    introduced = (plan.today - timedelta(days=365)).isoformat()
    states = [
        (
            c + 1,
            c % SECTIONS + 1,
            plan.repetitions[c],
            plan.easiness[c],
            plan.intervals[c],
            plan.dues[c].isoformat(),
            plan.last_review(c).isoformat(),
            introduced,
        )
        for c in range(cards)
    ]
    indexes = _drop_indexes(connection, ("reviews", "card_states"))
    connection.executemany(
        "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, due, "
        "last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, version) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 10, ?, 0, 0, NULL, 10)",
        states,
    )
    batch = []
    for r, grade in enumerate(plan.grades):
        at = plan.reviewed_at(r)
        batch.append(
            (
                f"{r:032x}",
                r % cards + 1,
                r % cards % SECTIONS + 1,
                grade,
                at.isoformat(sep=" "),
                at.date().isoformat(),
                6,
                250,
                (at.date() + timedelta(days=6)).isoformat(),
            )
        )
        if len(batch) == 100_000:
            _reviews(connection, batch)
            batch = []
    _reviews(connection, batch)
    for sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    _finish(connection)
    return path


def _deck_database(
    path: Path, cards: int, section_of: Callable[[int], int]
) -> tuple[sqlite3.Connection, str]:
    """A new quiz database with one deck of ``cards`` cards, card c in section ``section_of(c)``;
    returned open in a transaction, with the time written as its creation time."""
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine, lambda _m: None)
    engine.dispose()
    now = datetime.now().isoformat(sep=" ")
    connection = sqlite3.connect(path, isolation_level=None)
    # Only while generating: no journal (a failure leaves a file to delete anyway), a large cache.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("BEGIN")
    connection.execute(
        "INSERT INTO decks (id, slug, name, source_path, source_hash, created_at, imported_at)"
        " VALUES (1, 'bench', 'Benchmark deck', 'bench.md', '', ?, ?)",
        (now, now),
    )
    sections = section_of(cards - 1)
    connection.executemany(
        "INSERT INTO sections (id, deck_id, path, title, level, position, source_line, empty, retired) "
        "VALUES (?, 1, ?, ?, 1, ?, ?, 0, 0)",
        ((s, f"Benchmark deck > Section {s}", f"Section {s}", s, s * 10) for s in range(1, sections + 1)),
    )
    connection.executemany(
        "INSERT INTO cards (id, deck_id, section_id, key, source_key, kind, front, back, source_text, "
        'source_line, "references", position, retired, created_at, updated_at) '
        "VALUES (?, 1, ?, ?, ?, 'cloze', ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        (
            (
                c + 1,
                s,
                f"bench/s{s}/cloze/{c:08x}",
                f"bench/s{s}/cloze/{c:08x}",
                f"Fact {c} is about [...] in section {s}",
                f"term {c}",
                f"Fact {c}",
                c,
                REFERENCES,
                c,
                now,
                now,
            )
            for c in range(cards)
            for s in (section_of(c),)
        ),
    )
    return connection, now


def _reviews(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO reviews (uid, learner_id, card_id, section_id, grade, kind, reviewed_at, day, seconds, "
        "passed_before, interval, easiness, due) VALUES (?, 1, ?, ?, ?, 'review', ?, ?, 4.0, 1, ?, ?, ?)",
        rows,
    )


INTERVALS = (1, 6, 15, 38, 95, 238)  # SM-2's intervals for a card passed again and again at 2.5


def cohort_database(
    path: Path,
    learners: int = 500,
    cards: int = 2000,
    days: int = 90,
    sections: int = 100,
    seed: int = SEED,
    today: date | None = None,
) -> tuple[Path, int]:
    """A cohort of ``learners`` on one deck of ``cards`` cards, ``days`` days of reviews ending
    today, written straight into a quiz database; returns it and the number of reviews.

    Each learner studies on a share of days (their diligence), takes 15 to 25 new cards a day,
    reviews what is due (most overdue first, up to 200) and recalls with their own memory; passes
    step through SM-2's intervals at the starting easiness, fails start over with a same-day
    repeat. Cheaper than `quiz simulate` (no exact easiness), with the same shape and volume."""
    today = today or learner_today()
    first = today - timedelta(days=days - 1)
    connection, _now = _deck_database(path, cards, lambda c: c * sections // cards + 1)
    start = datetime.combine(first, datetime.min.time()).isoformat(sep=" ")
    connection.execute("INSERT INTO cohorts (id, name, created_at) VALUES (1, 'bench', ?)", (start,))
    connection.execute(
        "INSERT INTO assignments (id, cohort_id, deck_id, due_date, assigned_at) VALUES (1, 1, 1, ?, ?)",
        ((today + timedelta(days=30)).isoformat(), start),
    )
    total = 0
    # The memberships' triggers too: each would count its learner's reviews as it joins.
    indexes = _drop_indexes(connection, ("reviews", "card_states", "memberships"))
    # Learners are simulated on every core (each from its own seed) while this process writes.
    jobs = [(seed, learner, cards, sections, first, days) for learner in range(1, learners + 1)]
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for learner, states, reviews in pool.imap(_learner_job, jobs, chunksize=4):
            connection.execute(
                "INSERT INTO learners (id, name, created_at, new_per_day, reviews_per_day, "
                "leech_threshold, day_starts_at) VALUES (?, ?, ?, 20, 200, 8, 4)",
                (learner, f"learner-{learner:03d}", start),
            )
            connection.execute(
                "INSERT INTO memberships (cohort_id, learner_id, joined_at) VALUES (1, ?, ?)",
                (learner, start),
            )
            connection.executemany(
                "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, "
                "due, last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, "
                "version) VALUES (?, ?, ?, ?, 250, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL, 1)",
                states,
            )
            connection.executemany(
                "INSERT INTO reviews (uid, learner_id, card_id, section_id, grade, kind, reviewed_at, day, "
                "seconds, passed_before, interval, easiness, due) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 6.0, ?, ?, 250, ?)",
                reviews,
            )
            total += len(reviews)
    for sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    _finish(connection)
    return path, total


def _finish(connection: sqlite3.Connection) -> None:
    """Back to the write-ahead log quiz uses, with the statistics SQLite's planner reads."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("ANALYZE")
    connection.close()


def _drop_indexes(connection: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drops the tables' secondary indexes and triggers (loading is several times faster without
    them) and returns the statements that restore them: the indexes, the counts the triggers keep
    (filled in as the migration that made them does), then the triggers."""
    marks = ", ".join("?" for _ in tables)
    found = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for kind, name, _sql in found:
        connection.execute(f'DROP {kind.upper()} "{name}"')
    triggers = [sql for kind, _name, sql in found if kind == "trigger"]
    indexes = [sql for kind, _name, sql in found if kind == "index"]
    return [*indexes, *(_counts_backfill() if triggers else []), *triggers]


def _counts_backfill() -> list[str]:
    """The statements with which migrations 0003 and 0004 count what is stored (0003's for the
    tables 0004 replaced left out)."""
    import importlib.util

    from quiz import config

    found: list[str] = []
    for name in ("0003_status_counts", "0004_learner_counts"):
        path = config.migrations_dir() / "versions" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"quiz_migration_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        replaced = ("cohort_due", "cohort_cards") if name.startswith("0003") else ()
        found += [sql for sql in module.BACKFILL if not any(table in sql for table in replaced)]
    return found


def _learner_job(job: tuple[int, int, int, int, date, int]) -> tuple[int, list[Any], list[Any]]:
    seed, learner, cards, sections, first, days = job
    states, reviews = _learner(random.Random(seed * 1000 + learner), learner, cards, sections, first, days)
    return learner, states, reviews


def _learner(
    rng: random.Random, learner: int, cards: int, sections: int, first: date, days: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    diligence, memory, new_per_day = rng.uniform(0.5, 0.98), rng.uniform(0.75, 0.97), rng.choice((15, 20, 25))
    # card -> [repetitions, interval, due, last review, lapses, failures, reviews, introduced]
    state: dict[int, list[Any]] = {}
    falling_due: dict[date, list[int]] = {}
    backlog: list[tuple[date, int]] = []
    reviews: list[tuple[object, ...]] = []
    next_new = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        backlog += [(day, c) for c in falling_due.pop(day, [])]
        if rng.random() > diligence:
            continue
        backlog.sort()
        due, backlog = [c for _d, c in backlog[:200]], backlog[200:]
        fresh = list(range(next_new, min(cards, next_new + new_per_day)))
        next_new += len(fresh)
        stamp = f"{day.isoformat()} 18:{rng.randint(0, 59):02d}:00"
        text_day = day.isoformat()
        repeats = []
        for card in due + fresh:
            s = state.setdefault(card, [0, 0, None, None, 0, 0, 0, text_day])
            repetitions = s[0]
            passed = rng.random() < (memory * 0.85 if s[6] == 0 else memory)
            grade = rng.choice((3, 4, 4, 5, 5)) if passed else rng.choice((0, 1, 2, 2))
            if passed:
                s[0], s[1] = repetitions + 1, INTERVALS[min(repetitions, len(INTERVALS) - 1)]
            else:
                s[4] += 1 if repetitions else 0
                s[5] += 1
                s[0], s[1] = 0, 1
                repeats.append(card)
            next_due = day + timedelta(days=s[1])
            s[2], s[3], s[6] = next_due.isoformat(), text_day, s[6] + 1
            falling_due.setdefault(next_due, []).append(card)
            reviews.append(
                (
                    f"{learner:04x}{len(reviews):08x}{card:06x}",
                    learner,
                    card + 1,
                    card * sections // cards + 1,
                    grade,
                    "review",
                    stamp,
                    text_day,
                    repetitions > 0,
                    s[1],
                    s[2],
                )
            )
        for card in repeats:
            s = state[card]
            reviews.append(
                (
                    f"{learner:04x}{len(reviews):08x}{card:06x}",
                    learner,
                    card + 1,
                    card * sections // cards + 1,
                    4,
                    "repeat",
                    stamp,
                    text_day,
                    False,
                    s[1],
                    s[2],
                )
            )
    states = [(learner, card + 1, card * sections // cards + 1, *s) for card, s in state.items()]
    return states, reviews
