"""A learner's day: it starts at 04:00 local time, as in Anki. Pure, and light to import (the
reports need it without the scheduler's exact arithmetic)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from quiz.core.defaults import DAY_STARTS_AT as DAY_STARTS_AT  # a new learner's, 04:00 as in Anki


def learner_day(now: datetime, day_starts_at: int = DAY_STARTS_AT) -> date:
    """The learner's calendar day at the instant ``now`` (aware, in the learner's time zone):
    a session after midnight but before ``day_starts_at`` o'clock counts for the evening before."""
    return (now - timedelta(hours=day_starts_at)).date()
