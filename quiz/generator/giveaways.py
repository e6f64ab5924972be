"""Whether what a card shows gives its answer away: the answer itself, the same figure, its
significant words or their stems, its abbreviation or the words the abbreviation stands for."""

from __future__ import annotations

import functools
import re

_UNIT_OF = re.compile(r"%|[a-zA-Zµμ/]+$")
_LETTERS = re.compile(r"[A-Za-z]+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_NUMBERS = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_ABBREVIATIONS_SHOWN = re.compile(r"\b[A-Z][A-Z0-9]+s?\b")
_STOPWORDS = {
    "and",
    "the",
    "for",
    "with",
    "from",
    "into",
    "other",
    "forms",
    "form",
    "this",
    "that",
    "than",
    "more",
    "less",
    "least",
    "most",
    "times",
    "baseline",
    "normal",
    "hours",
    "days",
    "weeks",
    "minutes",
    "months",
    "years",
    "units",
    "unit",
}


def gives_away(answer: str, shown: str, *, every_word: bool = False) -> bool:
    """True when what is shown gives the answer away: the answer itself; for a figure, the same
    value (not merely the same unit); for words, one of its significant words (with `every_word`,
    all of them: a name such as "Bone Scan" is not given away by "bone formation"), or its
    abbreviation or the words an abbreviation stands for."""
    haystack = shown.casefold()
    if answer.casefold() in haystack:
        return True
    numbers = _NUMBERS.findall(answer)
    if numbers:
        shown_numbers = set(_NUMBERS.findall(shown))
        return all(n in shown_numbers for n in numbers) or _derivable(answer, shown)
    words = [w for w in _WORD.findall(answer.casefold()) if w not in _STOPWORDS]
    if words:
        # A word of the answer that begins a word shown ("ossification" in "ossifications").
        seen = [_begins_a_word(w, haystack) for w in words]
        if all(seen) if every_word else any(seen):
            return True
    abbreviations = [a.rstrip("s") for a in _ABBREVIATIONS_SHOWN.findall(answer)]
    if not abbreviations:
        return False
    shown_abbreviations = {a.rstrip("s") for a in _ABBREVIATIONS_SHOWN.findall(shown)}
    if any(a in shown_abbreviations for a in abbreviations):
        return True
    # An abbreviation answered whose words are on the front ("FOP" beside "Fibrodysplasia
    # Ossificans Progressiva").
    spelled = [a.lower() for a in abbreviations if len(a) >= 3 and a.isalpha()]
    if spelled:
        initials = "".join(
            w[0]
            for w in _LETTERS.findall(shown)
            if w.lower() not in _STOPWORDS and w.lower() not in ("of", "in", "to")
        ).lower()
        return any(a in initials for a in spelled)
    return False


def _begins_a_word(word: str, haystack: str) -> bool:
    at = haystack.find(word)
    while at >= 0:
        if at == 0 or not haystack[at - 1].isalnum():
            return True
        at = haystack.find(word, at + 1)
    return False


@functools.lru_cache(maxsize=256)
def _figures_in(unit: str) -> re.Pattern[str]:
    """Figures (and ranges) written with this unit."""
    return re.compile(rf"(?<![\w.])(\d+(?:[.,]\d+)?)(?:\s?[-–]\s?(\d+(?:[.,]\d+)?))?\s?{re.escape(unit)}")


def _derivable(answer: str, shown: str) -> bool:
    """A figure worked out from the others on the front: the band next to a shown band ("≤40%"
    beside "41-49%"), or the rest of a hundred ("85%" beside "15%")."""
    unit = _UNIT_OF.search(answer)
    if unit is None:
        return False
    values = [float(n.replace(",", ".")) for n in _NUMBERS.findall(answer)]
    others = [
        float(n.replace(",", ".")) for m in _figures_in(unit.group()).finditer(shown) for n in m.groups() if n
    ]
    if unit.group() == "%" and any(a + b == 100 for a in values for b in others):
        return True
    # Bands meet at a boundary: only a band (a range or a threshold) is worked out from its neighbour.
    banded = any(ch in answer for ch in "<>≤≥-–")
    return banded and any(
        0 < abs(a - b) <= 1 and a.is_integer() and b.is_integer() for a in values for b in others
    )


def shows_verbatim(answer: str, shown: str) -> bool:
    """The answer, as a whole word or phrase, in what is shown ("acidosis" is not in "ketoacidosis")."""
    needle, haystack = answer.casefold(), shown.casefold()
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not haystack[start - 1].isalnum()) and (
            end == len(haystack) or not haystack[end].isalnum()
        ):
            return True
        start = haystack.find(needle, start + 1)
    return False


def stems(text: str) -> set[str]:
    """The stems (first 6 letters) of a text's significant words: "ossificans" and "ossification"
    share one."""
    return {w[:6] for w in _WORD.findall(text.casefold()) if w not in _STOPWORDS and len(w) >= 5}


def stems_shown(answer: str, shown: str) -> int:
    return len(stems(answer) & stems(shown))
