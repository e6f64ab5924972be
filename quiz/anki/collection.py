"""Reading what Anki exports: a collection package (.colpkg) or a deck package with scheduling (.apkg).

Only the notes' GUIDs, their cards' ordinals and those cards' review log (revlog) are read, and only
for the notes asked for: the rest of the student's collection is never read into memory.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from quiz.errors import QuizError

# Newest first: a current package also holds a stub "collection.anki2" whose one note says to
# update Anki, so the zstd-compressed collection must win when both are there.
ZSTD_MEMBER = "collection.anki21b"
PLAIN_MEMBERS = ("collection.anki21", "collection.anki2")
ZIP_MAGIC = b"PK\x03\x04"
# A zip of a few megabytes can inflate to anything: stop well past any real collection.
MAX_COLLECTION_BYTES = 4 * 1024**3
CHUNK = 1024 * 1024

# revlog.type: 0 learn, 1 review, 2 relearn, 3 filtered deck; 4 manual (set due date, forget) and
# 5 rescheduled are not answers. An ease of 0 is a rescheduling row too.
ANSWER_TYPES = (0, 1, 2, 3)


class AnkiFileError(QuizError):
    """A file that is not an Anki export quiz can read: the message says why, without the path."""


@dataclass(frozen=True)
class AnkiReview:
    """One answer given in Anki (a revlog row) to a card of a note asked for."""

    id: int  # the revlog id: the instant answered, in ms since the epoch, and stable across exports
    guid: str
    ordinal: int  # the card's ordinal in its note
    ease: int  # the button: 1 again, 2 hard, 3 good, 4 easy
    milliseconds: int  # time taken (Anki caps it at its own limit)


@dataclass(frozen=True)
class AnkiLog:
    reviews: tuple[AnkiReview, ...]  # oldest first
    notes: int  # notes in the file
    known_notes: int  # of them, notes asked for
    skipped: int  # rows of the known cards that are not answers (manual rescheduling)
    all_reviews: int  # revlog rows in the file, of any note


def read_reviews(path: Path, guids: Collection[str]) -> AnkiLog:
    """The answers given to the cards of the notes whose GUID is in ``guids``."""
    try:
        with open(path, "rb") as raw:
            magic = raw.read(4)
    except FileNotFoundError:
        raise AnkiFileError("no such file") from None
    except IsADirectoryError:
        raise AnkiFileError("is a folder, not an Anki export") from None
    except OSError as exc:
        raise AnkiFileError(f"cannot be read ({exc.strerror})") from None
    if magic != ZIP_MAGIC:
        raise AnkiFileError("is not an Anki export (.colpkg or .apkg are zip files; this one is not)")
    with tempfile.TemporaryDirectory(prefix="quiz-anki-") as tmp:
        database = Path(tmp) / "collection.db"
        _extract(path, database)
        return _query(database, guids)


def _extract(path: Path, target: Path) -> None:
    """The package's collection, decompressed, to ``target``."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if ZSTD_MEMBER in names:
                _inflate(package, target)
                return
            for name in PLAIN_MEMBERS:
                if name in names:
                    with package.open(name) as member, open(target, "wb") as out:
                        _copy(member, out)
                    return
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise AnkiFileError(f"is damaged ({exc}): export it again from Anki") from None
    raise AnkiFileError("is a zip file but not an Anki export (it holds no Anki collection)")


def _inflate(package: zipfile.ZipFile, target: Path) -> None:
    """Anki's current format: the collection compressed with zstd."""
    try:
        import zstandard
    except ImportError:  # a dependency of quiz's, but an install may lack it
        raise AnkiFileError(
            "is in Anki's current format, which needs the zstandard package: pip install zstandard"
        ) from None
    try:
        with package.open(ZSTD_MEMBER) as member, open(target, "wb") as out:
            _copy(zstandard.ZstdDecompressor().stream_reader(member), out)
    except zstandard.ZstdError as exc:
        raise AnkiFileError(f"is damaged ({exc}): export it again from Anki") from None


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def _copy(source: _Readable, out: BinaryIO) -> None:
    written = 0
    while chunk := source.read(CHUNK):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise AnkiFileError(f"holds a collection larger than {MAX_COLLECTION_BYTES // 1024**3} GiB")
        out.write(chunk)


def _query(database: Path, guids: Collection[str]) -> AnkiLog:
    try:
        connection = sqlite3.connect(database, isolation_level=None)
    except sqlite3.Error as exc:
        raise AnkiFileError(f"is damaged ({exc}): export it again from Anki") from None
    try:
        return _read(connection, guids)
    except sqlite3.DatabaseError as exc:
        raise AnkiFileError(f"is damaged or not an Anki collection ({exc}): export it again") from None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection, guids: Collection[str]) -> AnkiLog:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"notes", "cards", "revlog"} <= tables:
        raise AnkiFileError("is a zip file but not an Anki export (its database has no notes and revlog)")
    notes = int(connection.execute("SELECT COUNT(*) FROM notes").fetchone()[0])
    all_reviews = int(connection.execute("SELECT COUNT(*) FROM revlog").fetchone()[0])
    # The notes asked for are found by SQLite (a scan of the notes, each GUID looked up in a
    # temporary table), not by reading every note of the collection into Python; then their
    # cards, so that revlog is read through its index on cid: a million rows of other notes are
    # never looked at.
    connection.execute("CREATE TEMP TABLE quiz_guids (guid TEXT PRIMARY KEY) WITHOUT ROWID")
    connection.executemany("INSERT OR IGNORE INTO quiz_guids VALUES (?)", ((guid,) for guid in guids))
    connection.execute(
        "CREATE TEMP TABLE quiz_notes AS SELECT id, guid FROM notes "
        "WHERE guid IN (SELECT guid FROM quiz_guids)"
    )
    known = int(connection.execute("SELECT COUNT(*) FROM quiz_notes").fetchone()[0])
    if not known:
        return AnkiLog((), notes, 0, 0, all_reviews)
    connection.execute(
        "CREATE TEMP TABLE quiz_cards AS SELECT c.id AS id, q.guid AS guid, c.ord AS ord "
        "FROM cards c JOIN quiz_notes q ON q.id = c.nid"
    )
    reviews: list[AnkiReview] = []
    skipped = 0
    # CROSS JOIN keeps that order: SQLite would otherwise scan revlog by id for the ORDER BY.
    for revlog_id, guid, ordinal, ease, kind, taken in connection.execute(
        "SELECT r.id, q.guid, q.ord, r.ease, r.type, r.time FROM quiz_cards q "
        "CROSS JOIN revlog r ON r.cid = q.id ORDER BY r.id"
    ):
        if kind not in ANSWER_TYPES or not 1 <= ease <= 4:
            skipped += 1
            continue
        reviews.append(AnkiReview(int(revlog_id), str(guid), int(ordinal), int(ease), max(0, int(taken))))
    return AnkiLog(tuple(reviews), notes, known, skipped, all_reviews)
