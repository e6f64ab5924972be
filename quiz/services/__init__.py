"""Use cases: each takes a Db (or Reader) first, owned by the caller (the CLI opens one per
command), does its writes in one ``with db.transaction():``, and returns frozen results of its own;
none prints. Lookups of what a command names (deck, learner, sections) live once, in lookup.py."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def batch() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk use case (an import of documents, a merge of a
    year of reviews): tens of thousands of small objects and no cycles, whose collection as they
    pile up cost a fifth to a quarter of the time. It runs again, and catches up, after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
