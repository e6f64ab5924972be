"""Benchmark data: a large deck and a long review history, written straight into a quiz database."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from quiz.db import ensure_schema, make_engine

SEED = 20261123
DUE_TODAY = 150
REFERENCES = '["1"]'


def review_database(path: Path, cards: int = 100_000, reviews: int = 1_000_000,
                    today: date | None = None, seed: int = SEED) -> Path:
    """A database with one deck of ``cards`` cards in 1,000 sections and one learner who has
    reviewed every card, ``reviews`` reviews in all over the past year; about 150 cards due today."""
    rng = random.Random(seed)
    today = today or date.today()
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine, lambda _m: None)
    engine.dispose()
    now = datetime.now().isoformat(sep=" ")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")  # only while generating
    connection.execute("BEGIN")
    connection.execute("INSERT INTO decks (id, slug, name, source_path, source_hash, created_at, imported_at)"
                       " VALUES (1, 'bench', 'Benchmark deck', 'bench.md', '', ?, ?)", (now, now))
    sections = 1000
    connection.executemany(
        "INSERT INTO sections (id, deck_id, path, title, level, position, source_line, empty, retired) "
        "VALUES (?, 1, ?, ?, 1, ?, ?, 0, 0)",
        ((s + 1, f"Benchmark deck > Section {s}", f"Section {s}", s, s * 10) for s in range(sections)))
    connection.executemany(
        "INSERT INTO cards (id, deck_id, section_id, key, source_key, kind, front, back, source_text, "
        "source_line, \"references\", position, retired, created_at, updated_at) "
        "VALUES (?, 1, ?, ?, ?, 'cloze', ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        ((c + 1, c % sections + 1, _key(c, sections), _key(c, sections),
          f"Fact {c} is about [...] in section {c % sections}", f"term {c}", f"Fact {c}", c, REFERENCES,
          c, now, now)
         for c in range(cards)))
    connection.execute("INSERT INTO learners (id, name, created_at, new_per_day, reviews_per_day, "
                       "leech_threshold, day_starts_at) VALUES (1, 'bench', ?, 20, 200000, 8, 4)", (now,))
    # Intervals as SM-2 makes them over some ten reviews (6, 15, 38, 95, 238 days and a year's cap of
    # this data set), each card due somewhere within its interval; 150 cards due today or overdue.
    states = []
    for c in range(cards):
        interval = rng.choice([6, 15, 38, 95, 238, 365])
        due = today + timedelta(days=rng.randint(1, interval))
        states.append([c + 1, c % sections + 1, rng.randint(3, 10), rng.randint(130, 300), interval,
                       due.isoformat(), (due - timedelta(days=interval)).isoformat(),
                       (today - timedelta(days=365)).isoformat()])
    for state in rng.sample(states, DUE_TODAY):
        state[5] = (today - timedelta(days=rng.randint(0, 3))).isoformat()
    connection.executemany(
        "INSERT INTO card_states (learner_id, card_id, section_id, repetitions, easiness, interval, due, "
        "last_review, lapses, failures, reviews, introduced, suspended, leech, buried_until, version) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 10, ?, 0, 0, NULL, 10)", states)
    start = datetime.combine(today - timedelta(days=365), datetime.min.time())
    batch = []
    for r in range(reviews):
        at = start + timedelta(seconds=r * 31)
        batch.append((f"{r:032x}", r % cards + 1, r % cards % sections + 1, rng.choice((3, 4, 4, 5, 5, 2)),
                      at.isoformat(sep=" "),
                      at.date().isoformat(), 6, 250, (at.date() + timedelta(days=6)).isoformat()))
        if len(batch) == 100_000:
            _reviews(connection, batch)
            batch = []
    _reviews(connection, batch)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    return path


def _key(card: int, sections: int) -> str:
    return f"bench/s{card % sections}/cloze/{card:08x}"


def _reviews(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO reviews (uid, learner_id, card_id, section_id, grade, kind, reviewed_at, day, seconds, "
        "passed_before, interval, easiness, due) VALUES (?, 1, ?, ?, ?, 'review', ?, ?, 4.0, 1, ?, ?, ?)",
        rows)
