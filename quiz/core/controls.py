"""Control characters: what a terminal would run as a command instead of showing (C0, DEL, C1),
and the bidirectional overrides and isolates that make a terminal show text in another order.

The render layer shows them escaped; a name that holds one is refused when it is made."""

from __future__ import annotations

import re

from quiz.errors import QuizError

# C0 but tab and newline (which lay text out), DEL, and C1 (U+0080-U+009F: U+009B is a whole CSI);
# and U+202A-U+202E, U+2066-U+2069 (bidi embeddings, overrides, isolates), which reorder what
# follows them: "evil\u202egpj.exe" reads as "evilexe.jpg".
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A name is one line: tab and newline are refused in it too.
NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hex(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str, pattern: re.Pattern[str] = CONTROL) -> str:
    """The text with each control character (by default not tab or newline) written ``\\xNN``, a
    bidi control ``\\uNNNN``."""
    return pattern.sub(_hex, text) if pattern.search(text) else text


def check_name(kind: str, name: str) -> str:
    """The name, refused with a one-line error when it holds a control character, a bidi control
    or a line break (an escape sequence in a name would reach every terminal that lists it)."""
    if NAME_CONTROL.search(name):
        raise QuizError(
            f"a {kind}'s name must not hold control characters, bidi controls or line breaks: "
            f"'{escaped(name, NAME_CONTROL)}' (choose another name)"
        )
    return name
