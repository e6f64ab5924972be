"""Learners, their card states and the review log: the review loop's queries and writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, false, func, insert, or_, select, true, update
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from quiz.errors import DatabaseBusyError, DatabaseError
from quiz.models import Card, CardState, Deck, Learner, Review, Section
from quiz.scheduler import CardState as State
from quiz.store.prepared import Prepared

CARDS = cast(Table, Card.__table__)
SECTIONS = cast(Table, Section.__table__)
DECKS = cast(Table, Deck.__table__)
STATES = cast(Table, CardState.__table__)
REVIEWS = cast(Table, Review.__table__)
STATE_FIELDS = ("repetitions", "easiness", "interval", "due", "last_review", "lapses", "failures",
                "reviews", "introduced", "suspended", "leech", "buried_until")


@dataclass(frozen=True)
class StoredState:
    """A learner's stored state of a card: SM-2's part, the flags beside it and its version."""

    state: State
    introduced: date | None
    suspended: bool
    leech: bool
    buried_until: date | None
    version: int


@dataclass(frozen=True)
class QueuedCard:
    card_id: int
    section_id: int
    key: str
    deck: str
    breadcrumb: str
    kind: str
    front: str
    back: str
    references: tuple[str, ...]
    stored: StoredState | None  # None: the card is new to this learner


def state_from_row(row: Any) -> StoredState:
    """The one place a row becomes a scheduler state (easiness is kept in exact hundredths)."""
    state = State(repetitions=row.repetitions, easiness=Decimal(row.easiness) / 100,
                  interval=row.interval, due=row.due, last_review=row.last_review, lapses=row.lapses,
                  failures=row.failures, reviews=row.reviews)
    return StoredState(state, row.introduced, bool(row.suspended), bool(row.leech), row.buried_until,
                       row.version)


def state_values(stored: StoredState) -> dict[str, Any]:
    """The one place a scheduler state becomes column values."""
    state = stored.state
    return {"repetitions": state.repetitions, "easiness": int(state.easiness * 100),
            "interval": state.interval, "due": state.due, "last_review": state.last_review,
            "lapses": state.lapses, "failures": state.failures, "reviews": state.reviews,
            "introduced": stored.introduced, "suspended": stored.suspended, "leech": stored.leech,
            "buried_until": stored.buried_until}


def outcome_values(state: State | None) -> dict[str, Any]:
    """The state after a review, as its row in the log keeps it (None: the card is still new)."""
    if state is None:
        return {"interval": 0, "easiness": 250, "due": None}
    return {"interval": state.interval, "easiness": int(state.easiness * 100), "due": state.due}


# --- learners ---------------------------------------------------------------------------------------

def learner_by_name(session: Session, name: str) -> Learner | None:
    return session.scalars(select(Learner).where(Learner.name == name)).first()


def learners(session: Session) -> list[Learner]:
    return list(session.scalars(select(Learner).order_by(Learner.name)))


def add_learner(session: Session, name: str, now: datetime) -> Learner:
    learner = Learner(name=name, created_at=now, new_per_day=20, reviews_per_day=200,
                      leech_threshold=8, day_starts_at=4)
    session.add(learner)
    session.flush()
    return learner


# --- the queue ----------------------------------------------------------------------------------------

def _queue_select(learner_id: int) -> Any:
    joined = (CARDS.join(SECTIONS, SECTIONS.c.id == CARDS.c.section_id)
              .join(DECKS, DECKS.c.id == CARDS.c.deck_id)
              .outerjoin(STATES, and_(STATES.c.card_id == CARDS.c.id, STATES.c.learner_id == learner_id)))
    return (select(CARDS.c.id, CARDS.c.section_id, CARDS.c.key, DECKS.c.slug, SECTIONS.c.path,
                   CARDS.c.kind, CARDS.c.front,
                   CARDS.c.back, CARDS.c.references, STATES.c.learner_id.label("has_state"),
                   *[STATES.c[name] for name in STATE_FIELDS], STATES.c.version)
            .select_from(joined).where(CARDS.c.retired == false()))


def _scoped(query: Any, deck_ids: Sequence[int] | None, section_ids: Sequence[int] | None) -> Any:
    if deck_ids is not None:
        query = query.where(CARDS.c.deck_id.in_(deck_ids))
    if section_ids is not None:
        query = query.where(CARDS.c.section_id.in_(section_ids))
    return query


def _available(today: date) -> ColumnElement[bool]:
    return and_(STATES.c.suspended == false(),
                or_(STATES.c.buried_until.is_(None), STATES.c.buried_until <= today))


def _queued(rows: Any) -> list[QueuedCard]:
    return [QueuedCard(r.id, r.section_id, r.key, r.slug, r.path, r.kind, r.front, r.back,
                       tuple(r.references or ()),
                       state_from_row(r) if r.has_state is not None else None) for r in rows]


def due_cards(session: Session, learner_id: int, today: date, limit: int,
              deck_ids: Sequence[int] | None = None, section_ids: Sequence[int] | None = None
              ) -> list[QueuedCard]:
    """Introduced cards due today or before, the most overdue first."""
    query = _scoped(_queue_select(learner_id), deck_ids, section_ids).where(
        STATES.c.introduced.is_not(None), STATES.c.due <= today, _available(today))
    query = query.order_by(STATES.c.due, CARDS.c.deck_id, CARDS.c.position).limit(max(limit, 0))
    return _queued(session.execute(query))


def new_cards(session: Session, learner_id: int, today: date, limit: int,
              deck_ids: Sequence[int] | None = None, section_ids: Sequence[int] | None = None
              ) -> list[QueuedCard]:
    """Cards this learner has never reviewed, in the document's order (decks in import order)."""
    # Walk the cards in document order on their index and stop at the limit; the details are
    # fetched for those few only.
    held = or_(STATES.c.introduced.is_not(None), STATES.c.suspended == true(), STATES.c.buried_until > today)
    if deck_ids is None and section_ids is None and limit > 0:
        # A learner who has met every card (late in a course) would have the whole deck walked for
        # nothing: two counts tell first (a state is held for a distinct card, retired ones too).
        held_count = session.scalar(select(func.count()).select_from(STATES)
                                    .where(STATES.c.learner_id == learner_id, held))
        if held_count and held_count >= (session.scalar(select(func.count()).select_from(CARDS)) or 0):
            return []
    taken = select(STATES.c.card_id).where(STATES.c.learner_id == learner_id, STATES.c.card_id == CARDS.c.id,
                                           held)
    query = _scoped(select(CARDS.c.id).where(CARDS.c.retired == false(), ~taken.exists()),
                    deck_ids, section_ids)
    ids = list(session.scalars(query.order_by(CARDS.c.deck_id, CARDS.c.position).limit(max(limit, 0))))
    return cards_by_id(session, learner_id, ids)


def cram_cards(session: Session, learner_id: int, deck_ids: Sequence[int] | None = None,
               section_ids: Sequence[int] | None = None) -> list[QueuedCard]:
    """Every card in scope that is not suspended, in the document's order: practice only."""
    query = _scoped(_queue_select(learner_id), deck_ids, section_ids).where(
        or_(STATES.c.card_id.is_(None), STATES.c.suspended == false()))
    return _queued(session.execute(query.order_by(DECKS.c.name, CARDS.c.position)))


def cards_by_id(session: Session, learner_id: int, card_ids: Sequence[int]) -> list[QueuedCard]:
    if not card_ids:
        return []
    rows = session.execute(_queue_select(learner_id).where(CARDS.c.id.in_(card_ids)))
    found = {card.card_id: card for card in _queued(rows)}
    return [found[i] for i in card_ids if i in found]


def todays_reviews(session: Session, learner_id: int, today: date) -> list[tuple[int, int, str]]:
    """(card id, grade, kind) of every review of the learner's day, in order."""
    rows = session.execute(select(REVIEWS.c.card_id, REVIEWS.c.grade, REVIEWS.c.kind)
                           .where(REVIEWS.c.learner_id == learner_id, REVIEWS.c.day == today)
                           .order_by(REVIEWS.c.id))
    return [(r.card_id, r.grade, r.kind) for r in rows]


def introduced_among(session: Session, learner_id: int, day: date, card_ids: Sequence[int]) -> int:
    """How many of these cards the learner saw for the first time on ``day``."""
    if not card_ids:
        return 0
    return session.scalar(select(func.count()).select_from(STATES).where(
        STATES.c.learner_id == learner_id, STATES.c.card_id.in_(set(card_ids)),
        STATES.c.introduced == day)) or 0


# --- answers (the hot path) ---------------------------------------------------------------------------

class Statements:
    """The review loop's writes, compiled once per dialect."""

    def __init__(self, dialect: Dialect) -> None:
        values: dict[str, Any] = {name: bindparam(name) for name in STATE_FIELDS}
        self.update_state = Prepared(
            update(STATES).where(STATES.c.learner_id == bindparam("learner_id"),
                                 STATES.c.card_id == bindparam("card_id"),
                                 STATES.c.version == bindparam("old_version"))
            .values(**values, version=bindparam("new_version")), dialect)
        self.insert_state = Prepared(
            insert(STATES).values(learner_id=bindparam("learner_id"), card_id=bindparam("card_id"),
                                  section_id=bindparam("section_id"), version=bindparam("new_version"),
                                  **values), dialect)
        self.delete_state = Prepared(
            delete(STATES).where(STATES.c.learner_id == bindparam("learner_id"),
                                 STATES.c.card_id == bindparam("card_id"),
                                 STATES.c.version == bindparam("old_version")), dialect)
        self.insert_review = Prepared(insert(REVIEWS).values(
            uid=bindparam("uid"), learner_id=bindparam("learner_id"), card_id=bindparam("card_id"),
            section_id=bindparam("section_id"), passed_before=bindparam("passed_before"),
            grade=bindparam("grade"), kind=bindparam("kind"), reviewed_at=bindparam("reviewed_at"),
            day=bindparam("day"), seconds=bindparam("seconds"), interval=bindparam("interval"),
            easiness=bindparam("easiness"), due=bindparam("due")), dialect)
        self.delete_review = Prepared(delete(REVIEWS).where(REVIEWS.c.uid == bindparam("uid")), dialect)


class AnswerWriter:
    """A sitting's answers and undos, each one short transaction on a connection held for the sitting.

    The hot path: statements compiled once and run through the driver, because SQLAlchemy's
    per-call work would cost more than SQLite's own durable commit. It is the one writer below the
    CLI that commits, as every answer must be saved before the next card is shown.
    """

    def __init__(self, engine: Engine) -> None:
        self.sql = Statements(engine.dialect)
        self.sqlite = engine.dialect.name == "sqlite"
        dbapi: Any = engine.dialect.loaded_dbapi
        self.integrity_error: type[Exception] = dbapi.IntegrityError
        self.operational_error: type[Exception] = dbapi.OperationalError
        self.raw = engine.raw_connection()

    def close(self) -> None:
        self.raw.close()

    def _transaction(self, steps: Callable[[Any], bool]) -> bool:
        """Run ``steps`` in one transaction: committed if they return True, else rolled back."""
        cursor = self.raw.cursor()
        try:
            if self.sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            done = steps(cursor)
            if self.sqlite:
                cursor.execute("COMMIT" if done else "ROLLBACK")
            else:
                self.raw.commit() if done else self.raw.rollback()
            return done
        except self.integrity_error:  # a new card's state written by another session first
            self._rollback(cursor)
            return False
        except self.operational_error as exc:
            self._rollback(cursor)
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusyError() from None
            raise DatabaseError(f"could not save: {exc}") from None
        except BaseException:
            self._rollback(cursor)
            raise
        finally:
            cursor.close()

    def _rollback(self, cursor: Any) -> None:
        if self.sqlite:
            if self.raw.driver_connection.in_transaction:  # type: ignore[union-attr]
                cursor.execute("ROLLBACK")
        else:
            self.raw.rollback()

    def _state(self, cursor: Any, learner_id: int, card: QueuedCard, old: StoredState | None,
               new: StoredState | None) -> bool:
        """Move the card's row from ``old`` to ``new`` (None: no row) if no one else changed it."""
        key = {"learner_id": learner_id, "card_id": card.card_id}
        if new is None:
            assert old is not None
            cursor.execute(self.sql.delete_state.sql,
                           self.sql.delete_state.params({**key, "old_version": old.version}))
            return bool(cursor.rowcount == 1)
        values = {**key, "section_id": card.section_id, "new_version": new.version, **state_values(new)}
        if old is None:
            cursor.execute(self.sql.insert_state.sql, self.sql.insert_state.params(values))
            return True
        cursor.execute(self.sql.update_state.sql,
                       self.sql.update_state.params({**values, "old_version": old.version}))
        return bool(cursor.rowcount == 1)

    def answer(self, learner_id: int, card: QueuedCard, old: StoredState | None,
               new: StoredState | None, review: dict[str, Any]) -> bool:
        """Save an answer: the card's new state (if it changed) and its review, together."""
        def steps(cursor: Any) -> bool:
            if new is not None and not self._state(cursor, learner_id, card, old, new):
                return False
            cursor.execute(self.sql.insert_review.sql, self.sql.insert_review.params(review))
            return True

        return self._transaction(steps)

    def undo(self, learner_id: int, card: QueuedCard, current: StoredState | None,
             restored: StoredState | None, uid: str) -> bool:
        """Take an answer back: its review out of the log, the card's state as it was."""
        def steps(cursor: Any) -> bool:
            if current is not None and not self._state(cursor, learner_id, card, current, restored):
                return False
            cursor.execute(self.sql.delete_review.sql, self.sql.delete_review.params({"uid": uid}))
            return bool(cursor.rowcount == 1)

        return self._transaction(steps)


# --- flags, leeches and counts ------------------------------------------------------------------------

def set_flags(session: Session, learner_id: int, card_id: int, **flags: Any) -> None:
    """Suspend, bury or release a card for a learner, creating its state row if it is new."""
    result = session.execute(update(STATES).where(STATES.c.learner_id == learner_id,
                                                  STATES.c.card_id == card_id)
                             .values(**flags, version=STATES.c.version + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        fresh = StoredState(State.new(), None, False, False, None, 1)
        section_id = session.scalar(select(CARDS.c.section_id).where(CARDS.c.id == card_id))
        session.execute(insert(STATES).values(learner_id=learner_id, card_id=card_id, version=1,
                                              section_id=section_id,
                                              **{**state_values(fresh), **flags}))


def suspended_cards(session: Session, learner_id: int, deck_ids: Sequence[int] | None = None,
                    section_ids: Sequence[int] | None = None, leeches_only: bool = False
                    ) -> list[QueuedCard]:
    query = _scoped(_queue_select(learner_id), deck_ids, section_ids).where(STATES.c.suspended == true())
    if leeches_only:
        query = query.where(STATES.c.leech == true())
    return _queued(session.execute(query.order_by(DECKS.c.name, CARDS.c.position)))


def release(session: Session, learner_id: int, card_ids: Sequence[int]) -> int:
    """Unsuspend cards; a leech gets a fresh count of failures before it is a leech again."""
    if not card_ids:
        return 0
    result = session.execute(update(STATES).where(STATES.c.learner_id == learner_id,
                                                  STATES.c.card_id.in_(card_ids))
                             .values(suspended=False, failures=case((STATES.c.leech == true(), 0),
                                                                    else_=STATES.c.failures),
                                     leech=False, version=STATES.c.version + 1))
    return int(result.rowcount)  # type: ignore[attr-defined]


def reviewed_on(session: Session, learner_id: int, day: date) -> bool:
    return session.execute(select(REVIEWS.c.id).where(REVIEWS.c.learner_id == learner_id,
                                                      REVIEWS.c.day == day).limit(1)).first() is not None


def streak(session: Session, learner_id: int, today: date) -> int:
    """Consecutive days with a review, ending today or yesterday: one index probe a day."""
    day = today if reviewed_on(session, learner_id, today) else today - timedelta(days=1)
    count = 0
    while reviewed_on(session, learner_id, day):
        count += 1
        day -= timedelta(days=1)
    return count


def due_forecast(session: Session, learner_id: int, first: date, last: date,
                 deck_ids: Sequence[int] | None = None) -> dict[date, int]:
    joined = STATES.join(CARDS, CARDS.c.id == STATES.c.card_id)
    query = (select(STATES.c.due, func.count()).select_from(joined)
             .where(STATES.c.learner_id == learner_id, STATES.c.due >= first, STATES.c.due <= last,
                    STATES.c.suspended == false(), CARDS.c.retired == false())
             .group_by(STATES.c.due))
    if deck_ids is not None:
        query = query.where(CARDS.c.deck_id.in_(deck_ids))
    return {row[0]: int(row[1]) for row in session.execute(query)}


@dataclass(frozen=True)
class SectionCounts:
    deck: str
    deck_name: str
    path: str
    cards: int
    introduced: int
    suspended: int
    suspended_new: int  # suspended before their first review
    overdue: int
    due_by_day: tuple[int, ...]  # introduced, unsuspended cards due today and on each next day


def status_counts(session: Session, learner_id: int, today: date, horizon: int) -> list[SectionCounts]:
    """Per live section: its cards, how many the learner has met or suspended, what is overdue and
    what falls due from today to ``horizon`` days ahead. Counted from covering indexes, without
    joining cards to states row by row; the few retired cards are taken out afterwards."""
    sections = session.execute(
        select(SECTIONS.c.id, SECTIONS.c.path, DECKS.c.slug, DECKS.c.name)
        .join(DECKS, DECKS.c.id == SECTIONS.c.deck_id).where(SECTIONS.c.retired == false())
        .order_by(DECKS.c.name, SECTIONS.c.position)).all()
    cards: dict[int, int] = {r[0]: int(r[1]) for r in session.execute(
        select(CARDS.c.section_id, func.count()).group_by(CARDS.c.section_id))}
    held = STATES.c.suspended == true()
    met = {r[0]: [int(r[1]), int(r[2] or 0), int(r[3] or 0)] for r in session.execute(
        select(STATES.c.section_id, func.count(STATES.c.introduced), func.sum(case((held, 1), else_=0)),
               func.sum(case((and_(held, STATES.c.introduced.is_(None)), 1), else_=0)))
        .where(STATES.c.learner_id == learner_id).group_by(STATES.c.section_id))}
    days = [today + timedelta(days=d) for d in range(horizon + 1)]
    due: dict[int, list[int]] = {}
    window = Prepared(select(STATES.c.section_id, STATES.c.due, func.count())
                      .where(STATES.c.learner_id == bindparam("learner_id"),
                             STATES.c.due <= bindparam("last_day", type_=STATES.c.due.type),
                             STATES.c.suspended == false(), STATES.c.introduced.is_not(None))
                      .group_by(STATES.c.section_id, STATES.c.due), session.get_bind().dialect)
    # Thousands of (section, day) counts: read through the driver, dates compared as ISO text.
    rows = session.connection().exec_driver_sql(
        window.sql, window.params({"learner_id": learner_id, "last_day": days[-1]}))
    first = today.isoformat()
    for section_id, day, count in rows:
        counts = due.setdefault(section_id, [0] * (horizon + 2))
        text = str(day)
        counts[0 if text < first else 1 + (date.fromisoformat(text) - today).days] += int(count)
    # Retired cards are never shown: take them out of every count.
    retired = session.execute(
        select(CARDS.c.section_id, STATES.c.introduced, STATES.c.suspended, STATES.c.due)
        .select_from(CARDS.outerjoin(STATES, and_(STATES.c.card_id == CARDS.c.id,
                                                  STATES.c.learner_id == learner_id)))
        .where(CARDS.c.retired == true())).all()
    for section_id, introduced, suspended, day in retired:
        cards[section_id] -= 1
        if section_id in met:
            counts = met[section_id]
            counts[0] -= introduced is not None
            counts[1] -= bool(suspended)
            counts[2] -= bool(suspended) and introduced is None
        if introduced is not None and not suspended and day is not None and day <= days[-1]:
            due[section_id][0 if day < today else 1 + (day - today).days] -= 1
    found = []
    for sid, path, slug, name in sections:
        if cards.get(sid, 0):
            introduced, suspended, suspended_new = met.get(sid, [0, 0, 0])
            overdue, *by_day = due.get(sid, [0] * (horizon + 2))
            found.append(SectionCounts(slug, name, path, cards[sid], introduced, suspended, suspended_new,
                                       overdue, tuple(by_day)))
    return found
