"""The pure core: the SM-2 scheduler, the learner's day and settings, what one grading does (grading),
replay, the report measures, typed-answer comparison, identity across edits. Imports nothing of the
database, the CLI, the clock or randomness."""
