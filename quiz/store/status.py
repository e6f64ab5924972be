"""What `quiz status` shows, read from the counts the database keeps (migration 0003): per live
section, the cards, how many the learner met or suspended, and what falls due when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from quiz.core.drafts import path_titles
from quiz.store.db import Db, as_day


class SectionCounts(NamedTuple):
    deck: str
    deck_name: str
    path: tuple[str, ...]  # the section's titles
    cards: int
    introduced: int
    suspended: int
    suspended_new: int  # suspended before their first review
    overdue: int
    due_by_day: tuple[int, ...]  # introduced, unsuspended cards due today and on each next day


def status_counts(db: Db, learner_id: int, today: date, horizon: int) -> list[SectionCounts]:
    """Per live section: its cards, how many the learner has met or suspended, what is overdue and
    what falls due from today to ``horizon`` days ahead. Read from the counts the database keeps
    (sections.card_count, learner_sections, learner_due: migration 0003), not from the states."""
    last = today + timedelta(days=horizon)
    params = {"learner": learner_id, "last": last}
    sections = db.rows(
        "SELECT s.id, s.path, d.slug, d.name, s.card_count FROM sections s "
        "JOIN decks d ON d.id = s.deck_id WHERE NOT s.retired AND s.card_count > 0 "
        "ORDER BY d.name, s.position"
    )
    met = {
        int(r[0]): (int(r[1]), int(r[2]), int(r[3]))
        for r in db.rows(
            "SELECT section_id, introduced, suspended, suspended_new FROM learner_sections "
            "WHERE learner_id = :learner",
            params,
        )
    }
    due: dict[int, list[int]] = {}
    slots: dict[object, int] = {}  # a few days over thousands of rows: each day's place worked out once
    for day, section_id, count in db.rows(
        "SELECT due, section_id, cards FROM learner_due WHERE learner_id = :learner AND due <= :last", params
    ):
        slot = slots.get(day)
        if slot is None:
            when = as_day(day)
            slot = slots[day] = 0 if when < today else 1 + (when - today).days
        counts = due.get(section_id)
        if counts is None:
            counts = due[section_id] = [0] * (horizon + 2)
        counts[slot] += count
    found = []
    for sid, path, slug, name, cards in sections:
        introduced, suspended, suspended_new = met.get(sid, (0, 0, 0))
        overdue, *by_day = due.get(sid, [0] * (horizon + 2))
        found.append(
            SectionCounts(
                slug,
                name,
                path_titles(path),
                int(cards),
                introduced,
                suspended,
                suspended_new,
                overdue,
                tuple(by_day),
            )
        )
    return found
