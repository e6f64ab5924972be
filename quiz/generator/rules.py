"""Rules that find what to ask in one piece of text: definitions, salient terms, explicit cards."""

from __future__ import annotations

import re

from quiz.generator.text import has_marks, marked_terms, unmark

CLOZE_GAP = "[...]"

_DEFINITION = re.compile(
    r"^(?P<term>[A-Z][^,;:()]{1,80}?)(?P<abbr>\s\([A-Z][A-Za-z0-9-]{1,12}\))?"
    r"\s(?:is|are)\s(?P<def>(?:the|a|an)\s.{8,})$"
)
_NOT_A_TERM = {"the", "this", "that", "these", "those", "it", "there", "a", "an", "its", "their",
               "such", "each", "every", "some", "most", "many", "one", "another", "which", "what"}
_FIGURE = re.compile(
    r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?[-–]\s?\d+(?:[.,]\d+)?)?\s?"
    r"(?:%|mg/kg|mg|mcg|µg|g|kg|ml|mL|L|mmol/L|mmHg|Gy|cGy|cm|mm|days?|weeks?|months?|years?|hours?)"
    r"(?![\w])"
)
_SYMBOL = re.compile(r"\b[A-Z][A-Z0-9]{1,9}\b")
_VARIANT = re.compile(r"(?<!\w)(?:c\.[0-9_+*-]+[ACGT]+>[ACGT]+"
                      r"|p\.(?:\([A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}\)|[A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}))")
_EXAMPLE = re.compile(r"(?:such as|e\.g\.,?)\s+([^,;)(]+?)(?=\s*(?:[,;)]|$|\.\s|\.$))")
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z]*[A-Z]s?)(?=[,;)])")
_EXPLICIT_CLOZE = re.compile(r"\{\{c(\d+)::(.+?)(?:::(.*?))?\}\}")
_EXPLICIT_BASIC = re.compile(r"^(?P<q>.+?)\s+::\s+(?P<a>.+)$")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bal)(?<![A-Z])([.!?])\s+(?=\x01?[A-Z(])")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z0-9]{4,}")
_WORD_START = re.compile(r"\b[a-z0-9]+")
_ABBREVIATIONS_SHOWN = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_STOPWORDS = {"and", "the", "for", "with", "from", "into", "other", "forms", "form", "this", "that"}

# An answer that is most of the text would blank the whole bullet.
MAX_ANSWER_SHARE = 0.7


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.sub(r"\1\n", text).split("\n") if part.strip()]


def definition(sentence: str) -> tuple[str, str] | None:
    """("What is X (ABBR)?", "Y") for a sentence "X (ABBR) is Y", else None."""
    plain = unmark(sentence).rstrip(".")
    if " is " not in plain and " are " not in plain:
        return None
    match = _DEFINITION.match(plain)
    if not match:
        return None
    term = match.group("term").strip()
    if term.split()[0].lower() in _NOT_A_TERM or len(term.split()) > 6:
        return None
    abbr = match.group("abbr") or ""
    subject = term if _is_proper(term) else term[0].lower() + term[1:]
    answer = match.group("def").strip()
    return f"What is {subject}{abbr}?", answer[0].upper() + answer[1:]


def _is_proper(term: str) -> bool:
    first = term.split()[0]
    return first.isupper() or (len(term.split()) > 1 and all(w[:1].isupper() for w in term.split()))


def _expansion(text: str, paren_start: int, abbr: str) -> tuple[int, int] | None:
    """The words before "(ABBR" whose initials spell it, as a span of ``text``."""
    letters = [c for c in abbr.rstrip("s") if c.isupper()]
    if len(letters) < 2:
        return None
    words = list(re.finditer(r"[A-Za-z][A-Za-z']*", text[:paren_start]))
    # Initials of the words and of their hyphenated parts ("Non-steroidal anti-inflammatory").
    initials: list[tuple[str, int]] = []
    for word in words:
        offset = word.start()
        for part in word.group().split("-"):
            initials.append((part[0].upper(), offset))
            offset += len(part) + 1
    tail = initials[-len(letters):]
    if len(tail) == len(letters) and [c for c, _ in tail] == letters:
        return tail[0][1], len(text[:paren_start].rstrip())
    return None


def salient_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the unmarked text worth a cloze: marked terms if any, else terms found by rules."""
    if has_marks(text):
        return marked_terms(text)
    plain = text
    spans: list[tuple[int, int]] = []
    if _DIGIT.search(plain):  # figures, gene symbols and variants all hold a digit
        for pattern in (_VARIANT, _FIGURE):
            spans.extend(m.span() for m in pattern.finditer(plain))
        spans.extend(m.span() for m in _SYMBOL.finditer(plain) if _is_gene(plain, m))
    if "such as" in plain or "e.g." in plain:
        for match in _EXAMPLE.finditer(plain):
            term = match.group(1).strip()
            if term and len(term.split()) <= 4:
                spans.append((match.start(1), match.start(1) + len(term)))
    if "(" in plain:
        for match in _ABBREVIATION.finditer(plain):
            found = _expansion(plain, match.start(), match.group(1))
            if found:
                spans.append(found)
    return _without_overlaps(spans) if len(spans) > 1 else spans


def _is_gene(text: str, match: re.Match[str]) -> bool:
    """A gene or protein symbol (ACVR1, BMP4): capitals with a digit, not part of a variant."""
    symbol = match.group()
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return (any(c.isdigit() for c in symbol) and sum(c.isalpha() for c in symbol) >= 2
            and before not in ".>" and after not in ">")


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


def cloze(text: str, span: tuple[int, int]) -> tuple[str, str] | None:
    """(front with a gap, answer), or None when the answer is too much of the text."""
    plain = unmark(text)
    start, end = span
    answer = plain[start:end].strip()
    if not answer or len(answer) > MAX_ANSWER_SHARE * len(plain.strip()):
        return None
    return plain[:start] + CLOZE_GAP + plain[end:], answer


def explicit_basic(text: str) -> tuple[str, str] | None:
    if "::" not in text:
        return None
    match = _EXPLICIT_BASIC.match(unmark(text))
    if not match:
        return None
    return match.group("q").strip(), match.group("a").strip()


def explicit_clozes(text: str) -> list[tuple[str, str]]:
    """One (front, back) per cloze number of Anki-syntax ``{{c1::term}}`` markup."""
    if "{{c" not in text:
        return []
    plain = unmark(text)
    numbers = sorted({int(m.group(1)) for m in _EXPLICIT_CLOZE.finditer(plain)})
    cards = []
    for number in numbers:
        answers: list[str] = []

        def gap(match: re.Match[str], number: int = number, answers: list[str] = answers) -> str:
            if int(match.group(1)) == number:
                answers.append(match.group(2))
                return CLOZE_GAP
            return str(match.group(2))

        front = _EXPLICIT_CLOZE.sub(gap, plain)
        cards.append((front, "; ".join(answers)))
    return cards


def without_explicit_markup(text: str) -> str:
    """Text of an item with Anki cloze syntax reduced to its terms."""
    return _EXPLICIT_CLOZE.sub(lambda m: m.group(2), text)


def gives_away(answer: str, *texts: str) -> bool:
    """True when the answer, or one of its significant words, can be read in the texts."""
    shown = " ".join(texts)
    haystack = shown.casefold()
    if answer.casefold() in haystack:
        return True
    words = [w for w in _WORD.findall(answer.casefold()) if w not in _STOPWORDS]
    if words:
        # A word of the answer that begins a word shown ("ossification" in "ossifications").
        starts = " " + " ".join(_WORD_START.findall(haystack))
        if any(f" {w}" in starts for w in words):
            return True
    # An abbreviation in the answer ("FOP") gives it away as surely as its words do.
    return any(a in _ABBREVIATIONS_SHOWN.findall(shown) for a in _ABBREVIATIONS_SHOWN.findall(answer))


def is_lead_in(text: str) -> bool:
    return unmark(text).rstrip().endswith(":")


_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def without_parentheses(text: str) -> str:
    return _PARENTHESES.sub("", unmark(text)).strip()
