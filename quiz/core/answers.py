"""Typed answers compared tolerantly with the expected one, and the grade that suggests (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

_ABBREVIATION = re.compile(r"((?:[A-Za-z][\w'-]*\s+){0,7}[A-Za-z][\w'-]*)\s+\(([A-Z][A-Za-z]*[A-Z]s?)[,;)]")
_NOT_WORD = re.compile(r"[^\w\s]")

# Similarity (0-100) needed for each suggested grade, best first.
SUGGESTIONS = ((97.0, 5), (88.0, 4), (75.0, 3), (55.0, 2), (1.0, 1))


@dataclass(frozen=True)
class Comparison:
    similarity: float
    suggested: int


def abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations a deck defines, "heterotopic ossification (HO)" -> {"ho": "heterotopic ..."}."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _ABBREVIATION.finditer(text):
            words, abbr = match.group(1).split(), match.group(2)
            letters = [c for c in abbr.rstrip("s") if c.isupper()]
            parts = [p for w in words for p in w.split("-") if p]
            expansion = parts[-len(letters) :]
            if len(expansion) == len(letters) and [p[0].upper() for p in expansion] == letters:
                start = " ".join(words).rfind(expansion[0])
                found.setdefault(abbr.casefold(), " ".join(words)[start:].casefold())
    return found


def normalize(text: str, known: Mapping[str, str] | None = None) -> str:
    """Lower case, no accents, no punctuation, abbreviations spelled out, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", plain.replace("-", " ")).split()
    if known:
        words = [w2 for w in words for w2 in known.get(w, w).replace("-", " ").split()]
    return " ".join(words)


def compare(typed: str, expected: str, known: Mapping[str, str] | None = None) -> Comparison:
    """How close the typed answer is (0-100) and the grade to suggest for it."""
    answer, target = normalize(typed, known), normalize(expected, known)
    if not answer:
        return Comparison(0.0, 0)
    if "\n" in expected:
        # A list answer: every item, in any order.
        similarity = fuzz.token_set_ratio(answer, target)
    else:
        similarity = max(fuzz.ratio(answer, target), fuzz.token_sort_ratio(answer, target))
    grade = next((g for threshold, g in SUGGESTIONS if similarity >= threshold), 0)
    return Comparison(round(similarity, 1), grade)
