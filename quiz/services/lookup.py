"""Finding what a command names, each in one way with one message: a deck, a learner, sections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from quiz.config import default_learner_name
from quiz.core.matching import pick_deck
from quiz.errors import NotFoundError
from quiz.store import cohorts as store_cohorts
from quiz.store import decks as store_decks
from quiz.store import learners as store_learners
from quiz.store.cohorts import CohortInfo
from quiz.store.db import Db, Reader
from quiz.store.decks import DeckInfo
from quiz.store.learners import LearnerInfo


def find_deck(reader: Reader, name: str, among: Sequence[DeckInfo] | None = None) -> DeckInfo:
    """A deck by its id, or by its name or the start of either when that is unambiguous
    (``among``: only these decks)."""
    candidates = store_decks.decks(reader) if among is None else among
    slug = pick_deck(name, [(d.slug, d.name) for d in candidates])
    return next(d for d in candidates if d.slug == slug)


def unknown_learner(reader: Reader, name: str) -> NotFoundError:
    """The one "no such learner" error, saying who there is."""
    known = ", ".join(other.name for other in store_learners.learners(reader)) or "none yet"
    return NotFoundError(
        f"no learner '{name}' (the learners are: {known}): add one with quiz learner add {name}"
    )


def find_learner(reader: Reader, name: str | None) -> LearnerInfo:
    """The named learner (default: the machine's user), who must exist."""
    name = default_learner_name() if name is None else name.strip()
    found = store_learners.learner_by_name(reader, name)
    if found is None:
        raise unknown_learner(reader, name)
    return found


def resolve_learner(db: Db, name: str | None, now: datetime) -> LearnerInfo:
    """The named learner, or the machine's user (made on first use: call inside a transaction)."""
    if name is None:
        own = default_learner_name()
        return store_learners.learner_by_name(db, own) or store_learners.add_learner(db, own, now)
    return find_learner(db, name)


def find_sections(reader: Reader, text: str, decks: Sequence[DeckInfo] | None = None) -> list[int]:
    """Ids of the live sections (of these decks) whose path contains ``text``, in any case; none
    is an error."""
    found = store_decks.matching_sections(reader, text, [d.id for d in decks] if decks is not None else None)
    if not found:
        where = f"deck '{decks[0].slug}'" if decks is not None and len(decks) == 1 else "any deck"
        raise NotFoundError(
            f"no section of {where} matches '{text}': see the sections with quiz outline FILE"
        )
    return found


def find_cohort(reader: Reader, name: str) -> CohortInfo:
    """The one cohort lookup, with the one "no such cohort" message."""
    cohort = store_cohorts.cohort_by_name(reader, name.strip())
    if cohort is None:
        known = ", ".join(c.name for c in store_cohorts.cohorts(reader)) or "none yet"
        raise NotFoundError(
            f"no cohort '{name}' (the cohorts are: {known}): create one with quiz cohort create {name}"
        )
    return cohort
