"""The daily review: build the queue, answer, undo, suspend, bury, and sum the session up.

A ReviewSession holds one sitting's queue in memory. Answers and undos go through the store's
AnswerWriter, one committed transaction each, so an answer is saved before the next card shows;
suspend and bury are one transaction each. Everything runs on a Db (quiz.store.db), so the
review needs no ORM.
"""

from __future__ import annotations

import functools
import uuid
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from quiz.core.answers import Comparison as Comparison  # re-exported for the CLI
from quiz.core.answers import abbreviations, compare
from quiz.core.grading import grade_card
from quiz.core.measures import STATUS_FORECAST_DAYS
from quiz.core.scheduler import PASS_GRADE, CardState, check_grade, learner_day
from quiz.core.siblings import related
from quiz.errors import ConflictError, OptionError, QuizError
from quiz.services.lookup import resolve_learner
from quiz.services.queue import resolve_scope, todays_queue
from quiz.store import learners as store_learners
from quiz.store import queue as store_queue
from quiz.store import review as store_review
from quiz.store.db import Db
from quiz.store.learners import LearnerInfo as LearnerInfo
from quiz.store.review import AnswerWriter as AnswerWriter  # re-exported for the CLI
from quiz.store.review import QueuedCard, StoredState


@dataclass(frozen=True)
class ReviewOptions:
    deck: str | None = None
    section: str | None = None
    learner: str | None = None
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    leech_threshold: int | None = None
    cram: bool = False


@dataclass(frozen=True)
class Answered:
    card: QueuedCard
    grade: int
    kind: str  # review (counted), repeat (same day) or cram
    uid: str
    before: StoredState | None
    after: StoredState | None  # None when the state did not change
    leech: bool
    from_repeats: bool


@dataclass(frozen=True)
class Action:
    """One step of a sitting that `u` can take back: an answer (with the siblings it buried), a
    suspension or a burial; and the sitting's queue as it was before it."""

    kind: str  # answer, suspend or bury
    card: QueuedCard
    answered: Answered | None
    flags: tuple[store_review.Flags, ...]  # what the cards it flagged were before
    queue: tuple[QueuedCard, ...]
    repeats: tuple[QueuedCard, ...]


@dataclass(frozen=True)
class ReviewSummary:
    learner: str
    answered: int
    cards: int
    correct_share: float | None
    seconds: float
    streak: int
    leeches: tuple[str, ...]
    due_tomorrow: int
    due_next_7_days: int


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


def _positive(value: int | None, name: str) -> None:
    if value is not None and value < 0:
        raise OptionError(name, f"{name} must be 0 or more, not {value}")


class ReviewSession:
    """One sitting: what is left to show, the same-day repeats and the answers that can be undone."""

    def __init__(
        self,
        learner: LearnerInfo,
        today: date,
        queue: list[QueuedCard],
        repeats: list[QueuedCard],
        cram: bool,
    ) -> None:
        self.learner = learner
        self.today = today
        self.cram = cram
        self.queue: deque[QueuedCard] = deque(queue)
        self.repeats: deque[QueuedCard] = deque(repeats)
        self.history: list[Answered] = []
        self.actions: list[Action] = []
        self.leeches: list[str] = []

    @functools.cached_property
    def known_abbreviations(self) -> dict[str, str]:
        """The abbreviations the cards define ("HO"), for comparing typed answers: made when first asked."""
        return abbreviations(c.front + " " + c.back for c in [*self.queue, *self.repeats])

    # --- what is shown --------------------------------------------------------------------------

    def current(self) -> QueuedCard | None:
        if self.queue:
            return self.queue[0]
        return self.repeats[0] if self.repeats else None

    def left(self) -> int:
        return len(self.queue) + len(self.repeats)

    def _take(self) -> tuple[QueuedCard, bool]:
        if self.queue:
            return self.queue.popleft(), False
        return self.repeats.popleft(), True

    # --- answering --------------------------------------------------------------------------------

    def answer(self, writer: AnswerWriter, grade: object, now: datetime, seconds: float) -> Answered:
        """Grade the current card and save it: its state and its review in one transaction."""
        q = check_grade(grade)
        card = self.current()
        if card is None:
            raise QuizError("there is no card to answer")
        before = card.stored
        state = before.state if before else None
        try:
            graded = grade_card(
                state,
                q,
                self.today,
                cram=self.cram,
                leech_threshold=self.learner.leech_threshold,
                leech=before is not None and before.leech,
            )
        except ValueError:
            # Only a clock moved back (or a hand-edited database) gives this: refuse, save nothing.
            raise ConflictError(
                f"card {card.key} was last reviewed on {state.last_review if state else None}, after today "
                f"({self.today}): check this computer's date and time zone; this answer was not saved"
            ) from None
        kind, leech = graded.kind, graded.became_leech
        after = (
            answered_state(before, graded.state, leech, self.today)
            if graded.counted and graded.state
            else None
        )
        shown = after or before
        uid = review_uid(now)
        logged = {
            "uid": uid,
            "learner_id": self.learner.id,
            "card_id": card.card_id,
            "grade": q,
            "kind": kind,
            "section_id": card.section_id,
            "passed_before": graded.passed_before,
            "reviewed_at": now,
            "day": self.today,
            "seconds": round(seconds, 3),
            **store_review.outcome_values(shown.state if shown else None),
        }
        queue, repeats = tuple(self.queue), tuple(self.repeats)
        burial = None if self.cram else self._siblings(writer.db, card)
        if not writer.answer(self.learner.id, card, before, after, logged, burial):
            raise ConflictError(
                f"card {card.key} was answered in another session just now: this answer was not counted twice"
            )
        _card, from_repeats = self._take()
        done = Answered(card, q, kind, uid, before, after, leech, from_repeats)
        self.history.append(done)
        buried = tuple(burial.previous) if burial else ()
        self.actions.append(Action("answer", card, done, buried, queue, repeats))
        if buried:
            gone = {f.card_id for f in buried}
            self.queue = deque(c for c in self.queue if c.card_id not in gone)
        if leech:
            self.leeches.append(card.key)
        if graded.again_today:
            self.repeats.append(replace(card, stored=after or before))
        return done

    def _siblings(self, db: Db, card: QueuedCard) -> store_review.Burial:
        """The cards to bury until the learner's next day once ``card`` is answered: its siblings in
        the deck (same section and source text), and the cards of this sitting made from a bullet
        or sentence it shares (a list card and its items' cards; a "which" card and the cloze of
        the same sentence in a subsection)."""
        ids = dict.fromkeys(store_queue.siblings(db, card.card_id))
        for other in self.queue:
            if (
                other.card_id != card.card_id
                and other.deck == card.deck
                and related(other.source_text, card.source_text)
            ):
                ids[other.card_id] = None
        return store_review.Burial(list(ids), self.today + timedelta(days=1))

    def undo(self, writer: AnswerWriter) -> Action | None:
        """Take the last step back exactly (an answer, a suspension or a burial): the states, the
        log and this sitting's queue as they were, in one transaction."""
        if not self.actions:
            return None
        last = self.actions[-1]
        done = last.answered
        if done is not None:
            restored = (
                replace(done.before, version=done.after.version + 1)
                if done.before is not None and done.after is not None
                else done.before
            )
            if not writer.undo(self.learner.id, done.card, done.after, restored, done.uid, last.flags):
                raise ConflictError(f"card {done.card.key} changed in another session: cannot undo")
            self.history.pop()
            if done.leech:
                self.leeches.remove(done.card.key)
        else:
            with writer.db.transaction():
                for flags in last.flags:
                    store_review.restore_flags(writer.db, self.learner.id, flags)
        self.actions.pop()
        # The cards it touched are read again: their versions moved.
        touched = {last.card.card_id, *(f.card_id for f in last.flags)}
        fresh = {c.card_id: c for c in store_queue.cards_by_id(writer.db, self.learner.id, list(touched))}
        self.queue = deque(fresh.get(c.card_id, c) for c in last.queue)
        self.repeats = deque(
            replace(c, stored=fresh[c.card_id].stored) if c.card_id in fresh else c for c in last.repeats
        )
        return last

    def skip(self) -> None:
        """Drop the current card from this sitting (it was answered elsewhere)."""
        card = self.current()
        if card is not None:
            self._take()
            self.repeats = deque(c for c in self.repeats if c.card_id != card.card_id)

    def suspend(self, db: Db) -> QueuedCard | None:
        return self._set_aside(db, suspended=True)

    def bury(self, db: Db) -> QueuedCard | None:
        return self._set_aside(db, buried_until=self.today + timedelta(days=1))

    def _set_aside(self, db: Db, **flags: object) -> QueuedCard | None:
        card = self.current()
        if card is None:
            return None
        queue, repeats = tuple(self.queue), tuple(self.repeats)
        with db.transaction():
            before = store_review.flags_of(db, self.learner.id, [card.card_id])
            store_review.set_flags(db, self.learner.id, card.card_id, **flags)
        kind = "suspend" if flags.get("suspended") else "bury"
        self.actions.append(Action(kind, card, None, tuple(before), queue, repeats))
        self.skip()
        return card

    def summary(self, db: Db, seconds: float) -> ReviewSummary:
        answered = len(self.history)
        correct = sum(1 for a in self.history if a.grade >= PASS_GRADE)
        forecast = store_review.due_forecast(
            db,
            self.learner.id,
            self.today + timedelta(days=1),
            self.today + timedelta(days=STATUS_FORECAST_DAYS),
        )
        return ReviewSummary(
            learner=self.learner.name,
            answered=answered,
            cards=len({a.card.card_id for a in self.history}),
            correct_share=correct / answered if answered else None,
            seconds=seconds,
            streak=store_review.streak(db, self.learner.id, self.today),
            leeches=tuple(self.leeches),
            due_tomorrow=forecast.get(self.today + timedelta(days=1), 0),
            due_next_7_days=sum(forecast.values()),
        )


def answer_writer(db: Db) -> AnswerWriter:
    """What a sitting saves its answers through (each answer its own transaction)."""
    return AnswerWriter(db)


def review_uid(now: datetime) -> str:
    """A unique id that sorts by time (like UUIDv7): the log's index grows at its end."""
    digits = f"{int(now.timestamp() * 1000):012x}{uuid.uuid4().hex[12:]}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def answered_state(before: StoredState | None, state: CardState, leech: bool, today: date) -> StoredState:
    """The stored state after a counted answer; a new leech is suspended at once."""
    if before is None:
        return StoredState(state, today, leech, leech, None, 1)
    return StoredState(
        state,
        before.introduced or today,
        before.suspended or leech,
        before.leech or leech,
        before.buried_until,
        before.version + 1,
    )


def start_review(db: Db, options: ReviewOptions, now: datetime) -> ReviewSession:
    """The sitting's queue: due cards (most overdue first), then new ones spread over each deck's
    sections, within the day's limits (new cards counted per deck)."""
    for value, name in (
        (options.new_per_day, "--new"),
        (options.reviews_per_day, "--limit"),
        (options.leech_threshold, "--leech-threshold"),
    ):
        _positive(value, name)
    with db.transaction():
        info = resolve_learner(db, options.learner, now)
        # The leech threshold given is remembered; --new and --limit are for this sitting only
        # (quiz learner set keeps them).
        threshold = max(1, _given(options.leech_threshold, info.leech_threshold))
        if threshold != info.leech_threshold:
            info = replace(info, leech_threshold=threshold)
            store_learners.set_limits(db, info)
    info = replace(
        info,
        new_per_day=_given(options.new_per_day, info.new_per_day),
        reviews_per_day=_given(options.reviews_per_day, info.reviews_per_day),
    )
    today = learner_day(now.astimezone(), info.day_starts_at)
    scope = resolve_scope(db, options.deck, options.section)
    if options.cram:
        cards = store_queue.cram_cards(db, info.id, scope.deck_ids, scope.section_ids)
        return ReviewSession(info, today, cards, [], cram=True)
    queue, repeats = todays_queue(db, info, today, scope)
    return ReviewSession(info, today, queue, repeats, cram=False)


# --- what the terminal is given ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCard:
    """The card on screen, as the review shows it."""

    key: str
    deck: str
    breadcrumb: str
    kind: str
    front: str
    back: str
    references: tuple[str, ...]


def shown(review: ReviewSession) -> ReviewCard | None:
    """The card to show now, or None when the sitting is over."""
    card = review.current()
    if card is None:
        return None
    return ReviewCard(card.key, card.deck, card.breadcrumb, card.kind, card.front, card.back, card.references)


def check_typed(review: ReviewSession, typed: str) -> Comparison:
    """A typed answer compared with the shown card's, knowing the deck's abbreviations."""
    card = review.current()
    if card is None:
        raise QuizError("no card is shown: nothing to compare the answer with")
    return compare(typed, card.back, review.known_abbreviations, shown=card.front)
