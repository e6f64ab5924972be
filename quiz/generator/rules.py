"""Rules that read one piece of text: sentences, definitions, labels, explicit cards, platitudes, and
the cloze itself (whether a front gives the answer away is in giveaways.py)."""

from __future__ import annotations

import functools
import re

from quiz.generator.targets.figures import Span
from quiz.generator.text import FUNCTION_WORDS, has_marks, marked_terms, unmark, word_set

CLOZE_GAP = "[...]"

_DEFINITION = re.compile(
    r"^(?P<term>[A-Z][^,;:()]{1,80}?)(?P<abbr>\s\([A-Z][A-Za-z0-9-]{1,12}\))?"
    r"\s(?:is|are)\s(?P<def>(?:the|a|an)\s.{8,})$"
)
_RANKING = re.compile(
    r"the (?:commonest|most|main|leading|first|second|third|best|only|usual|"
    r"preferred|least|emergency)\b|an? (?:option|alternative|choice)\b",
    re.IGNORECASE,
)
_EQUATION = re.compile(r"^(?P<term>[^=<>≤≥]{1,40}?)\s=\s(?P<def>[^=]{2,})$")
# "**Term** - explanation", "Term: value", "Term — value": a label and what it stands for.
_LABEL = re.compile(r"^(?P<term>[^:–—]{1,60}?)(?:\s[-–—]\s|:\s)(?P<def>\S.*)$")
_NOT_A_TERM = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "there",
    "a",
    "an",
    "its",
    "their",
    "such",
    "each",
    "every",
    "some",
    "most",
    "many",
    "one",
    "another",
    "which",
    "what",
}
# A label that opens a clause of circumstance, not a term: "In early stages: ...".
_CIRCUMSTANCE = re.compile(
    r"^(?:in|at|on|for|if|when|during|after|before|with|without|by|from|"
    r"once|while|until|since|as|to|note|nb|see|also|e\.g|i\.e)\b",
    re.IGNORECASE,
)
# Whole definition clauses end before a participle that adds a second fact ("..., occurring due to").
_SECOND_CLAUSE = re.compile(
    r",\s(?:occurring|resulting|caused|leading|which|characterised|"
    r"characterized|usually|typically|often|associated)\b|\s[-–—]\s|;\s"
)
_EXPLICIT_CLOZE = re.compile(r"\{\{c(\d+)::([^{}]+?)(?:::([^{}]*?))?\}\}")
# "Question :: Answer", and the Obsidian plug-in's "Question::Answer" (not Anki's "{{c1::").
_EXPLICIT_BASIC = re.compile(r"^(?P<q>[^{}]+?)(?<!\s)\s*+(?<!\{c\d)::\s*(?P<a>[^:{}].*)$")
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bal)(?<!\bapprox)(?<!\bca)(?<![A-Z])"
    r"([.!?])\s+(?=\x01?[A-Z(])"
)
# Words that make a sentence a platitude when nothing exact stands beside them.
_VAGUE = re.compile(
    r"\b(?:essential|important|importance|crucial|vital|key|paramount|significant|"
    r"significantly|substantially|appropriate|appropriately|critical|careful|"
    r"carefully|timely|prompt|optimal|comprehensive|holistic)\b",
    re.IGNORECASE,
)
_VAGUE_STEMS = (
    "essential",
    "important",
    "crucial",
    "vital",
    "key",
    "paramount",
    "significant",
    "substantial",
    "appropriate",
    "critical",
    "careful",
    "timely",
    "prompt",
    "optimal",
    "comprehensive",
    "holistic",
)
_VAGUE_WORDS = word_set(
    "essential important importance crucial vital key paramount significant "
    "significantly substantially appropriate appropriately critical careful "
    "carefully timely prompt optimal comprehensive holistic"
)
_DIGIT = re.compile(r"\d")
_LABEL_SEPARATOR = re.compile(r"\s?(?:[-–—]|:)\s")
_WORDS = re.compile(r"\w+")
_PAIR_BEFORE = re.compile(r"\s(?:>|<|→|vs\.?|versus)\s?$")
_PAIR_AFTER = re.compile(r"\s?(?:>|<|→|vs\.?|versus)\s")
# A cloze leaves at least two letters to read beside its gap ("RR [...]").
_ENOUGH_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)
_SCORE = re.compile(r"[+−-]?\d+(?:\.\d+)?(?:\s?points?)?")  # "seizure activity: −1", a score's item
_PAIR = re.compile(r"\s(?:>|<|→|vs\.?|versus)\s")

# An answer that is most of the text would blank the whole bullet.
MAX_ANSWER_SHARE = 0.8
DEFINITION_MAX_WORDS = 30
LABEL_MAX_WORDS = 6


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.sub(r"\1\n", text).split("\n") if part.strip()]


def definition(sentence: str) -> tuple[str, str] | None:
    """("What is X (ABBR)?", "Y") for a sentence "X (ABBR) is Y" or "X = Y", else None."""
    plain = unmark(sentence).rstrip(".")
    if " is " in plain or " are " in plain:
        match = _DEFINITION.match(plain)
        if match:
            term = match.group("term").strip()
            if term.split()[0].lower() in _NOT_A_TERM or len(term.split()) > 6:
                return None
            abbr = match.group("abbr") or ""
            subject = term if _is_proper(term) else term[0].lower() + term[1:]
            answer = _first_clause(match.group("def").strip())
            if _RANKING.match(answer):
                return None  # "X is the commonest cause of Y" ranks X; it does not say what X is
            return f"What is {subject}{abbr}?", answer[0].upper() + answer[1:]
    if " = " in plain:
        prefix, _, equation = plain.rpartition(": ")
        match = _EQUATION.match(equation)
        if (
            match
            and len(match.group("term").split()) <= LABEL_MAX_WORDS
            and not any(ch.isdigit() for ch in match.group("term").replace("₂", ""))
        ):
            term = match.group("term").strip()
            if prefix and len(prefix.split()) <= LABEL_MAX_WORDS:
                return f"{prefix}: what is {term}?", match.group("def").strip()
            return f"What is {term}?", match.group("def").strip()
    return None


def _first_clause(answer: str) -> str:
    second = _SECOND_CLAUSE.search(answer)
    return answer[: second.start()] if second else answer


@functools.lru_cache(maxsize=16384)
def label(text: str) -> tuple[str, str, str] | None:
    """(term, value, separator) for "**Term** - value" and "Term: value" lines whose term is a term,
    not a clause ("In early stages: ..." is context for what follows, not a term to define)."""
    plain = unmark(text)
    if ":" not in plain and " - " not in plain and " – " not in plain and " — " not in plain:
        return None
    match = _LABEL.match(plain)
    if not match:
        return None
    term, value = match.group("term").strip(), match.group("def").strip().rstrip(".")
    separator = ":" if plain[len(match.group("term")) :].lstrip().startswith(":") else "-"
    if (
        not term
        or len(term.split()) > LABEL_MAX_WORDS
        or _CIRCUMSTANCE.match(term)
        or value.endswith(":")
        or term.split()[0].lower() in _NOT_A_TERM
        or len(value.split()) > DEFINITION_MAX_WORDS
        or _PAIR.search(term)
        or not (any(ch.isalpha() for ch in value) or _SCORE.fullmatch(value))
    ):
        return None
    return term, value, separator


def label_span(text: str) -> Span | None:
    """The span of a marked label at the start ("**Oxygen** - target..."), which is a term to ask
    both ways, not the author's only marked term."""
    if not text.startswith("\x01"):
        return None
    spans = marked_terms(text)
    if not spans or spans[0][0] != 0:
        return None
    plain = unmark(text)
    end = spans[0][1]
    if _LABEL_SEPARATOR.match(plain, end) or plain[end : end + 1] == ":":
        return spans[0]
    return None


def _is_proper(term: str) -> bool:
    first = term.split()[0]
    return first.isupper() or (len(term.split()) > 1 and all(w[:1].isupper() for w in term.split()))


def is_platitude(sentence: str) -> bool:
    """ "Early recognition and appropriate management are essential...": vague words and nothing
    exact (no figure, no technical term marked or found) to recall."""
    plain = unmark(sentence)
    lowered = plain.lower()
    if not any(stem in lowered for stem in _VAGUE_STEMS):
        return False
    words = _VAGUE_WORDS.intersection(_WORDS.findall(plain.lower()))
    if not words or _DIGIT.search(plain):
        return False
    return len(_VAGUE.findall(plain)) >= 2 or "essential" in words or "important" in words


def cloze(text: str, span: Span) -> tuple[str, str] | None:
    """(front with a gap, answer), or None when too little of the text would be left to read."""
    plain = unmark(text)
    start, end = span
    answer = plain[start:end].strip()
    visible = plain[:start] + plain[end:]
    if (
        not answer
        or len(answer) > MAX_ANSWER_SHARE * len(plain.strip())
        or _ENOUGH_LETTERS.search(visible) is None
    ):
        return None
    if (
        len(answer) < 8
        and not any(ch.isdigit() for ch in answer)
        and all(w.lower() in FUNCTION_WORDS for w in _WORDS.findall(answer))
    ):
        return None  # "and", "the": nothing to recall
    return plain[:start] + CLOZE_GAP + plain[end:], answer


def in_pair(text: str, span: Span) -> bool:
    """True for one half of an ordered pair ("axial > appendicular"): the other half, left on the
    front, gives it away."""
    plain = unmark(text)
    before, after = plain[max(0, span[0] - 12) : span[0]], plain[span[1] : span[1] + 12]
    return bool(_PAIR_BEFORE.search(before) or _PAIR_AFTER.match(after))


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


# A line about the note itself, not about medicine: its sources, where else to look.
_META_START = re.compile(
    r"(?:see(?: also)?\b|cf\.|notes? (?:from|on|for)\b|(?:main )?sources?\b|"
    r"references?:|based on\b|adapted from\b|taken from\b|summari[sz]ed from\b|"
    r"pulled together\b|compiled from\b|related\b|links?:|back to\b|"
    r"mostly (?:from|nice|based)\b|written (?:up )?(?:after|from|during|for)\b)",
    re.IGNORECASE,
)
_META_ANYWHERE = (" live in ", "see also", "this note", "these notes", "my notes")


@functools.lru_cache(maxsize=16384)
def is_meta(text: str) -> bool:
    plain = unmark(text).strip()
    lowered = f" {plain.lower()} "
    return _META_START.match(plain) is not None or any(cue in lowered for cue in _META_ANYWHERE)


@functools.lru_cache(maxsize=16384)
def is_lead_in(text: str) -> bool:
    end = text.rstrip()
    return end.endswith(":") or end.endswith(":\x02")


# [^()]: linear on "((((" with no ")"; (?<!\s): a run of spaces tried once, from its start.
_PARENTHESES = re.compile(r"(?<!\s)\s*\([^()]*\)")


def without_parentheses(text: str) -> str:
    return _PARENTHESES.sub("", unmark(text)).strip()


def marked_spans(text: str) -> list[Span]:
    """The author's marked terms; a mark on a word's first letters ("**G**allstones", a mnemonic's
    letter) marks no term."""
    if not has_marks(text):
        return []
    plain = unmark(text)
    return [
        (start, end)
        for start, end in marked_terms(text)
        if not (end < len(plain) and plain[end].isalnum()) and not (start and plain[start - 1].isalnum())
    ]
