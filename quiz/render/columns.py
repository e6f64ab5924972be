"""The one table layout: plain aligned columns, one table for a status of a thousand sections or a
deck's cards alike.

The widths are measured once and the cells padded (rich took seconds to lay out a thousand rows).
Numbers align right, text left; a table wider than the terminal wraps the columns named in ``wrap``
at spaces onto more lines, or else cuts its first column with an ellipsis. Pure: strings in, a string out.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Sequence

from quiz.render.style import CODES, RESET, paint
from quiz.render.terminal import shown

GAP = "  "
ELLIPSIS = "…"
BOLD = f"\x1b[{CODES['bold']}m"
MIN_WIDTH = 12  # a wrapped column is squeezed narrower than this only if the table then fits
NARROWEST = 4

__all__ = ["BOLD", "RESET", "cell_lines", "columns", "fit", "terminal_width"]


def terminal_width(default: int = 100) -> int:
    return shutil.get_terminal_size((default, 24)).columns


def fit(text: str, width: int) -> str:
    """The text cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def _longest(cell: str) -> int:
    return max((len(line) for line in cell.split("\n")), default=0)


def cell_lines(text: str, width: int) -> list[str]:
    """The text's lines wrapped at spaces to ``width``; a word longer than the width is the only
    thing broken, and a line's leading indent is kept on the lines it wraps onto."""
    out: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        if len(indent) * 2 > width:
            indent = ""
        room = max(1, width - len(indent))
        current = ""
        for word in line.split():
            while len(word) > room:  # too long for a line of its own: only this word is broken
                if current:
                    out.append(indent + current)
                    current = ""
                out.append(indent + word[:room])
                word = word[room:]
            if current and len(current) + 1 + len(word) > room:
                out.append(indent + current)
                current = ""
            current = f"{current} {word}" if current else word
        if current or not line.split():
            out.append(indent + current)
    return out or [""]


def _total(widths: Sequence[int], gap: str) -> int:
    return sum(widths) + len(gap) * (len(widths) - 1)


def _need(cell: str) -> int:
    """The width a cell needs for no word of it to be broken: its longest word after its indent."""
    return max(
        (
            len(line) - len(line.lstrip()) + max(map(len, line.split()), default=0)
            for line in cell.split("\n")
        ),
        default=0,
    )


def _shrunk(widths: list[int], width: int, floors: dict[int, int], gap: str) -> list[int]:
    """The widest wrapped column (those in ``floors``) gives room one character at a time, so the
    columns end up balanced, none narrower than its floor or than it was."""
    widths = list(widths)
    floors = {i: min(widths[i], floor) for i, floor in floors.items()}
    total = _total(widths, gap)
    while total > width:
        widest = max(floors, key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
        total -= 1
    return widths


def _narrowed(widths: list[int], width: int, needs: dict[int, int]) -> tuple[list[int], str]:
    """Widths and the gap between columns that fit ``width``: the wrapped columns (``needs``: the
    width each needs for no word to be broken) give room, with two spaces between columns or else
    one; down to what they need, then to MIN_WIDTH, then narrower still if the table then fits.
    Without wrapped columns the first column is cut."""
    widths = list(widths)
    if _total(widths, GAP) <= width:
        return widths, GAP
    if not needs:
        total = _total(widths, GAP)
        widths[0] = max(min(widths[0], widths[0] - (total - width)), min(widths[0], MIN_WIDTH))
        return widths, GAP
    for floors in ({i: max(MIN_WIDTH, n) for i, n in needs.items()}, dict.fromkeys(needs, MIN_WIDTH)):
        for gap in (GAP, " "):
            fitted = _shrunk(widths, width, floors, gap)
            if _total(fitted, gap) <= width:
                return fitted, gap
    narrowest = _shrunk(widths, width, dict.fromkeys(needs, NARROWEST), " ")
    if _total(narrowest, " ") <= width:
        return narrowest, " "
    return _shrunk(widths, width, dict.fromkeys(needs, MIN_WIDTH), GAP), GAP  # readable, if too wide


def columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    left: Collection[int] = (0,),
    strong: Collection[int] = (),
    width: int | None = None,
    color: bool = False,
    wrap: Collection[int] = (),
    spaced: bool = False,
    under: int | None = None,
) -> str:
    """The rows under their headers, the columns in ``left`` aligned left and the rest right.

    With a ``width``, a wider table takes the room from its ``wrap`` columns, whose cells then wrap
    at spaces onto more lines, or else from its first column, whose cells are cut with an ellipsis.
    The column ``under`` (kept whole, to be copied) goes on a line of its own under each row when
    the table would not fit with it beside the others. A cell of a ``wrap`` column may hold several
    lines; a row shorter than the headers has its last cells empty. Rows whose index is in
    ``strong`` are bold when ``color`` is on; ``spaced`` puts an empty line between rows. Control
    characters in a cell are shown escaped (quiz.render.terminal.shown), before the widths are
    measured.
    """
    table = [[shown(cell) for cell in row] + [""] * (len(headers) - len(row)) for row in rows]
    headers = list(headers)
    widths = [max([len(h), *(_longest(r[i]) for r in table)]) for i, h in enumerate(headers)]
    gap = GAP
    below: list[str] = []
    if width is not None:

        def needs() -> dict[int, int]:
            return {i: max(_need(cell) for cell in [headers[i], *(r[i] for r in table)]) for i in wrap}

        narrowed, gap = _narrowed(widths, width, needs())
        if under is not None and _total(narrowed, gap) > width:
            name = headers.pop(under)
            below = [f"  {name}: {row.pop(under)}" for row in table]
            widths.pop(under)
            left = {i - (i > under) for i in left if i != under}
            wrap = {i - (i > under) for i in wrap if i != under}
            narrowed, gap = _narrowed(widths, width, needs())
        widths = narrowed

    def lines(cells: Sequence[str]) -> list[str]:
        split: list[list[str]] = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            if i in wrap:
                split.append(cell_lines(cell, w))
            else:
                split.append([fit(cell, w)])
        height = max(len(parts) for parts in split)
        out = []
        for n in range(height):
            padded = [
                (parts[n] if n < len(parts) else "").ljust(w)
                if i in left
                else (parts[n] if n < len(parts) else "").rjust(w)
                for i, (parts, w) in enumerate(zip(split, widths, strict=True))
            ]
            out.append(gap.join(padded).rstrip())
        return out

    out = [title] if title else []
    out.extend(lines(headers))
    out.append(gap.join("-" * w for w in widths))
    for index, row in enumerate(table):
        if spaced and index:
            out.append("")
        for text in lines(row):
            out.append(paint(text, color and index in strong, "bold"))
        if below:
            out.append(paint(below[index], color and index in strong, "bold"))
    return "\n".join(out)
