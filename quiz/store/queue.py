"""The review's queue: which cards a learner has due, new or to cram today, read as queued cards."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from quiz.core.drafts import path_titles
from quiz.core.siblings import spread
from quiz.store.db import Db, sql_ids
from quiz.store.review import STATE_COLUMNS, QueuedCard, stored_state

_QUEUE = (
    'SELECT c.id, c.section_id, c."key", d.slug, s.path, c.kind, c.front, c.back, c."references", '
    f"st.learner_id, {', '.join('st.' + c for c in STATE_COLUMNS.split(', '))}, c.source_text "
    "FROM cards c JOIN sections s ON s.id = c.section_id JOIN decks d ON d.id = c.deck_id "
    "{join} card_states st ON st.card_id = c.id AND st.learner_id = :learner "
    "WHERE NOT c.retired"
)


def _queue_sql(inner: bool = False) -> str:
    return _QUEUE.replace("{join}", "JOIN" if inner else "LEFT JOIN")


def _scoped(deck_ids: Sequence[int] | None, section_ids: Sequence[int] | None) -> str:
    found = ""
    if deck_ids is not None:
        found += f" AND c.deck_id IN ({sql_ids(deck_ids)})"
    if section_ids is not None:
        found += f" AND c.section_id IN ({sql_ids(section_ids)})"
    return found


def _sections(section_ids: Sequence[int] | None) -> str:
    return "" if section_ids is None else f" AND s.id IN ({sql_ids(section_ids)})"


def _references(value: Any) -> tuple[str, ...]:
    # JSON: text in SQLite, already a list from PostgreSQL.
    if value is None:
        return ()
    return tuple(json.loads(value) if isinstance(value, str) else value)


def _queued(rows: Sequence[Sequence[Any]]) -> list[QueuedCard]:
    return [
        QueuedCard(
            int(r[0]),
            int(r[1]),
            str(r[2]),
            str(r[3]),
            path_titles(str(r[4])),
            str(r[5]),
            str(r[6]),
            str(r[7]),
            _references(r[8]),
            stored_state(r[10:-1]) if r[9] is not None else None,
            str(r[-1]),
        )
        for r in rows
    ]


AVAILABLE = "NOT st.suspended AND (st.buried_until IS NULL OR st.buried_until <= :today)"


def due_cards(
    db: Db,
    learner_id: int,
    today: date,
    limit: int,
    deck_ids: Sequence[int] | None = None,
    section_ids: Sequence[int] | None = None,
) -> list[QueuedCard]:
    """Introduced cards due today or before, the most overdue first."""
    sql = (
        f"{_queue_sql(inner=True)}{_scoped(deck_ids, section_ids)} AND st.introduced IS NOT NULL "
        f"AND st.due <= :today AND {AVAILABLE} ORDER BY st.due, c.deck_id, c.position LIMIT :limit"
    )
    return _queued(db.rows(sql, {"learner": learner_id, "today": today, "limit": max(limit, 0)}))


HELD = "(st.introduced IS NOT NULL OR st.suspended OR st.buried_until > :today)"


def new_cards(
    db: Db,
    learner_id: int,
    today: date,
    per_deck: Mapping[int, int],
    section_ids: Sequence[int] | None = None,
) -> list[QueuedCard]:
    """Cards this learner has never reviewed, up to ``per_deck[deck id]`` of each deck (decks in
    that order), spread over each deck's sections: the first unmet card of every section in
    document order, then the second of each, and so on."""
    wanted = {deck: limit for deck, limit in per_deck.items() if limit > 0}
    if not wanted:
        return []
    params = {"learner": learner_id, "today": today}
    if section_ids is None:
        # A learner who has met every card (late in a course) would have the whole deck walked for
        # nothing: two counts tell first (a state is held for a distinct card, retired ones too).
        held = db.rows(
            f"SELECT COUNT(*) FROM card_states st WHERE st.learner_id = :learner AND {HELD}", params
        )
        if held[0][0] and held[0][0] >= db.rows("SELECT COUNT(*) FROM cards")[0][0]:
            return []
    ids: list[int] = []
    for deck, limit in wanted.items():
        # The deck's sections in document order, less those whose every card the learner has met
        # (from the counts the database keeps); each one's unmet cards fetched until enough
        # sections give the limit, so a deck of a thousand sections is not walked for 20 cards.
        sections = db.rows(
            "SELECT s.id FROM sections s LEFT JOIN learner_sections ls ON ls.learner_id = :learner "
            "AND ls.section_id = s.id WHERE s.deck_id = :deck AND NOT s.retired "
            f"AND COALESCE(ls.introduced, 0) < s.card_count{_sections(section_ids)} ORDER BY s.position",
            {**params, "deck": deck},
        )
        unmet: list[tuple[int, int]] = []  # (section, card) in document order
        given = 0
        for (section,) in sections:
            found = db.rows(
                "SELECT c.id FROM cards c WHERE c.section_id = :section AND NOT c.retired AND NOT EXISTS "
                f"(SELECT 1 FROM card_states st WHERE st.learner_id = :learner AND st.card_id = c.id "
                f"AND {HELD}) ORDER BY c.position LIMIT :limit",
                {**params, "section": section, "limit": limit},
            )
            unmet += [(int(section), int(r[0])) for r in found]
            given += 1 if found else 0
            if given >= limit:
                break
        ids += spread(unmet)[:limit]
    return cards_by_id(db, learner_id, ids)


def introduced_per_deck(db: Db, learner_id: int, day: date, card_ids: Sequence[int]) -> dict[int, int]:
    """Per deck, how many of these cards the learner saw for the first time on ``day``."""
    if not card_ids:
        return {}
    return {
        int(r[0]): int(r[1])
        for r in db.rows(
            "SELECT c.deck_id, COUNT(*) FROM card_states st JOIN cards c ON c.id = st.card_id "
            "WHERE st.learner_id = :learner AND st.introduced = :day "
            f"AND st.card_id IN ({sql_ids(sorted(set(card_ids)))}) GROUP BY c.deck_id",
            {"learner": learner_id, "day": day},
        )
    }


def deck_ids(db: Db) -> list[int]:
    """Every deck, in the order they were first imported."""
    return [int(r[0]) for r in db.rows("SELECT id FROM decks ORDER BY id")]


def siblings(db: Db, card_id: int) -> list[int]:
    """The live cards made from the same bullet or sentence as this one: same section, same source
    text (the grouping the Anki export makes its notes by)."""
    return [
        int(r[0])
        for r in db.rows(
            "SELECT o.id FROM cards c JOIN cards o ON o.section_id = c.section_id "
            "AND o.source_text = c.source_text AND o.id <> c.id AND NOT o.retired WHERE c.id = :card",
            {"card": card_id},
        )
    ]


def cram_cards(
    db: Db, learner_id: int, deck_ids: Sequence[int] | None = None, section_ids: Sequence[int] | None = None
) -> list[QueuedCard]:
    """Every card in scope that is not suspended, in the document's order: practice only."""
    return _queued(
        db.rows(
            f"{_queue_sql()}{_scoped(deck_ids, section_ids)} AND (st.card_id IS NULL OR NOT st.suspended) "
            "ORDER BY d.name, c.position",
            {"learner": learner_id},
        )
    )


def cards_by_id(db: Db, learner_id: int, card_ids: Sequence[int]) -> list[QueuedCard]:
    if not card_ids:
        return []
    found = {
        card.card_id: card
        for card in _queued(
            db.rows(f"{_queue_sql()} AND c.id IN ({sql_ids(card_ids)})", {"learner": learner_id})
        )
    }
    return [found[i] for i in card_ids if i in found]


def todays_reviews(db: Db, learner_id: int, today: date) -> list[tuple[int, int, str]]:
    """(card id, grade, kind) of every review of the learner's day, in order."""
    return [
        (int(r[0]), int(r[1]), str(r[2]))
        for r in db.rows(
            "SELECT card_id, grade, kind FROM reviews"
            " WHERE learner_id = :learner AND day = :today ORDER BY id",
            {"learner": learner_id, "today": today},
        )
    ]


def suspended_cards(
    db: Db,
    learner_id: int,
    deck_ids: Sequence[int] | None = None,
    section_ids: Sequence[int] | None = None,
    leeches_only: bool = False,
) -> list[QueuedCard]:
    leech = " AND st.leech" if leeches_only else ""
    return _queued(
        db.rows(
            f"{_queue_sql(inner=True)}{_scoped(deck_ids, section_ids)} "
            f"AND st.suspended{leech} ORDER BY d.name, c.position",
            {"learner": learner_id},
        )
    )
