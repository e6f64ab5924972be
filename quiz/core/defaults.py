"""A new learner's settings, defined once: the store's new learners and the models' defaults, the
review's leech rule, the simulation and the learner's day read these (and a test, the README)."""

from __future__ import annotations

NEW_PER_DAY = 20  # new cards a day (quiz review --new)
REVIEWS_PER_DAY = 200  # reviews a day (quiz review --limit)
LEECH_THRESHOLD = 8  # failures that make a card a leech (quiz review --leech-threshold)
DAY_STARTS_AT = 4  # a learner's day starts at 04:00 local time, as in Anki
