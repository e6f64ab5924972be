"""Reading a user's file (a regular file, within a size limit) and writing the files quiz makes: one
function for every `-o`, which writes whole or not at all, owner only, and never over the database,
a device, or a file quiz did not write unless --force says so."""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from quiz.errors import QuizError

SQLITE_MAGIC = b"SQLite format 3\0"
# The database's own files beside it: SQLite's (journal, WAL, shared memory) and quiz's writer queue.
SIDE_FILES = ("-wal", "-shm", "-journal", "-writer")
_SNIFF_BYTES = 4096
# How quiz recognises a file it wrote as each kind of export, from its first bytes: such a file
# may be replaced without --force (a re-export), any other existing file may not.
KINDS: dict[str, tuple[str, re.Pattern[bytes]]] = {
    # A zip; its members tell quiz's own package from a spreadsheet or an archive (_quiz_package).
    "apkg": ("an Anki package", re.compile(rb"PK\x03\x04")),
    "csv": ("an Anki text export", re.compile(rb"#separator:")),
    # A list of cards; its first card's fields tell it from any other list of objects (_quiz_cards).
    "json": ("a JSON export of cards", re.compile(rb"\[\s*\{")),
    "progress": ("a progress file", re.compile(rb'\{[^\n]{0,200}"format"\s*:\s*"quiz-progress"')),
    "report-table": ("a report", re.compile(rb"[^\n]*: \d{4}-\d\d-\d\d \(reviews since ")),
    "report-csv": ("a CSV report", re.compile(rb"learner,at_risk,")),
    "report-json": ("a JSON report", re.compile(rb'\{\s*"title":')),
    "report-html": (
        "an HTML report",
        re.compile(rb"<!DOCTYPE html>\s*<html[^>]*><head>.{0,400}?<title>Progress: ", re.S),
    ),
}
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# What genanki puts in a package: the collection, the media index, and media files named 0, 1, ...
_PACKAGE_MEMBERS = frozenset({"collection.anki2", "media"})
_PACKAGE_MOST_MEMBERS = 10_000
_ZIP_END_BYTES = 22 + 65_535  # the end record and the longest comment a zip may have
# The fields every card of `quiz export json` has had (quiz.anki.export.cards_json).
_CARD_FIELDS = frozenset({"key", "kind", "front", "back"})
_FIRST_CARD_BYTES = 1 << 20


def write_output(
    path: Path,
    write: Callable[[Path], object],
    *,
    kind: str,
    force: bool = False,
    database: Path | None = None,
) -> None:
    """The one way quiz writes a file the user named (or a default name): checked by
    ``check_output``, written through a private temporary file in the same folder, renamed over
    ``path`` (so no reader ever sees half a file), mode 0600. ``write`` fills the temporary path."""
    target = check_output(path, kind=kind, force=force, database=database)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        if exc.errno in _NO_SPACE:
            raise _write_error(path, exc) from None
        raise QuizError(
            f"{target.parent}: cannot write there ({exc.strerror}): choose another output path"
        ) from None
    os.close(handle)  # mkstemp made it 0600, whatever the umask: learners' data is private
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o600)  # a writer that recreated the file got the umask's mode
        _sync(temporary)  # on disk before the rename, so a power cut leaves the old file or the new
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _write_error(path, exc) from None
    except sqlite3.OperationalError as exc:  # genanki's scratch collection on a full disk
        Path(temporary).unlink(missing_ok=True)
        if "full" in str(exc):
            raise QuizError(
                f"No space left writing {path}: free some space or choose another folder"
            ) from None
        raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(
    path: Path, text: str, *, kind: str, force: bool = False, database: Path | None = None
) -> None:
    write_output(
        path,
        lambda temporary: temporary.write_text(text, encoding="utf-8"),
        kind=kind,
        force=force,
        database=database,
    )


def _write_error(path: Path, exc: OSError) -> QuizError:
    if exc.errno in _NO_SPACE:
        return QuizError(f"No space left writing {path}: free some space or choose another folder")
    return QuizError(f"cannot write {path} ({exc.strerror or exc}): choose another output path")


def check_output(path: Path, *, kind: str, force: bool = False, database: Path | None = None) -> Path:
    """Where ``path`` may be written, or a QuizError saying why not: never the database in use or
    its side files (by path or by inode, so a link to it is caught too), never a SQLite file (no
    export of quiz is one), never a folder, device, FIFO or socket (even with --force); an existing
    file quiz did not write as this ``kind`` of export only with ``force``. A symbolic link is
    followed: the file it points to is what gets replaced."""
    if path.is_symlink() and not path.exists():
        raise QuizError(f"{path} is a link to nothing: give the path of a real file")
    target = path.resolve()
    if not target.parent.is_dir():
        raise QuizError(f"{path.parent}: no such folder: create it or choose another output path")
    if database is not None:
        _refuse_database(path, target, database)
    try:
        found = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise QuizError(f"cannot write {path} ({exc.strerror}): choose another output path") from None
    if not stat.S_ISREG(found.st_mode):
        raise QuizError(f"{path} is {_what(found.st_mode)}, not a file: give the name of a file to write")
    head = _head(target)
    if head.startswith(SQLITE_MAGIC):
        raise QuizError(
            f"{path} is a SQLite database, and no export of quiz is one: quiz will not write over it "
            "(remove it yourself if you mean to), or choose another file"
        )
    description, pattern = KINDS[kind]
    if not force and head and not (pattern.match(head) and _recognised(kind, target)):
        raise QuizError(f"{path} exists and is not {description} quiz wrote: add --force to replace it")
    return target


def _recognised(kind: str, path: Path) -> bool:
    """Whether a file whose first bytes look like ``kind`` is one quiz wrote, where those bytes
    cannot tell (any zip, any JSON list): anything that cannot be read as such is not."""
    if kind == "apkg":
        return _quiz_package(path)
    if kind == "json":
        return _quiz_cards(path)
    return True


def _quiz_package(path: Path) -> bool:
    # Only the zip's central directory is read, never a member; a zip of more members than any
    # deck's package is not read through (its end record, the last bytes of the file, counts them).
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _ZIP_END_BYTES))
            tail = handle.read(_ZIP_END_BYTES)
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or int.from_bytes(tail[end + 10 : end + 12], "little") > _PACKAGE_MOST_MEMBERS:
            return False
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except Exception:  # whatever cannot be read as a zip is not quiz's package
        return False
    if not names >= _PACKAGE_MEMBERS:
        return False
    return all(name in _PACKAGE_MEMBERS or name.isdigit() for name in names)


def _quiz_cards(path: Path) -> bool:
    # The first card, whole, within the first MiB; an empty list ("[]") cannot be told from a
    # user's own and is replaced only with --force.
    try:
        with open(path, "rb") as handle:
            text = handle.read(_FIRST_CARD_BYTES).decode("utf-8", errors="replace")
        start = text.index("{")
        first, _end = json.JSONDecoder().raw_decode(text, start)
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(first, dict) and first.keys() >= _CARD_FIELDS


def _refuse_database(path: Path, target: Path, database: Path) -> None:
    known = {database.resolve(): ""} | {Path(f"{database.resolve()}{s}"): s for s in SIDE_FILES}
    inodes: dict[tuple[int, int], str] = {}
    for file, suffix in known.items():
        try:
            found = os.stat(file)
        except OSError:
            continue
        inodes[(found.st_dev, found.st_ino)] = suffix
    side = known.get(target)
    if side is None:
        try:
            found = os.stat(target)
        except OSError:
            return
        side = inodes.get((found.st_dev, found.st_ino))
    if side is None:
        return
    what = "the database quiz is using" if not side else f"the {side} file of the database quiz is using"
    raise QuizError(f"{path} is {what}: writing there would destroy it; choose another output file")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError as exc:
        # What cannot be read cannot be known not to be someone's database: left alone.
        raise QuizError(
            f"cannot read {path} to see what it is ({exc.strerror}): choose another file"
        ) from None


def _sync(path: str) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _what(mode: int) -> str:
    """What a file that is not a regular one is, for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def file_safe(name: str) -> str:
    """A learner's or cohort's name as part of a default file name: letters, digits, - _ . only."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name) or "learner"


def write_new(path: Path, text: str) -> None:
    """Create a file that holds a secret (an invite), readable by its owner only; refuse a path that
    exists, even a link to one, rather than replace it: a lost secret cannot be made again."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        raise QuizError(f"{path} exists already: it is never replaced; choose another name with -o") from None
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise _write_error(path, exc) from None


# --- reading ----------------------------------------------------------------------------------------


def read_limited(path: Path, limit: int, refuse: Callable[[str], Exception]) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Anything else is refused, through
    ``refuse(reason)``, before it is read: a FIFO before it is even opened (opening one for reading
    waits for a writer), a device such as /dev/zero before it can fill the memory."""
    try:
        info = os.stat(path)  # follows a symlink: what is read is what it points to
    except FileNotFoundError:
        raise refuse("no such file: check the path") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror})") from None
    _check_kind(info.st_mode, refuse)
    if info.st_size > limit:
        raise refuse(_too_large(info.st_size, limit))
    try:
        # O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        _check_kind(os.fstat(fd).st_mode, refuse)
        try:
            # One byte past the limit tells a file that grew since its size was read.
            data = handle.read(limit + 1)
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise refuse(_too_large(None, limit))
    return data


def _check_kind(mode: int, refuse: Callable[[str], Exception]) -> None:
    if not stat.S_ISREG(mode):
        raise refuse(f"is {_what(mode)}, not a regular file")


def _too_large(size: int | None, limit: int) -> str:
    limit_text = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"
    stated = f"{size / 1e6:.1f} MB, " if size is not None else ""
    return f"is {stated}over the {limit_text} limit for one file"
