"""quiz: spaced-repetition flashcards generated from clinical source documents."""

__version__ = "0.7.0"
