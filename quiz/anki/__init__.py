"""Anki: cards to an Anki package with genanki, and reading what Anki exports."""
