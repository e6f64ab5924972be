"""What reaches a terminal: text from data with its control characters shown escaped, never run;
lines wrapped at word boundaries to the terminal's width; the screen cleared between cards.

Pure: strings in, strings out. Renderers put data through ``shown`` (tables: the columns layout
does it per cell); the CLI's printers (results, notes, errors, the review) put their text through
``printable`` as well.
"""

from __future__ import annotations

import re

from quiz.core.controls import CONTROL, escaped

CLEAR = "\x1b[H\x1b[2J"  # cursor home, erase the screen: quiz's own, written only to a terminal
# The colour codes quiz itself writes (quiz.render.style.paint): Select Graphic Rendition only.
SGR = re.compile(r"\x1b\[[0-9;]*m")
_CODES = re.compile(f"(?:{SGR.pattern})*")
_BULLET = re.compile(r"( *)((?:• |- |\d+\. )?)")

__all__ = ["CLEAR", "clipped", "printable", "shown", "visible_length", "wrap"]


def shown(text: str) -> str:
    """Text from data (a name, a card, a path) as a terminal shows it: each control character
    but tab and newline written as ``\\xNN`` (ESC as ``\\x1b``, C1's CSI as ``\\x9b``), a bidi
    override or isolate as ``\\uNNNN`` (quiz.core.controls.CONTROL)."""
    return escaped(text)


def printable(text: str, color: bool = False) -> str:
    """Whole output made safe at the last moment: with ``color``, quiz's own colour codes are
    kept and every other control character escaped; without, every one is escaped."""
    if not CONTROL.search(text):
        return text
    if not color:
        return escaped(text)
    pieces = SGR.split(text)
    codes = SGR.findall(text)
    out = [escaped(pieces[0])]
    for code, piece in zip(codes, pieces[1:], strict=True):
        out.append(code + escaped(piece))
    return "".join(out)


def clipped(text: str, width: int) -> str:
    """Text cut to ``width`` characters, "…" marking the cut: a line that only names a piece of a
    document (or a card in a list) need not print the whole of an 80 KB paragraph."""
    return text if len(text) <= width else text[: width - 1] + "…"


def visible_length(text: str) -> int:
    """How many columns the text takes: its colour codes take none."""
    return len(SGR.sub("", text)) if "\x1b" in text else len(text)


def _cut(word: str, width: int) -> list[str]:
    """A word longer than the line, cut into pieces of ``width`` columns (colour codes kept)."""
    pieces: list[str] = []
    current, columns = "", 0
    for token in re.split(f"({SGR.pattern})", word):
        if SGR.fullmatch(token):
            current += token
            continue
        for char in token:
            if columns == width:
                pieces.append(current)
                current, columns = "", 0
            current += char
            columns += 1
    return [*pieces, current] if current or not pieces else pieces


def _wrap_line(line: str, width: int) -> list[str]:
    if visible_length(line) <= width:
        return [line]
    codes = _CODES.match(line)  # a painted line's colour comes first, then its indent or bullet
    start = codes.end() if codes else 0
    lead = _BULLET.match(line, start)
    first_indent = line[:start] + (lead[1] + lead[2] if lead else "")
    indent = len(first_indent) - start
    hanging = " " * indent if indent < width // 2 else ""
    words = [w for w in re.split(" +", line[len(first_indent) :]) if w]
    out: list[str] = []
    current, length = first_indent, indent
    fresh = True  # nothing but the indent on the current line yet
    for word in words:
        size = visible_length(word)
        if not fresh and length + 1 + size <= width:
            current, length = f"{current} {word}", length + 1 + size
            continue
        if not fresh:
            out.append(current)
            current, length = hanging, len(hanging)
        room = width - length
        if size > room:  # only a word longer than the line is broken
            *full, last = _cut(word, max(room, 1))
            out.extend(current + piece for piece in full[:1])
            out.extend(hanging + piece for piece in full[1:])
            current = (hanging if full else current) + last
            length = visible_length(current)
        else:
            current, length = current + word, length + size
        fresh = False
    out.append(current)
    return out


def wrap(text: str, width: int | None) -> str:
    """Each line of the text cut at spaces to ``width`` columns (None: as it is); a line that
    starts with spaces or a bullet continues under its first word."""
    if width is None or width < 2:
        return text
    return "\n".join(part for line in text.split("\n") for part in _wrap_line(line, width))
