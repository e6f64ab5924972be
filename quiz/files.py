"""Writing the files quiz makes: whole or not at all."""

from __future__ import annotations

import os
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
