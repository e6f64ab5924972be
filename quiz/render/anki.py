"""An Anki import's result as lines: per file, the reviews taken and the notes quiz did not know."""

from __future__ import annotations

from quiz.services.anki_import import AnkiImport


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def anki_import_lines(result: AnkiImport) -> str:
    return "\n".join(
        f"{item.path}: {item.learner}, {_plural(item.added, 'new review')} of {item.reviews} taken from "
        f"{_plural(item.notes, 'quiz note')} ({item.reviews - item.added} already here), "
        f"{item.cards} card states replayed; {_plural(item.unknown_notes, 'other note')} not known "
        "to quiz, ignored"
        + (f"; {_plural(item.skipped, 'row')} that are not answers skipped." if item.skipped else ".")
        for item in result.files
    )
