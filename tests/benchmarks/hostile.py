"""Hostile documents beside a normal one of the same size: time and peak memory of their import,
and their ratios to the normal document's, which show the cost stays linear and bounded."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

MEGABYTE = 1_000_000
BODY = "\n\n- Warfarin is monitored by the INR, target 2.0 to 3.0 in atrial fibrillation\n"
# The 345-byte bomb: nine lists of nine, six levels deep, a 313 MB title once expanded.
ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "title: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "---\n# T" + BODY
)
SENTENCE = "Indomethacin 75 mg daily for 6 weeks lowers the risk of heterotopic ossification after surgery. "


def normal_document(ho_deck: Path, size: int = MEGABYTE) -> str:
    """The HO deck repeated to ``size`` characters, each copy's headings made distinct (and its top
    heading a section), under one front matter of its own."""
    text = ho_deck.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    parts = ["---\ndeck: HO, a megabyte\nid: ho-megabyte\n---\n\n# HO, a megabyte\n"]
    copy = 0
    while sum(map(len, parts)) < size:
        copy += 1
        parts.append(
            re.sub(r"(?m)^(#+) (.*)$", lambda m, c=copy: f"#{m.group(1)} {m.group(2)} ({c})", body) + "\n"
        )
    return "".join(parts)


def hostile_documents(ho_deck: Path) -> dict[str, tuple[str, str]]:
    """name: (what it is, its text), the normal document first."""
    line = (SENTENCE * (MEGABYTE // len(SENTENCE) + 1))[:MEGABYTE]
    return {
        "normal": ("the HO deck repeated to 1 MB, headings distinct", normal_document(ho_deck)),
        "one line": ("1 MB on one line (a bullet)", f"# One line\n\n- {line}\n"),
        "quotes": ("1 MB of '>'", ">" * MEGABYTE),
        "heading": ("a heading padded with 1 MB of spaces", "# Title" + " " * MEGABYTE + BODY),
        "alias bomb": ("the YAML alias bomb (345 bytes of front matter)", ALIAS_BOMB),
    }


def import_times(
    workdir: Path, path: Path, repeat: int, time_runs: Callable[..., list[float]]
) -> tuple[list[float], str]:
    """The import's times in-process (a fresh database each run), and what it made or said."""
    from quiz.errors import QuizError
    from quiz.services.importing import import_documents
    from quiz.store import for_engine
    from quiz.store.schema import ensure_schema, make_engine

    state: dict[str, object] = {}

    def fresh_database() -> None:
        db = workdir / f"hostile-{len(list(workdir.glob('hostile-*.db')))}.db"
        engine = make_engine(f"sqlite:///{db}")
        ensure_schema(engine, lambda _m: None)
        state["engine"] = engine

    def run() -> None:
        try:
            with for_engine(state["engine"]) as db:  # type: ignore[arg-type]
                state["outcome"] = f"{import_documents(db, [path]).decks[0].cards} cards"
        except QuizError as exc:
            state["outcome"] = "refused in one line" if "\n" not in str(exc) else "refused"

    times = time_runs(run, repeat, fresh_database)
    return times, str(state["outcome"])


def peak_kib(command: list[str]) -> int | None:
    """The largest resident size of one whole `quiz import` (GNU time), refused or not."""
    if not os.path.exists("/usr/bin/time"):
        return None
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
    )
    return int(done.stderr.strip().splitlines()[-1])
