"""Decks, sections and cards: the import's writes and the queries that list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, false, func, insert, select, true, update
from sqlalchemy.orm import Session

from quiz.core.drafts import (
    BREADCRUMB_SEPARATOR,
    PATH_SEPARATOR,
    CardDraft,
    DeckDraft,
    path_titles,
    stored_path,
)
from quiz.core.identity import ImportPlan, StoredCard
from quiz.store.models import Card, CardState, Deck, Section

# Core tables for bulk writes: thousands of rows in one executemany, without the ORM's per-row work.
CARDS = cast(Table, Card.__table__)
SECTIONS = cast(Table, Section.__table__)


@dataclass(frozen=True)
class DeckRow:
    slug: str
    name: str
    source_path: str
    imported_at: datetime
    cards: int
    retired: int
    sections: int
    empty_sections: int


@dataclass(frozen=True)
class CardRow:
    key: str
    deck: str
    section_path: tuple[str, ...]
    kind: str
    front: str
    back: str
    references: tuple[str, ...]
    source_line: int


def deck_by_slug(session: Session, slug: str) -> Deck | None:
    return session.scalars(select(Deck).where(Deck.slug == slug)).first()


def all_decks(session: Session) -> list[Deck]:
    return list(session.scalars(select(Deck).order_by(Deck.name)))


def count_decks(session: Session) -> int:
    return session.scalar(select(func.count(Deck.id))) or 0


def live_cards(session: Session, deck_id: int) -> list[tuple[int, int]]:
    """(card id, section id) of a deck's live cards, in the document's order."""
    rows = session.execute(
        select(Card.id, Card.section_id)
        .where(Card.deck_id == deck_id, Card.retired.is_(False))
        .order_by(Card.position)
    )
    return [(int(r[0]), int(r[1])) for r in rows]


def stored_cards(session: Session, deck_id: int) -> list[StoredCard]:
    rows = session.execute(
        select(
            Card.id,
            Card.key,
            Card.source_key,
            Section.path,
            Card.kind,
            Card.source_text,
            Card.back,
            Card.retired,
        )
        .join(Section, Card.section_id == Section.id)
        .where(Card.deck_id == deck_id)
    )
    return [
        StoredCard(
            r.id,
            r.key,
            r.source_key,
            path_titles(r.path),
            r.kind,
            r.source_text,
            r.back,
            r.retired,
        )
        for r in rows
    ]


def _card_values(draft: CardDraft, section_id: int, position: int) -> dict[str, object]:
    return {
        "source_key": draft.key,
        "kind": draft.kind,
        "front": draft.front,
        "back": draft.back,
        "source_text": draft.source_text,
        "source_line": draft.source_line,
        "references": list(draft.references),
        "position": position,
        "section_id": section_id,
    }


def save_deck(session: Session, draft: DeckDraft, plan: ImportPlan, source_hash: str, now: datetime) -> Deck:
    """Write one imported deck: its row, its sections and its cards as the plan says."""
    deck = deck_by_slug(session, draft.deck_id)
    new_deck = deck is None
    if deck is None:
        deck = Deck(
            slug=draft.deck_id,
            name=draft.name,
            source_path=draft.source,
            source_hash=source_hash,
            created_at=now,
            imported_at=now,
        )
        session.add(deck)
        session.flush()
    else:
        deck.name, deck.source_path, deck.source_hash = draft.name, draft.source, source_hash
        deck.imported_at = now
    section_ids = _save_sections(session, deck.id, draft)
    positions = {card.key: index for index, card in enumerate(draft.cards)}

    def values(draft_card: CardDraft) -> dict[str, object]:
        return _card_values(draft_card, section_ids[draft_card.section_path], positions[draft_card.key])

    changes = [{"id": card_id, **values(d)} for card_id, d in plan.unchanged]
    changes += [{"id": card_id, **values(d), "updated_at": now} for card_id, d in plan.updated]
    changes += [
        {"id": card_id, **values(d), "retired": False, "updated_at": now} for card_id, d in plan.restored
    ]
    changes += [{"id": card_id, "retired": True, "updated_at": now} for card_id in plan.retired]
    if changes:
        session.execute(update(Card), changes)  # by primary key, as one executemany
    if plan.added:
        taken = set() if new_deck else set(session.scalars(select(Card.key).where(Card.deck_id == deck.id)))
        rows = []
        for d in plan.added:
            key = d.key
            while key in taken:  # the first key of a card that has since changed
                key += "~"
            taken.add(key)
            rows.append(
                {
                    **values(d),
                    "key": key,
                    "deck_id": deck.id,
                    "retired": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        session.execute(insert(CARDS), rows)
    session.flush()
    return deck


def _save_sections(session: Session, deck_id: int, draft: DeckDraft) -> dict[tuple[str, ...], int]:
    existing = {
        path: sid
        for sid, path in session.execute(select(Section.id, Section.path).where(Section.deck_id == deck_id))
    }
    wanted = {stored_path(s.path): s for s in draft.sections}
    changes: list[dict[str, object]] = []
    new_rows: list[dict[str, object]] = []
    for path, section in wanted.items():
        values = {
            "title": section.title,
            "level": section.level,
            "position": section.position,
            "source_line": section.line,
            "empty": section.empty,
            "retired": False,
        }
        if path in existing:
            changes.append({"id": existing[path], **values})
        else:
            new_rows.append({"deck_id": deck_id, "path": path, **values})
    changes += [{"id": sid, "retired": True} for path, sid in existing.items() if path not in wanted]
    if changes:
        session.execute(update(Section), changes)
    ids = {path: sid for path, sid in existing.items()}
    if new_rows:
        inserted = session.execute(insert(SECTIONS).returning(SECTIONS.c.id, SECTIONS.c.path), new_rows)
        ids.update({path: sid for sid, path in inserted})
    return {s.path: ids[stored_path(s.path)] for s in draft.sections}


def deck_rows(session: Session) -> list[DeckRow]:
    card_counts = (
        select(
            Card.deck_id,
            func.sum(case((Card.retired == false(), 1), else_=0)).label("active"),
            func.sum(case((Card.retired == true(), 1), else_=0)).label("retired"),
        )
        .group_by(Card.deck_id)
        .subquery()
    )
    section_counts = (
        select(
            Section.deck_id,
            func.count(Section.id).label("sections"),
            func.sum(case((Section.empty == true(), 1), else_=0)).label("empty"),
        )
        .where(Section.retired == false())
        .group_by(Section.deck_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Deck,
            card_counts.c.active,
            card_counts.c.retired,
            section_counts.c.sections,
            section_counts.c.empty,
        )
        .outerjoin(card_counts, card_counts.c.deck_id == Deck.id)
        .outerjoin(section_counts, section_counts.c.deck_id == Deck.id)
        .order_by(Deck.name)
    )
    return [
        DeckRow(
            deck.slug,
            deck.name,
            deck.source_path,
            deck.imported_at,
            int(active or 0),
            int(retired or 0),
            int(sections or 0),
            int(empty or 0),
        )
        for deck, active, retired, sections, empty in rows
    ]


def section_paths(session: Session, deck_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Section.path)
            .where(Section.deck_id == deck_id, Section.retired == false())
            .order_by(Section.position)
        )
    )


def card_rows(session: Session, deck: Deck, section_paths: list[str] | None = None) -> list[CardRow]:
    """The deck's active cards in document order, optionally only those of some sections."""
    query = (
        select(Card, Section.path)
        .join(Section, Card.section_id == Section.id)
        .where(Card.deck_id == deck.id, Card.retired == false())
        .order_by(Card.position)
    )
    if section_paths is not None:
        query = query.where(Section.path.in_(section_paths))
    return [
        CardRow(
            card.key,
            deck.slug,
            path_titles(path),
            card.kind,
            card.front,
            card.back,
            tuple(card.references),
            card.source_line,
        )
        for card, path in session.execute(query)
    ]


def matching_sections(session: Session, text: str, deck_ids: list[int] | None = None) -> list[int]:
    """Ids of the live sections whose path contains ``text`` (any case)."""
    query = select(Section.id).where(
        Section.retired == false(),
        # Matched as the breadcrumb reads, so "Imaging > CT" finds that section.
        func.lower(func.replace(Section.path, PATH_SEPARATOR, BREADCRUMB_SEPARATOR)).contains(
            text.strip().lower()
        ),
    )
    if deck_ids is not None:
        query = query.where(Section.deck_id.in_(deck_ids))
    return list(session.scalars(query))


@dataclass(frozen=True)
class ExportRow(CardRow):
    """A card as an export needs it: where it came from, and whether the learner suspended it."""

    source_path: str
    suspended: bool


def export_rows(
    session: Session,
    deck_ids: list[int],
    section_ids: list[int] | None,
    include_retired: bool,
    learner_id: int | None,
) -> list[ExportRow]:
    """The cards to export, in document order, with the learner's suspensions if one is named.

    Core tables, not ORM entities: an export reads every card of a deck."""
    decks_table = cast(Table, Deck.__table__)
    states = cast(Table, CardState.__table__)
    joined: Any = CARDS.join(SECTIONS, CARDS.c.section_id == SECTIONS.c.id).join(
        decks_table, CARDS.c.deck_id == decks_table.c.id
    )
    suspended: Any = false()
    if learner_id is not None:
        mine = (states.c.card_id == CARDS.c.id) & (states.c.learner_id == learner_id)
        joined = joined.outerjoin(states, mine)
        suspended = func.coalesce(states.c.suspended, false())
    query = (
        select(
            CARDS.c.key,
            decks_table.c.slug,
            SECTIONS.c.path,
            CARDS.c.kind,
            CARDS.c.front,
            CARDS.c.back,
            CARDS.c.references,
            decks_table.c.source_path,
            CARDS.c.source_line,
            suspended.label("suspended"),
        )
        .select_from(joined)
        .where(CARDS.c.deck_id.in_(deck_ids))
        .order_by(decks_table.c.name, CARDS.c.position)
    )
    if not include_retired:
        query = query.where(CARDS.c.retired == false())
    if section_ids is not None:
        query = query.where(CARDS.c.section_id.in_(section_ids))
    paths: dict[str, tuple[str, ...]] = {}
    rows = []
    for key, slug, path, kind, front, back, references, source, line, held in session.execute(query):
        if path not in paths:
            paths[path] = path_titles(path)
        rows.append(
            ExportRow(
                key,
                slug,
                paths[path],
                kind,
                front,
                back,
                tuple(references or ()),
                line,
                source_path=source,
                suspended=bool(held),
            )
        )
    return rows
