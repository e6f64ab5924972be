"""quiz: spaced-repetition flashcards generated from clinical source documents."""

__version__ = "0.6.0"
