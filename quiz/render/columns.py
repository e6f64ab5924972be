"""The one table layout: plain aligned columns, one table for a status of a thousand sections or a
deck's cards alike.

The widths are measured once and the cells padded (rich took seconds to lay out a thousand rows).
Numbers align right, text left; a table wider than the terminal cuts its first column with an
ellipsis, or wraps the columns named in ``wrap`` onto more lines. Pure: strings in, a string out.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Collection, Sequence

from quiz.render.style import CODES, RESET, paint
from quiz.render.terminal import shown

GAP = "  "
ELLIPSIS = "…"
BOLD = f"\x1b[{CODES['bold']}m"
MIN_WIDTH = 12  # a column is never squeezed narrower than this, even past the terminal's edge

__all__ = ["BOLD", "RESET", "columns", "fit", "terminal_width"]


def terminal_width(default: int = 100) -> int:
    return shutil.get_terminal_size((default, 24)).columns


def fit(text: str, width: int) -> str:
    """The text cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def _longest(cell: str) -> int:
    return max((len(line) for line in cell.split("\n")), default=0)


def _narrowed(widths: list[int], width: int, wrap: Collection[int]) -> list[int]:
    """Widths that fit ``width``: the widest wrapped column gives room first, else the first column."""
    widths = list(widths)
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    if not wrap:
        widths[0] = max(min(widths[0], widths[0] - (total - width)), min(widths[0], MIN_WIDTH))
        return widths
    while total > width:  # one character at a time from the widest: the columns end up balanced
        widest = max(wrap, key=lambda i: widths[i])
        if widths[widest] <= MIN_WIDTH:
            break
        widths[widest] -= 1
        total -= 1
    return widths


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
) -> str:
    """The rows under their headers, the columns in ``left`` aligned left and the rest right.

    With a ``width``, a wider table takes the room from its ``wrap`` columns, whose cells then wrap
    onto more lines, or else from its first column, whose cells are cut with an ellipsis. A cell of
    a ``wrap`` column may hold several lines. Rows whose index is in ``strong`` are bold when
    ``color`` is on; ``spaced`` puts an empty line between rows. Control characters in a cell are
    shown escaped (quiz.render.terminal.shown), before the widths are measured.
    """
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max([len(h), *(_longest(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    if width is not None:
        widths = _narrowed(widths, width, wrap)

    def lines(cells: Sequence[str]) -> list[str]:
        split: list[list[str]] = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            if i in wrap:
                split.append([part for line in cell.split("\n") for part in textwrap.wrap(line, w) or [""]])
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
            out.append(GAP.join(padded).rstrip())
        return out

    out = [title] if title else []
    out.extend(lines(headers))
    out.append(GAP.join("-" * w for w in widths))
    for index, row in enumerate(rows):
        if spaced and index:
            out.append("")
        for text in lines(row):
            out.append(paint(text, color and index in strong, "bold"))
    return "\n".join(out)
