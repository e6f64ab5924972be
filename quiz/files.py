"""Reading a user's file (a regular file, within a size limit) and writing the files quiz makes:
whole or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from quiz.errors import QuizError


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder and rename it over ``path``."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise QuizError(f"{folder}: no such folder: create it or choose another output path")
    if path.is_dir():
        raise QuizError(f"{path} is a folder: give a file name")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise QuizError(
            f"{folder}: cannot write there ({exc.strerror}): choose another output path"
        ) from None
    os.close(handle)
    try:
        write(Path(temporary))
        # mkstemp makes a private file; give the export the mode any new file would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


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
    if stat.S_ISREG(mode):
        return
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a special file"
    )
    raise refuse(f"is {kind}, not a regular file")


def _too_large(size: int | None, limit: int) -> str:
    limit_text = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"
    stated = f"{size / 1e6:.1f} MB, " if size is not None else ""
    return f"is {stated}over the {limit_text} limit for one file"
