"""Decks, sections and cards: the import's writes, the one deck list, the one section matcher and
the queries that list cards (for `quiz cards` and the exports)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from quiz.core.drafts import breadcrumb, path_titles, stored_path
from quiz.store.db import Db, Reader, as_instant, as_list, sql_ids

if TYPE_CHECKING:
    # Loaded by the functions that use them: the review and the status read only the deck list
    # and the section matcher here, and start faster without the import's types.
    from quiz.core.drafts import CardDraft, DeckDraft
    from quiz.core.identity import ImportPlan, StoredCard


@dataclass(frozen=True)
class DeckInfo:
    id: int
    slug: str
    name: str
    source_path: str


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


@dataclass(frozen=True)
class ExportRow(CardRow):
    """A card as an export needs it: where it came from, whether the learner suspended it, and
    what the Anki export groups and orders notes by (the text it was made from, its place in the
    document, the order cards were first made in: cards.id)."""

    source_path: str
    suspended: bool
    id: int = 0
    position: int = 0
    retired: bool = False
    source_text: str = ""
    deck_tags: tuple[str, ...] = ()
    deck_references: tuple[str, ...] = ()


def decks(reader: Reader) -> list[DeckInfo]:
    """Every deck, by name: the one query that finds decks (services.lookup picks among them)."""
    return [
        DeckInfo(int(r[0]), str(r[1]), str(r[2]), str(r[3]))
        for r in reader.rows("SELECT id, slug, name, source_path FROM decks ORDER BY name")
    ]


def matching_sections(reader: Reader, text: str, deck_ids: Sequence[int] | None = None) -> list[int]:
    """Ids of the live sections whose path contains ``text``, in any case (Unicode casefold, done
    here rather than by SQL's lower(), which folds only ASCII in SQLite; and ``%`` or ``_`` are
    plain text, not LIKE's wildcards)."""
    wanted = text.strip().casefold()
    where = f" AND deck_id IN ({sql_ids(deck_ids)})" if deck_ids is not None else ""
    return [
        int(r[0])
        for r in reader.rows(f"SELECT id, path FROM sections WHERE NOT retired{where} ORDER BY id")
        # Matched as the breadcrumb reads, so "Imaging > CT" finds that section.
        if wanted in breadcrumb(path_titles(str(r[1]))).casefold()
    ]


def live_cards(reader: Reader, deck_id: int) -> list[tuple[int, int]]:
    """(card id, section id) of a deck's live cards, in the document's order."""
    return [
        (int(r[0]), int(r[1]))
        for r in reader.rows(
            "SELECT id, section_id FROM cards WHERE deck_id = :deck AND NOT retired ORDER BY position",
            {"deck": deck_id},
        )
    ]


def stored_cards(reader: Reader, deck_id: int) -> list[StoredCard]:
    from quiz.core.identity import StoredCard

    return [
        StoredCard(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            path_titles(str(r[3])),
            r[4],
            r[5],
            r[6],
            bool(r[7]),
        )
        for r in reader.rows(
            'SELECT c.id, c."key", c.source_key, s.path, c.kind, c.source_text, c.back, c.retired '
            "FROM cards c JOIN sections s ON s.id = c.section_id WHERE c.deck_id = :deck",
            {"deck": deck_id},
        )
    ]


# --- the import's writes ---------------------------------------------------------------------------------

_CARD_FIELDS = ("source_key", "kind", "front", "back", "source_text", "source_line", "references", "position")
_SET_CARD = ", ".join(f'"{name}" = :{name}' for name in (*_CARD_FIELDS, "section_id"))
UPDATE_CARD = f"UPDATE cards SET {_SET_CARD}, retired = :retired, updated_at = :updated_at WHERE id = :id"
UPDATE_CARD_KEEP = f"UPDATE cards SET {_SET_CARD} WHERE id = :id"  # unchanged: its dates stay
RETIRE_CARD = "UPDATE cards SET retired = :retired, updated_at = :updated_at WHERE id = :id"
_INSERT_FIELDS = (*_CARD_FIELDS, "section_id", "key", "deck_id", "retired", "created_at", "updated_at")
INSERT_CARD = (
    "INSERT INTO cards (" + ", ".join(f'"{name}"' for name in _INSERT_FIELDS) + ") "
    "VALUES (" + ", ".join(f":{name}" for name in _INSERT_FIELDS) + ")"
)
_SECTION_FIELDS = ("title", "level", "position", "source_line", "empty", "retired")
UPDATE_SECTION = (
    "UPDATE sections SET " + ", ".join(f"{name} = :{name}" for name in _SECTION_FIELDS) + " WHERE id = :id"
)
INSERT_SECTION = (
    "INSERT INTO sections (deck_id, path, " + ", ".join(_SECTION_FIELDS) + ") "
    "VALUES (:deck_id, :path, " + ", ".join(f":{name}" for name in _SECTION_FIELDS) + ")"
)


def _card_values(draft: CardDraft, section_id: int, position: int) -> dict[str, Any]:
    return {
        "source_key": draft.key,
        "kind": draft.kind,
        "front": draft.front,
        "back": draft.back,
        "source_text": draft.source_text,
        "source_line": draft.source_line,
        "references": json.dumps(list(draft.references)),
        "position": position,
        "section_id": section_id,
    }


def save_deck(db: Db, draft: DeckDraft, plan: ImportPlan, source_hash: str, now: datetime) -> int:
    """Write one imported deck: its row, its sections and its cards as the plan says; its id.
    Call inside the caller's transaction."""
    found = [d for d in decks(db) if d.slug == draft.deck_id]
    values = {
        "slug": draft.deck_id,
        "name": draft.name,
        "source_path": draft.source,
        "source_hash": source_hash,
        "now": now,
        "tags": json.dumps(list(draft.tags)),
        "references": json.dumps(list(draft.references)),
    }
    if found:
        deck_id = found[0].id
        db.execute(
            "UPDATE decks SET name = :name, source_path = :source_path, source_hash = :source_hash, "
            'imported_at = :now, tags = :tags, "references" = :references WHERE id = :id',
            {**values, "id": deck_id},
        )
    else:
        db.execute(
            "INSERT INTO decks (slug, name, source_path, source_hash, created_at, imported_at, tags, "
            '"references") '
            "VALUES (:slug, :name, :source_path, :source_hash, :now, :now, :tags, :references)",
            values,
        )
        deck_id = int(db.rows("SELECT id FROM decks WHERE slug = :slug", values)[0][0])
    section_ids = _save_sections(db, deck_id, draft)
    positions = {card.key: index for index, card in enumerate(draft.cards)}

    def card(draft_card: CardDraft) -> dict[str, Any]:
        return _card_values(draft_card, section_ids[draft_card.section_path], positions[draft_card.key])

    db.execute_many(UPDATE_CARD_KEEP, [{"id": card_id, **card(d)} for card_id, d in plan.unchanged])
    db.execute_many(
        UPDATE_CARD,
        [
            {"id": card_id, **card(d), "retired": False, "updated_at": now}
            for card_id, d in (*plan.updated, *plan.restored)
        ],
    )
    db.execute_many(
        RETIRE_CARD, [{"id": card_id, "retired": True, "updated_at": now} for card_id in plan.retired]
    )
    if plan.added:
        taken = {
            str(r[0]) for r in db.rows('SELECT "key" FROM cards WHERE deck_id = :deck', {"deck": deck_id})
        }
        rows = []
        for d in plan.added:
            key = d.key
            while key in taken:  # the first key of a card that has since changed
                key += "~"
            taken.add(key)
            rows.append(
                {
                    **card(d),
                    "key": key,
                    "deck_id": deck_id,
                    "retired": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.execute_many(INSERT_CARD, rows)
    return deck_id


def _save_sections(db: Db, deck_id: int, draft: DeckDraft) -> dict[tuple[str, ...], int]:
    def existing() -> dict[str, int]:
        rows = db.rows("SELECT id, path FROM sections WHERE deck_id = :deck", {"deck": deck_id})
        return {str(path): int(sid) for sid, path in rows}

    before = existing()
    wanted = {stored_path(s.path): s for s in draft.sections}
    changes: list[dict[str, Any]] = []
    new_rows: list[dict[str, Any]] = []
    for path, section in wanted.items():
        values = {
            "title": section.title,
            "level": section.level,
            "position": section.position,
            "source_line": section.line,
            "empty": section.empty,
            "retired": False,
        }
        if path in before:
            changes.append({"id": before[path], **values})
        else:
            new_rows.append({"deck_id": deck_id, "path": path, **values})
    db.execute_many(UPDATE_SECTION, changes)
    gone = [sid for path, sid in before.items() if path not in wanted]
    db.execute(f"UPDATE sections SET retired = :yes WHERE id IN ({sql_ids(gone)})", {"yes": True})
    db.execute_many(INSERT_SECTION, new_rows)
    ids = existing() if new_rows else before
    return {s.path: ids[stored_path(s.path)] for s in draft.sections}


# --- listing ---------------------------------------------------------------------------------------------


def deck_rows(reader: Reader) -> list[DeckRow]:
    rows = reader.rows(
        "SELECT d.slug, d.name, d.source_path, d.imported_at, c.active, c.retired, s.sections, s.empty "
        "FROM decks d "
        "LEFT JOIN (SELECT deck_id, SUM(CASE WHEN retired THEN 0 ELSE 1 END) AS active, "
        "SUM(CASE WHEN retired THEN 1 ELSE 0 END) AS retired FROM cards GROUP BY deck_id) c "
        "ON c.deck_id = d.id "
        "LEFT JOIN (SELECT deck_id, COUNT(*) AS sections, SUM(CASE WHEN empty THEN 1 ELSE 0 END) AS empty "
        "FROM sections WHERE NOT retired GROUP BY deck_id) s ON s.deck_id = d.id "
        "ORDER BY d.name"
    )
    return [
        DeckRow(
            str(slug),
            str(name),
            str(source),
            as_instant(imported),
            int(active or 0),
            int(retired or 0),
            int(sections or 0),
            int(empty or 0),
        )
        for slug, name, source, imported, active, retired, sections, empty in rows
    ]


def export_rows(
    reader: Reader,
    deck_ids: Sequence[int],
    section_ids: Sequence[int] | None,
    include_retired: bool,
    learner_id: int | None,
) -> list[ExportRow]:
    """The cards to list or export, in document order (decks by name), with the learner's
    suspensions if one is named."""
    where = f"c.deck_id IN ({sql_ids(deck_ids)})"
    if not include_retired:
        where += " AND NOT c.retired"
    if section_ids is not None:
        where += f" AND c.section_id IN ({sql_ids(section_ids)})"
    held = "FALSE"
    joined = ""
    if learner_id is not None:
        joined = "LEFT JOIN card_states st ON st.card_id = c.id AND st.learner_id = :learner "
        held = "COALESCE(st.suspended, FALSE)"
    found = reader.rows(
        f'SELECT c."key", d.slug, s.path, c.kind, c.front, c.back, c."references", d.source_path, '
        f"c.source_line, {held}, c.id, c.position, c.retired, c.source_text, d.tags, "
        f'd."references" FROM cards c JOIN sections s ON s.id = c.section_id '
        f"JOIN decks d ON d.id = c.deck_id {joined}WHERE {where} ORDER BY d.name, c.position, c.id",
        {"learner": learner_id},
    )
    paths: dict[str, tuple[str, ...]] = {}
    deck_lists: dict[tuple[str, object], tuple[str, ...]] = {}
    rows = []
    for key, slug, path, kind, front, back, references, source, line, suspended, *more in found:
        card_id, position, retired, source_text, deck_tags, deck_references = more
        if path not in paths:
            paths[path] = path_titles(str(path))
        for name, value in (("tags", deck_tags), ("references", deck_references)):
            if (name, slug) not in deck_lists:
                deck_lists[(name, slug)] = as_list(value)
        rows.append(
            ExportRow(
                str(key),
                str(slug),
                paths[path],
                str(kind),
                str(front),
                str(back),
                as_list(references),
                int(line),
                source_path=str(source),
                suspended=bool(suspended),
                id=int(card_id),
                position=int(position),
                retired=bool(retired),
                source_text=str(source_text),
                deck_tags=deck_lists[("tags", slug)],
                deck_references=deck_lists[("references", slug)],
            )
        )
    return rows
