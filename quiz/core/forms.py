"""The forms an expected answer takes (pure): its items, "Full Name (ABBR)" answered either way, the
deck's abbreviations spelt out, its asides in parentheses, and a typed answer's symbols rejoined."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from quiz.core.exact import Token

# Up to eight words, then "(ABBR" closed by ")", "," or ";"; a word start only, so a long typed
# run of letters costs one pass.
_ABBREVIATION = re.compile(
    r"(?<![\w'-])((?:[A-Za-z][\w'-]*\s+){0,7}[A-Za-z][\w'-]*)\s+\(([A-Z][A-Za-z]*[A-Z]s?)[,;)]"
)
_ENUMERATION = re.compile(r",\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


def abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations a deck defines, "heterotopic ossification (HO)" -> {"ho": "heterotopic ..."}."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _ABBREVIATION.finditer(text):
            expansion = _expansion(match)
            if expansion:
                found.setdefault(match.group(2).casefold(), expansion.casefold())
    return found


def _expansion(match: re.Match[str]) -> str:
    """The words an abbreviation stands for, from those before it ("" if its letters do not fit)."""
    words, abbr = match.group(1).split(), match.group(2)
    letters = [c for c in abbr.rstrip("s") if c.isupper()]
    parts = [p for w in words for p in w.split("-") if p]
    expansion = parts[-len(letters) :]
    if len(expansion) != len(letters) or [p[0].upper() for p in expansion] != letters:
        return ""
    joined = " ".join(words)
    return joined[joined.rfind(expansion[0]) :]


def items(expected: str) -> list[str]:
    """The items of an expected answer: a list card's lines, or parts joined by ";", or an
    enumeration of three or more short parts ("hips, knees, and elbows")."""
    if "\n" in expected:
        return [line.strip() for line in expected.split("\n") if line.strip()]
    parts = _split_outside_parentheses(expected, re.compile(r";\s*"))
    if len(parts) > 1:
        return parts
    parts = _split_outside_parentheses(expected, _ENUMERATION)
    if len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts) and re.search(r"\b(?:and|or)\b", expected):
        return parts
    return [expected.strip()]


def _split_outside_parentheses(text: str, separator: re.Pattern[str]) -> list[str]:
    parts, start = [], 0
    for match in separator.finditer(text):
        if text[: match.start()].count("(") == text[: match.start()].count(")"):
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def alternatives(item: str) -> list[str]:
    """ "Full Name (ABBR)" is answered by the full name or by the abbreviation."""
    match = _ABBREVIATION.search(item)
    expansion = _expansion(match) if match else ""
    if not match or not expansion:
        return [item]
    full_start = match.start(1) + match.group(1).rfind(expansion.split()[0])
    opening = item.index("(", match.end(1))
    abbr_start, abbr_end = match.start(2), match.end(2)
    without = item[:abbr_start] + item[abbr_end:]
    short = item[:full_start] + match.group(2) + " " + item[opening:abbr_start] + item[abbr_end:]
    return [without, short]


def undefined(text: str) -> str:
    """A typed "Full Name (ABBR)" less its "(ABBR)", which would count the name twice."""
    for match in reversed(list(_ABBREVIATION.finditer(text))):
        if _expansion(match):
            text = text[: match.start(2)] + text[match.end(2) :]
    return text


def expand(text: str, known: Mapping[str, str], typed: bool) -> str:
    """The deck's abbreviations spelt out ("HO" -> "heterotopic ossification"); in the expected
    answer only where written in capitals."""

    def spell(match: re.Match[str]) -> str:
        word = match.group()
        if not typed and not word.rstrip("s").isupper():
            return word
        return known.get(word.casefold(), word)

    return re.sub(r"\b[A-Za-z]+\b", spell, text) if known else text


def inside_parentheses(text: str) -> list[tuple[int, int]]:
    spans, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            start = index if depth == 0 else start
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index))
    # The whole item in parentheses is no aside.
    return [] if len(spans) == 1 and not text[: spans[0][0]].strip() else spans


def spaced_symbols(typed: str, expected: Iterable[Token]) -> str:
    """The answer's symbols typed with spaces between their parts ("HLA B27", "IL 6") joined again."""
    for token in expected:
        parts = re.findall(r"[A-Za-z]+|\d+", token.text) if token.kind == "code" else []
        if len(parts) > 1:
            spaced = r"(?<!\w)" + r"[\s-]*".join(map(re.escape, parts)) + r"(?!\w)"
            typed = re.sub(spaced, token.text, typed, flags=re.IGNORECASE)
    return typed
