"""quiz cohort import of a student's whole Anki collection: 50,000 notes, 1,000,000 answers, of
which 2,000 notes are quiz's (issue 16). Peers: the same rows read with plain sqlite3 from the
decompressed collection, and Anki's own backend importing the package and reading them.

The collection is made by Anki (its schema), filled with plain sqlite3 (as anki_peer.py does) and
exported by Anki as a current collection package (zstd-compressed).
"""

from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.benchmarks.__main__ import Measure

NOTES = 50_000
QUIZ_NOTES = 2_000
REVIEWS = 1_000_000
DAY = 86_400
SEED = 20261130
LEARNER = "ann"

PEAK = """
import resource, sys
from pathlib import Path
from quiz.services.anki_import import import_anki
from quiz.store import open_db
db = open_db(sys.argv[1])
result = import_anki(db, [Path(sys.argv[2])], sys.argv[3])
db.close()
# VmHWM: this process's own peak; ru_maxrss keeps the benchmark's (the parent's) across fork and exec.
status = Path("/proc/self/status")
lines = status.read_text().splitlines() if status.exists() else []
peak = [line.split()[1] for line in lines if line.startswith("VmHWM")]
print(result.files[0].added, peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def quiz_database(workdir: Path, document: str) -> tuple[Path, list[str]]:
    """A quiz database with a generated deck, a cohort and its learner; the deck's note GUIDs."""
    from quiz.anki.export import card_ordinals
    from quiz.services.cohorts import add, create
    from quiz.services.importing import import_documents
    from quiz.store import decks as store_decks
    from quiz.store import open_db

    source = workdir / "generated.md"
    source.write_text(document, encoding="utf-8")
    path = workdir / "quiz.db"
    db = open_db(f"sqlite:///{path}", on_create=lambda _db: None)
    now = _now()
    import_documents(db, [source], now=now)
    create(db, "class", now)
    add(db, "class", (LEARNER,), now)
    rows = store_decks.export_rows(db, [d.id for d in store_decks.decks(db)], None, True, None)
    db.close()
    guids = sorted({guid for guid, _ordinal in card_ordinals(rows)})
    return path, guids[:QUIZ_NOTES]


def _now() -> datetime:
    return datetime.now(UTC)


def anki_package(workdir: Path, quiz_guids: list[str]) -> Path:
    """A student's collection package: NOTES notes (QUIZ_NOTES of them quiz's), REVIEWS answers."""
    from anki.collection import Collection

    path = workdir / "student.anki2"
    collection = Collection(str(path))
    collection.db.execute("update col set crt = crt - ?", 400 * DAY)
    deck = collection.decks.id("Everything")
    model = collection.models.by_name("Basic")
    assert model is not None and deck is not None
    collection.close()
    rng = random.Random(SEED)
    now = int(time.time())
    base = (now - 400 * DAY) * 1000
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("BEGIN")
    quiz_at = set(rng.sample(range(NOTES), len(quiz_guids)))
    quiz_iter = iter(quiz_guids)
    notes, cards = [], []
    for n in range(NOTES):
        guid = next(quiz_iter) if n in quiz_at else f"own{n:08x}"
        notes.append(
            (base + n, guid, model["id"], now, -1, "", f"front {n}\x1fback {n}", f"front {n}", n, 0, "")
        )
        cards.append((base + n, base + n, deck, 0, now, -1, 2, 2, 400, 10, 2500, 10, 0, 0, 0, 0, 0, ""))
    connection.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes)
    connection.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    start = base + 10 * DAY * 1000
    step = (now * 1000 - start) // REVIEWS
    batch = []
    for r in range(REVIEWS):
        card = base + rng.randrange(NOTES)
        batch.append((start + r * step, card, -1, rng.choice((1, 3, 3, 3, 2, 4)), 6, 1, 2500, 4000, 1))
        if len(batch) == 100_000:
            connection.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    connection.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", batch)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    package = workdir / "student.colpkg"
    collection = Collection(str(path))
    collection.export_collection_package(str(package), include_media=False, legacy=False)
    return package


def read_with_sqlite(database: Path, guids: list[str]) -> int:
    """The peer: the same rows, from the collection already decompressed, with plain sqlite3."""
    connection = sqlite3.connect(database)
    connection.execute("CREATE TEMP TABLE wanted (guid TEXT PRIMARY KEY)")
    connection.executemany("INSERT INTO wanted VALUES (?)", ((g,) for g in guids))
    rows = connection.execute(
        "SELECT r.id, n.guid, c.ord, r.ease, r.type, r.time FROM notes n JOIN wanted w ON w.guid = n.guid "
        "CROSS JOIN cards c ON c.nid = n.id CROSS JOIN revlog r ON r.cid = c.id ORDER BY r.id"
    ).fetchall()
    connection.close()
    return len(rows)


def read_with_anki(package: Path, workdir: Path, guids: list[str]) -> int:
    """Anki's own way: its backend imports the package as a collection, then the rows are read."""
    from anki._backend import RustBackend
    from anki.collection import Collection

    target = workdir / "anki-read"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    RustBackend().import_collection_package(
        col_path=str(target / "c.anki2"),
        backup_path=str(package),
        media_folder=str(target / "media"),
        media_db=str(target / "media.db"),
    )
    collection = Collection(str(target / "c.anki2"))
    wanted = set(guids)
    nids = [nid for nid, guid in collection.db.all("select id, guid from notes") if guid in wanted]
    found = collection.db.all(
        "select r.id, c.ord, r.ease, r.type, r.time from revlog r join cards c on c.id = r.cid "
        f"where c.nid in ({','.join(map(str, nids))}) order by r.id"
    )
    collection.close()
    return len(found)


def bench(workdir: Path, repeat: int, document: str) -> list[Measure]:
    """The measures: the import (fresh database each run), its peak memory, and the peers."""
    from quiz.anki.collection import _extract, read_reviews
    from quiz.services.anki_import import import_anki
    from quiz.store import open_db
    from tests.benchmarks.__main__ import Measure, Peer, long_runs, say, time_runs

    say("anki import: a quiz database and a student's collection of 50,000 notes, 1,000,000 answers")
    database, guids = quiz_database(workdir, document)
    package = anki_package(workdir, guids)
    copy = workdir / "run.db"
    added: list[int] = []

    def fresh() -> None:
        shutil.copyfile(database, copy)

    def run() -> None:
        db = open_db(f"sqlite:///{copy}")
        added.append(import_anki(db, [package], LEARNER).files[0].added)
        db.close()

    runs = long_runs(repeat)
    times = time_runs(run, runs, fresh)
    fresh()
    out = subprocess.run(
        [sys.executable, "-c", PEAK, f"sqlite:///{copy}", str(package), LEARNER],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kib = int(out.stdout.split()[1])
    plain = workdir / "plain.anki2"
    _extract(package, plain)
    say(f"anki import: {added[-1]:,} reviews of quiz's notes per run; peers")
    peers = [
        Peer(
            "plain sqlite3, same rows (collection decompressed)",
            time_runs(lambda: read_with_sqlite(plain, guids), runs),
        ),
        Peer(
            "Anki's backend: import the .colpkg, read the rows",
            time_runs(lambda: read_with_anki(package, workdir, guids), runs),
        ),
    ]
    wanted = frozenset(guids)
    reading = time_runs(lambda: read_reviews(package, wanted), runs)
    mib = package.stat().st_size // 1024**2
    size = f"{NOTES:,} notes ({QUIZ_NOTES:,} quiz's), {REVIEWS:,} answers, {mib} MiB"
    return [
        Measure("quiz cohort import FILE.colpkg --learner (first)", size, times, 5.0, peak_kib, peers),
        Measure(
            "  its reading of the file (zstandard + sqlite3)", f"{added[-1]:,} answers read", reading, 5.0
        ),
    ]


def main() -> None:
    """Run on its own: python -m tests.benchmarks.anki_import"""
    from tests.benchmarks.__main__ import generated_document

    with tempfile.TemporaryDirectory() as tmp:
        for measure in bench(Path(tmp), 3, generated_document(1400)):
            print(measure.row())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main()
