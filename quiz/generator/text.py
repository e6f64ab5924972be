"""Text clean-up shared by both parsers: reference markers, leftover markup, white space."""

from __future__ import annotations

import functools
import re
import unicodedata

from quiz.generator.document import MARK_CLOSE, MARK_OPEN

# "[1]", "[2, 5]", "[3-6]" in Markdown; footnote markers "[^3]" where no definition made them links.
# (?<!\s): a run of white space is tried once, from its start; tried at each of its places,
# the "\s*" made a long run before a "[" quadratic.
_BRACKET_REFS = re.compile(r"(?<!\s)\s*\[(\^?[0-9][0-9a-z]*(?:\s*[,;–-]\s*\^?[0-9][0-9a-z]*)*)\]")
_FOOTNOTE_REF = re.compile(r"(?<!\s)\s*\[\^([^\]\s]+)\]")
# Plain text: bare trailing numbers after the last word ("... elbows 2, 5, 6", "system. 1").
_TRAILING_REFS = re.compile(r"(?<=[A-Za-z.)\]'\"’])\s+(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*$")
_MARKS = re.compile(f"[{MARK_OPEN}{MARK_CLOSE}]")
_MARK_EQ = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<!\s)\s+([,.;!?)\]]|:(?!:))")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string, for the rules' word lists."""
    return frozenset(words.split())


# Words that carry no fact of their own: never an answer alone, never part of a term.
FUNCTION_WORDS = word_set(
    "and or but not nor no the a an of to in on at by for with from as so is are be "
    "been was were has have had than then if it its their there here this that "
    "these those within without over under after before during also only very "
    "more less most least all any some each every both either neither other "
    "another such"
)


def split_refs(raw: str) -> list[str]:
    return [part.strip().lstrip("^") for part in raw.replace(";", ",").split(",") if part.strip()]


def strip_bracket_references(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove Markdown citation markers; return the text and the references in order."""
    if "[" not in text:
        return text, ()
    refs: list[str] = []

    def keep(match: re.Match[str]) -> str:
        refs.extend(split_refs(match.group(1)))
        return ""

    text = _FOOTNOTE_REF.sub(keep, text)
    text = _BRACKET_REFS.sub(keep, text)
    return text, tuple(refs)


def strip_trailing_references(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove plain-text citation numbers at the end of a line."""
    match = _TRAILING_REFS.search(text)
    if not match:
        return text, ()
    return text[: match.start()], tuple(split_refs(match.group(1)))


def mark_highlights(text: str) -> str:
    """Turn ``==term==`` highlights into marked terms."""
    if "==" not in text:
        return text
    return _MARK_EQ.sub(lambda m: f"{MARK_OPEN}{m.group(1)}{MARK_CLOSE}", text)


def tidy(text: str) -> str:
    """Fold white space and the gaps that removed markup leaves before punctuation."""
    text = " ".join(text.split())
    if " " in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if "(" in text or "[" in text:
        text = _SPACE_AFTER_OPEN.sub(r"\1", text).replace("()", "")
    return text.replace("  ", " ").strip()


def unmark(text: str) -> str:
    """The text a learner reads: marks removed."""
    if MARK_OPEN not in text and MARK_CLOSE not in text:
        return text
    return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def has_marks(text: str) -> bool:
    return MARK_OPEN in text


def marked_terms(text: str) -> list[tuple[int, int]]:
    """Spans (in the unmarked text) of every marked term, in order."""
    spans: list[tuple[int, int]] = []
    start = -1
    # Each mark passed shifts the unmarked positions by one.
    for seen, match in enumerate(_MARKS.finditer(text)):
        position = match.start() - seen
        if match.group() == MARK_OPEN:
            start = position
        else:
            if start >= 0 and position > start:
                spans.append((start, position))
            start = -1
    return spans


@functools.lru_cache(maxsize=32768)
def slug(text: str) -> str:
    """A stable, readable identifier piece: lower case, ASCII letters and digits, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"
