"""Typed declarative models for everything quiz stores; Alembic migrations create exactly these."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from quiz.core import defaults

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The count tables' keys are their order on disk in SQLite: reading a learner's days or a cohort's
# sections is one range of the table itself.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Deck(Base):
    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    source_path: Mapped[str] = mapped_column(String(1000))
    source_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The front matter's tags and references, for the Anki export.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    references: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("deck_id", "path", name="deck_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    # The titles joined by quiz.core.drafts.PATH_SEPARATOR, a character no title holds (schema 0005).
    path: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500))
    level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # order in the document
    source_line: Mapped[int] = mapped_column(Integer)
    empty: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Its live (not retired) cards: kept by the database's triggers (migration 0003).
    card_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (
        Index("ix_cards_deck_active_position", "deck_id", "retired", "position"),
        Index("ix_cards_retired_deck", "retired", "deck_id"),
        CheckConstraint("kind IN ('definition', 'cloze', 'list', 'which', 'explicit')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), index=True)
    # The stable key: given when the card is first made and kept through edits (Anki GUIDs and
    # progress files name cards by it). source_key is the key of the text it was last made from.
    key: Mapped[str] = mapped_column(String(400), unique=True)
    source_key: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    source_text: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int] = mapped_column(Integer)
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    new_per_day: Mapped[int] = mapped_column(Integer, default=defaults.NEW_PER_DAY)
    reviews_per_day: Mapped[int] = mapped_column(Integer, default=defaults.REVIEWS_PER_DAY)
    leech_threshold: Mapped[int] = mapped_column(Integer, default=defaults.LEECH_THRESHOLD)
    day_starts_at: Mapped[int] = mapped_column(SmallInteger, default=defaults.DAY_STARTS_AT)  # hour, local
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the machine's


class CardState(Base):
    """One learner's SM-2 state of one card; no row means the card is new to them."""

    __tablename__ = "card_states"
    __table_args__ = (
        # Covering indexes for the queue and the status report: due dates and first reviews per
        # section are counted from the index alone.
        Index("ix_card_states_learner_due", "learner_id", "due", "section_id", "suspended", "introduced"),
        Index("ix_card_states_learner_section", "learner_id", "section_id", "introduced", "suspended"),
    )

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    card_id: Mapped[int] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The card's section, copied here for counting: a card never changes section (an edit that
    # moves it makes a new card), so the copy cannot go stale.
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    repetitions: Mapped[int] = mapped_column(Integer, default=0)
    easiness: Mapped[int] = mapped_column(Integer, default=250)  # hundredths, exact: 250 is 2.50
    interval: Mapped[int] = mapped_column(Integer, default=0)  # days
    due: Mapped[date | None] = mapped_column(Date)
    last_review: Mapped[date | None] = mapped_column(Date)
    lapses: Mapped[int] = mapped_column(Integer, default=0)  # times a passed card was failed
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failing reviews: leeches count these
    reviews: Mapped[int] = mapped_column(Integer, default=0)  # reviews that counted
    introduced: Mapped[date | None] = mapped_column(Date)  # the learner's day of its first review
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by every answer


class LearnerSection(Base):
    """A learner's states of one section's live cards, counted (what `quiz status` and the reports
    read instead of counting states). This and the other count tables below are kept by the
    database's triggers (migration 0003), so every writer keeps them right; quiz never writes them."""

    __tablename__ = "learner_sections"
    __table_args__ = WITHOUT_ROWID

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True)
    states: Mapped[int] = mapped_column(Integer)
    introduced: Mapped[int] = mapped_column(Integer)
    suspended: Mapped[int] = mapped_column(Integer)
    suspended_new: Mapped[int] = mapped_column(Integer)  # suspended before their first review
    mature: Mapped[int] = mapped_column(Integer)
    lapses: Mapped[int] = mapped_column(Integer)


class LearnerDue(Base):
    """A learner's live, introduced, unsuspended cards of one section falling due on one day; a
    count that reaches 0 is deleted."""

    __tablename__ = "learner_due"
    __table_args__ = WITHOUT_ROWID

    # In this order, the key is the index `quiz status` reads: a learner's days up to a week ahead.
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    due: Mapped[date] = mapped_column(Date, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True)
    cards: Mapped[int] = mapped_column(Integer)


class LearnerDay(Base):
    """A learner's reviews of one deck on one day: all, counted ones, and retention's two counts."""

    __tablename__ = "learner_days"
    __table_args__ = WITHOUT_ROWID

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)
    counted: Mapped[int] = mapped_column(Integer)
    retained_of: Mapped[int] = mapped_column(Integer)
    retained: Mapped[int] = mapped_column(Integer)


class CohortSection(Base):
    """Retention's two counts over a cohort's learners, per day and section."""

    __tablename__ = "cohort_sections"
    __table_args__ = WITHOUT_ROWID

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True)
    retained_of: Mapped[int] = mapped_column(Integer)
    retained: Mapped[int] = mapped_column(Integer)


class CohortCard(Base):
    """Per card, a cohort's learners who lapsed on it and their lapses (written only when a lapse
    is counted or taken back); only cards with lapses have a row."""

    __tablename__ = "cohort_cards"
    __table_args__ = WITHOUT_ROWID

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True)
    lapsed: Mapped[int] = mapped_column(Integer)
    lapses: Mapped[int] = mapped_column(Integer)


class Review(Base):
    """The review log: one row per grading, kept forever; a card's state replays from it."""

    __tablename__ = "reviews"
    __table_args__ = (
        # Covering index for the progress reports: a learner's days, sections and grades are
        # counted from it without reading the table.
        Index("ix_reviews_learner_day", "learner_id", "day", "section_id", "kind", "passed_before", "grade"),
        CheckConstraint("grade BETWEEN 0 AND 5", name="grade"),
        CheckConstraint("kind IN ('review', 'repeat', 'cram')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    # The card's section, copied for the reports (a card never changes section).
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    grade: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(10))  # review (counted), repeat (same day), cram
    # The card's last counted review before this one passed (SM-2 repetitions > 0): the reviews
    # retention is measured on, as Anki's "true retention" counts review-state cards only.
    passed_before: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date)  # the learner's day the review counted for
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    interval: Mapped[int] = mapped_column(Integer)  # state after the review
    easiness: Mapped[int] = mapped_column(Integer)
    due: Mapped[date | None] = mapped_column(Date)


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    __tablename__ = "memberships"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CohortSecret(Base):
    """A cohort's random key for the pseudonyms of its anonymized reports (hex of 32 bytes)."""

    __tablename__ = "cohort_secrets"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))


class Invite(Base):
    """A member's secret for signing their progress files (hex of 32 bytes); a new invite replaces
    it, and leaving the cohort deletes it."""

    __tablename__ = "invites"
    __table_args__ = (
        ForeignKeyConstraint(
            ["cohort_id", "learner_id"],
            ["memberships.cohort_id", "memberships.learner_id"],
            ondelete="CASCADE",
        ),
    )

    cohort_id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("cohort_id", "deck_id", name="cohort_deck"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)  # every card learned by then
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
