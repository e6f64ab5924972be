"""Plain aligned columns for long tables (a status of a thousand sections, a cohort of hundreds).

Rich lays out a table cell by cell, which takes seconds at a thousand rows; these tables are
simple (one line a row, numbers on the right), so the widths are measured once and the rows
padded. Pure: strings in, a string out.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Sequence

GAP = "  "
ELLIPSIS = "…"
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def terminal_width(default: int = 100) -> int:
    return shutil.get_terminal_size((default, 24)).columns


def fit(text: str, width: int) -> str:
    """The text cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    left: Collection[int] = (0,),
    strong: Collection[int] = (),
    width: int | None = None,
    color: bool = False,
) -> str:
    """The rows under their headers, the columns in ``left`` aligned left and the rest right.

    With a ``width``, a table wider than it takes the room from its first column, whose cells are
    cut with an ellipsis. Rows whose index is in ``strong`` are bold when ``color`` is on.
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    if width is not None:
        others = sum(widths[1:]) + len(GAP) * (len(widths) - 1)
        widths[0] = max(min(widths[0], width - others), min(widths[0], 12))

    def line(cells: Sequence[str]) -> str:
        padded = [
            fit(c, w).ljust(w) if i in left else fit(c, w).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return GAP.join(padded).rstrip()

    out = [title] if title else []
    out.append(line(headers))
    out.append(GAP.join("-" * w for w in widths))
    for index, row in enumerate(rows):
        text = line(row)
        out.append(f"{BOLD}{text}{RESET}" if color and index in strong else text)
    return "\n".join(out)
