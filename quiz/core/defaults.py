"""A new learner's settings, and when the report calls a learner at risk, defined once: the store,
the models, the review, the simulation, the report and the CLI's help read these (a test, the README)."""

from __future__ import annotations

NEW_PER_DAY = 20  # new cards a day (quiz review --new)
REVIEWS_PER_DAY = 200  # reviews a day (quiz review --limit)
LEECH_THRESHOLD = 8  # failures that make a card a leech (quiz review --leech-threshold)
DAY_STARTS_AT = 4  # a learner's day starts at 04:00 local time, as in Anki

# When the progress report calls a learner at risk (quiz cohort report / quiz stats options).
AT_RISK_INACTIVE_DAYS = 3  # days without a review
AT_RISK_BACKLOG_DAYS = 2.0  # overdue cards above this many days of the learner's workload
AT_RISK_MIN_RETENTION = 0.80  # retention under this, counted from MIN_RETENTION_REVIEWS reviews on
AT_RISK_MIN_RETENTION_REVIEWS = 20
AT_RISK_PACE_MARGIN = 0.20  # behind an assignment's pace by more than this share
