"""quiz's SQLite writers wait their turn first come, first served, on kernel locks of a side file
(``<database>-writer``), so that the slowest answer of a class waits about as long as the others."""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import signal
import stat
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

from quiz.errors import DatabaseBusyError

# Bytes 0-7 of the side file hold the next ticket (written under a lock on them); byte 8 + n is
# the lock of ticket n (mod SLOTS), held by its owner from the ticket's taking until its commit.
# SLOTS only has to exceed the writers queued at once: beyond, two share a byte and the order of
# those two is the kernel's.
SLOTS = 1 << 16
_COUNTER = 0
_FIRST_SLOT = 8
# Open file description locks (Linux): owned by the open file, not the process, so two
# connections of one process queue too, and released by the kernel when the holder dies.
_OFD = hasattr(fcntl, "F_OFD_SETLKW")
_FLOCK = "hhqqi4x"  # struct flock on Linux: type, whence, start, length, pid (0 for these locks)


class WriterQueue:
    """The queue of one database's writers; ``enter`` waits for this writer's turn, ``leave`` hands
    it to the next. Exactly one waiter wakes at each hand-over: the one that came next (a kernel's
    plain lock wakes them all, and the slowest of 64 learners waited ten times the median)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._fd: int | None = None
        self._slot: int | None = None

    def _file(self) -> int:
        if self._fd is None:
            self._fd = open_private(Path(f"{self.database}-writer"), self.database)
        return self._fd

    def enter(self, timeout: float) -> float:
        """Wait for this writer's turn: the seconds waited; DatabaseBusyError past ``timeout``
        seconds (nothing held then)."""
        fd = self._file()
        started = time.monotonic()
        wait: _Wait | None = None  # made only if a step has to wait: an answer pays ~15 us here
        try:
            if _OFD:
                wait = _take(fd, _COUNTER, 8, wait, timeout, started)
                try:
                    ticket = int.from_bytes(os.pread(fd, 8, _COUNTER).ljust(8, b"\0"), "little")
                    os.pwrite(fd, ((ticket + 1) % (1 << 62)).to_bytes(8, "little"), _COUNTER)
                    mine = _FIRST_SLOT + ticket % SLOTS
                    wait = _take(fd, mine, 1, wait, timeout, started)
                    self._slot = mine
                finally:
                    _unlock(fd, _COUNTER, 8)
                # The one before holds its byte until it commits (or dies: the kernel frees it).
                before = _FIRST_SLOT + (ticket - 1) % SLOTS
                wait = _take(fd, before, 1, wait, timeout, started)
                _unlock(fd, before, 1)
            # Mutual exclusion itself: normally free by now; if a writer ahead died while queued,
            # the one after it came early and waits here.
            wait = _take(fd, 0, 0, wait, timeout, started)
        except BaseException:
            self.leave()
            raise
        finally:
            if wait is not None:
                wait.done()
        return 0.0 if wait is None else time.monotonic() - started

    def leave(self) -> None:
        if self._fd is None:
            return
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        if self._slot is not None:
            _unlock(self._fd, self._slot, 1)
            self._slot = None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # frees whatever is still held
            self._fd = None
            self._slot = None


def open_private(path: Path, like: Path) -> int:
    """``path`` opened for reading and writing, created with ``like``'s permissions (0600 if it
    cannot be read): learners' data is private, and so is what sits beside it."""
    try:
        mode = stat.S_IMODE(os.stat(like).st_mode) & 0o666
    except OSError:
        mode = 0o600
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fd = os.open(path, os.O_RDWR)
        found = os.fstat(fd)
        if found.st_uid == os.geteuid() and stat.S_IMODE(found.st_mode) & ~mode:
            os.fchmod(fd, mode)  # the first side files were made 0644
        return fd
    os.fchmod(fd, mode)  # exactly the database's, whatever the umask
    return fd


class _Wait:
    """Blocking kernel calls under one deadline: the main thread blocks and is woken by an alarm
    at the deadline; other threads (no alarm reaches them) poll every millisecond."""

    def __init__(self, timeout: float, started: float) -> None:
        self.timeout = timeout
        self.started = started
        self._previous: object = None
        self._armed = False

    def until(self, take: Callable[[bool], bool]) -> None:
        if threading.current_thread() is not threading.main_thread():
            while time.monotonic() - self.started < self.timeout:
                time.sleep(0.001)
                if take(False):
                    return
            raise DatabaseBusyError()
        if not self._armed:
            left = self.timeout - (time.monotonic() - self.started)
            if left <= 0:
                raise DatabaseBusyError()
            self._previous = signal.signal(signal.SIGALRM, _expired)
            signal.setitimer(signal.ITIMER_REAL, left)
            self._armed = True
        take(True)

    def done(self) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]
            self._armed = False


def _expired(_signal: int, _frame: object) -> None:
    raise DatabaseBusyError()


def _take(
    fd: int, start: int, length: int, wait: _Wait | None, timeout: float, started: float
) -> _Wait | None:
    """A write lock on bytes ``start`` to ``start + length`` (length 0: the whole file's flock),
    waited for if need be; the wait (made at the first one that had to) returned."""
    take = functools.partial(_lock, fd, start, length) if length else functools.partial(_flock, fd)
    if take(False):
        return wait
    wait = wait or _Wait(timeout, started)
    wait.until(take)
    return wait


def _lock(fd: int, start: int, length: int, block: bool) -> bool:
    """A write lock on bytes ``start`` to ``start + length``; False if another holds it (not
    blocking)."""
    command = fcntl.F_OFD_SETLKW if block else fcntl.F_OFD_SETLK
    try:
        fcntl.fcntl(fd, command, struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, start, length, 0))
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES) and not block:
            return False
        raise
    return True


def _unlock(fd: int, start: int, length: int) -> None:
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack(_FLOCK, fcntl.F_UNLCK, os.SEEK_SET, start, length, 0))


def _flock(fd: int, block: bool) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
