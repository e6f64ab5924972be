"""The one way output is styled: whether to colour (a terminal, and no NO_COLOR) and how (ANSI codes)."""

from __future__ import annotations

import os
from typing import TextIO

RESET = "\x1b[0m"
CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}


def use_color(stream: TextIO, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org) or
    ``no_color`` (the global --no-color) says so."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, color: bool, *styles: str) -> str:
    """The text in the named styles (keys of CODES), or as it is without colour or styles."""
    if not color or not styles or not text:
        return text
    return f"\x1b[{';'.join(CODES[s] for s in styles)}m{text}{RESET}"
