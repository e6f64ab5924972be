"""The pure core: the SM-2 scheduler, the learner's day, what one grading does, replay, the report
measures, typed-answer comparison, identity across edits. Imports nothing of the database, the CLI,
the clock or randomness."""
