"""Control characters: what a terminal would run as a command instead of showing (C0, DEL, C1).

The render layer shows them escaped; a name that holds one is refused when it is made."""

from __future__ import annotations

import re

from quiz.errors import QuizError

# C0 but tab and newline (which lay text out), DEL, and C1 (U+0080-U+009F: U+009B is a whole CSI).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A name is one line: tab and newline are refused in it too.
NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _hex(match: re.Match[str]) -> str:
    return f"\\x{ord(match[0]):02x}"


def escaped(text: str, pattern: re.Pattern[str] = CONTROL) -> str:
    """The text with each control character (by default not tab or newline) written ``\\xNN``."""
    return pattern.sub(_hex, text) if pattern.search(text) else text


def check_name(kind: str, name: str) -> str:
    """The name, refused with a one-line error when it holds a control character or a line break
    (an escape sequence in a name would reach every terminal that lists it)."""
    if NAME_CONTROL.search(name):
        raise QuizError(
            f"a {kind}'s name must not hold control characters or line breaks: "
            f"'{escaped(name, NAME_CONTROL)}' (choose another name)"
        )
    return name
