"""Anki's own backend (the `anki` package) on the same work as quiz's benchmarks.

The review collection is made from the same plan as quiz's database (`data.review_plan`): one deck
of 100,000 notes in 1,000 subdecks (quiz's sections), every card in review with the same interval,
due day and easiness, 150 due today or overdue, and the same 1,000,000 reviews over the past year.
Anki makes the collection, its decks and its schema; the rows are then written with plain sqlite3
(Anki's per-note API would take minutes), and Anki runs ANALYZE on it, as quiz's database is
analyzed. Anki opens it as it opens any collection: WAL, synchronous=FULL, an exclusive lock.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.data import SECTIONS, ReviewPlan

DECK = "Benchmark deck"
DAY = 86_400


def review_collection(path: Path, plan: ReviewPlan) -> Path:
    """An Anki collection with the plan's cards, intervals and review history, as quiz's has."""
    from anki.collection import Collection

    collection = Collection(str(path))
    # A collection made a year ago, so that the year of history falls after its creation.
    collection.db.execute("update col set crt = crt - ?", 365 * DAY)
    parent = collection.decks.id(DECK)
    assert parent is not None
    decks = [collection.decks.id(f"{DECK}::Section {s}") for s in range(1, SECTIONS + 1)]
    collection.decks.select(parent)
    model = collection.models.by_name("Basic")
    assert model is not None
    # Anki's "today", as a day number counted from the collection's creation (at its 04:00).
    today = collection.sched.today
    collection.close()

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")  # only while generating
    connection.execute("BEGIN")
    now = int(time.time())
    note_base = (now - 400 * DAY) * 1000
    notes, card_rows = [], []
    for c in range(plan.cards):
        section = c % SECTIONS + 1
        front, back = f"Fact {c} is about [...] in section {section}", f"term {c}"
        checksum = int(hashlib.sha1(front.encode()).hexdigest()[:8], 16)
        notes.append(
            (
                note_base + c,
                f"bench{c:08x}",
                model["id"],
                now,
                -1,
                "",
                f"{front}\x1f{back}",
                front,
                checksum,
                0,
                "",
            )
        )
        due = today + (plan.dues[c] - plan.today).days
        card_rows.append(
            (
                note_base + c,
                note_base + c,
                decks[section - 1],
                0,
                now,
                -1,
                2,
                2,
                due,
                plan.intervals[c],
                plan.easiness[c] * 10,
                10,
                0,
                0,
                0,
                0,
                0,
                "",
            )
        )
    connection.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes)
    connection.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows)
    ease = {3: 2, 4: 3, 5: 4, 2: 1}  # quiz's grades on Anki's buttons: hard, good, easy, again
    batch = []
    for r, grade in enumerate(plan.grades):
        at = int(plan.reviewed_at(r).timestamp() * 1000)
        batch.append((at, note_base + r % plan.cards, -1, ease[grade], 6, 1, 2500, 4000, 1))
        if len(batch) == 100_000:
            connection.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    connection.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    collection = Collection(str(path))  # Anki's own connection knows its collations
    collection.db.execute("analyze")
    collection.close()
    return path


class Reviewer:
    """Anki's review at its fastest: ``step`` answers the card on screen (answer_card, saved by Anki
    before it returns) and takes the next one (get_queued_cards); ``deck_tree`` counts what is due."""

    def __init__(self, path: Path) -> None:
        from anki.collection import Collection

        self.collection = Collection(str(path))
        self._next()

    def _next(self) -> bool:
        from anki.cards import Card

        queued = self.collection.sched.get_queued_cards()
        if not queued.cards:
            return False
        self.top = queued.cards[0]
        self.card = Card(self.collection, backend_card=self.top.card)
        self.card.start_timer()
        return True

    def step(self, index: int) -> bool:
        from anki.scheduler.v3 import CardAnswer

        rating = CardAnswer.GOOD if index % 3 else CardAnswer.EASY
        sched = self.collection.sched
        sched.answer_card(sched.build_answer(card=self.card, states=self.top.states, rating=rating))
        return self._next()

    def deck_tree(self) -> None:
        self.collection.sched.deck_due_tree()

    def close(self) -> None:
        self.collection.close()


FIRST_CARD = """
import sys
from anki.collection import Collection
from anki.cards import Card
collection = Collection(sys.argv[1])
queued = collection.sched.get_queued_cards()
card = Card(collection, backend_card=queued.cards[0].card)
print(card.question(), flush=True)
"""


def first_card_time(path: Path) -> float:
    """Seconds from starting Python to Anki's first queued card rendered and printed."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", FIRST_CARD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    if not process.stdout.readline():
        raise RuntimeError("Anki showed no card")
    elapsed = time.perf_counter() - start
    process.kill()
    process.wait()
    return elapsed


def export_collection(path: Path, package: Path) -> Path:
    """A collection holding exactly the notes of a quiz-made package (imported by Anki itself)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    collection = Collection(str(path))
    collection.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
    )
    collection.close()
    return path


def export_runner(path: Path, target: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    """A function that exports the collection's notes as an Anki package, and one that closes it."""
    from anki.collection import Collection, ExportAnkiPackageOptions, ExportLimit

    collection = Collection(str(path))
    limit: ExportLimit = None
    options = ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=False, legacy=True
    )

    def run() -> None:
        collection.export_anki_package(out_path=str(target), options=options, limit=limit)

    return run, collection.close
