"""What is worth a cloze in one piece of text, found without markup: every target, longest first where
two overlap; gene symbols, variants, examples and abbreviated terms are found here, figures in
figures.py, enumerations, causes and risks, and technical terms in terms.py."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from quiz.generator.targets.figures import Span, figures
from quiz.generator.targets.terms import cues, enumerations, terms

_SYMBOL = re.compile(
    r"\b[A-Z][A-Z0-9]{1,9}\b(?:\s(?:inhibitors?|blockers?|antagonists?|agonists?|"
    r"receptors?|antibod(?:y|ies))\b)?"
)
_VARIANT = re.compile(
    r"(?<!\w)(?:c\.[0-9_+*-]+[ACGT]+>[ACGT]+"
    r"|p\.(?:\([A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}\)|[A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}))"
)
_EXAMPLE = re.compile(
    r"\b(?:such as|e\.g\.,?|eg\b,?|for example,?|like)\s+"
    r"([^,;)(]+?)(?=\s*(?:[,;)]|$|\.\s|\.$))"
)
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9]*[A-Z0-9]s?)(?=[,;)])")
_CUE_HINTS = ("risk", "mimic", "secondary", "lead", "result", "complicat", "indicat", "treated", "choice")
_GUIDELINE = re.compile(r"(?:CG|NG|TA|QS|PH|DG|NICE)\d+$")
_ABBREVIATION_AFTER = re.compile(r"\s?\(([A-Z][A-Za-z0-9]*[A-Z0-9]s?)(\)|[,;]\s*)")
NAME_MAX_WORDS = 4
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Target:
    span: Span
    kind: str  # figure | symbol | variant | example | abbreviation | enumeration | cue | term


def is_gene(text: str, match: re.Match[str]) -> bool:
    """A gene or protein symbol (ACVR1, BMP4): capitals with a digit, not part of a variant."""
    symbol = match.group()
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    # A guideline's code ("NICE NG51", "CG141") is a document's name, not a gene.
    if _GUIDELINE.match(symbol) or text[max(0, match.start() - 5) : match.start()].strip() in (
        "NICE",
        "SIGN",
    ):
        return False
    return (
        any(c.isdigit() for c in symbol)
        and sum(c.isalpha() for c in symbol) >= 2
        and before not in ".>-"
        and after not in ">-"
    )


def expansion(text: str, paren_start: int, abbr: str) -> Span | None:
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
            if part:
                initials.append((part[0].upper(), offset))
            offset += len(part) + 1
    tail = initials[-len(letters) :]
    if len(tail) == len(letters) and [c for c, _ in tail] == letters:
        return tail[0][1], len(text[:paren_start].rstrip())
    return None


def with_abbreviation(text: str, span: Span) -> tuple[str, str] | None:
    """(front, answer) with the gap grown over an abbreviation that stands right after the span,
    "(MSCs)" or "(NSAIDs, such as ...)": left on the front, it would give the answer away. None
    when no abbreviation follows."""
    start, end = span
    if "(" not in text[end : end + 3]:
        return None
    match = _ABBREVIATION_AFTER.match(text, end)
    if not match:
        return None
    answer = f"{text[start:end].strip()} ({match.group(1)})"
    after = text[match.end() :]
    if match.group(2) == ")":
        return f"{text[:start]}\x00{after}", answer
    # "(NSAIDs, such as indomethacin)": the rest of the parentheses stays on the front.
    return f"{text[:start]}\x00 ({after}", answer


def _variants(text: str) -> list[Span]:
    """Variant notations; the cDNA and protein forms of one variant side by side ("c.617G>A;
    p.R206H") are one answer: either on the front gives the other away."""
    spans: list[Span] = []
    for match in _VARIANT.finditer(text):
        if spans and re.fullmatch(r"[;,]?\s*\(?", text[spans[-1][1] : match.start()]):
            spans[-1] = (
                spans[-1][0],
                match.end()
                + (
                    1
                    if text[spans[-1][1] : match.start()].endswith("(")
                    and text[match.end() : match.end() + 1] == ")"
                    else 0
                ),
            )
        else:
            spans.append(match.span())
    return spans


def salient(text: str, avoid: str) -> list[Target]:
    """Every target in the text, longest first where two overlap, in text order."""
    found: list[Target] = []
    has_digit = _DIGIT.search(text) is not None
    if has_digit:
        found += [Target(span, "variant") for span in _variants(text)]
        found += [Target(s, "figure") for s in figures(text)]
        found += [Target(m.span(), "symbol") for m in _SYMBOL.finditer(text) if is_gene(text, m)]
    lowered = text.lower()
    if (
        "such as" in lowered
        or "e.g" in lowered
        or "eg" in lowered
        or "example" in lowered
        or " like " in lowered
    ):
        for match in _EXAMPLE.finditer(text):
            term = match.group(1).strip()
            if term and len(term.split()) <= 4:
                found.append(Target((match.start(1), match.start(1) + len(term)), "example"))
    if "(" in text:
        for match in _ABBREVIATION.finditer(text):
            span = expansion(text, match.start(), match.group(1))
            if span:
                found.append(Target(span, "abbreviation"))
    found += [Target(s, "enumeration") for s in enumerations(text, avoid)]
    if any(hint in lowered for hint in _CUE_HINTS):
        found += [Target(s, "cue") for s in cues(text)]
    if len(text.split()) > NAME_MAX_WORDS and not found:
        # A bare name ("Progressive osseous heteroplasia") is recalled whole, in its list; and where
        # a figure, a cause or a list says what matters, a rare word beside it is not the point.
        found += [
            Target(s, "term")
            for s in terms(text, avoid)
            # "than [...]" and "casting or [...]": an open comparison, a near-synonym
            if not text[: s[0]].endswith(("than ", " or ")) and "/" not in text[max(0, s[0] - 1) : s[1] + 1]
        ]
    return _without_overlaps(found)


_PRIORITY = {
    "variant": 0,
    "figure": 0,
    "symbol": 0,
    "abbreviation": 1,
    "example": 1,
    "enumeration": 2,
    "cue": 3,
    "term": 4,
}


def _without_overlaps(targets: list[Target]) -> list[Target]:
    # Exact kinds (figures, symbols) first, then the longer span: a figure inside an enumeration
    # is asked on its own; an enumeration swallows the rare words in it.
    if len(targets) < 2:
        return targets
    kept: list[Target] = []
    starts: list[int] = []  # the kept spans, in text order (they never overlap)
    ends: list[int] = []
    order = sorted(
        set(targets),
        key=lambda t: (_PRIORITY[t.kind] > 0, -(t.span[1] - t.span[0]), _PRIORITY[t.kind], t.span[0]),
    )
    for target in order:
        start, end = target.span
        if end <= start:
            continue
        at = bisect.bisect_left(starts, start)
        if (at < len(starts) and starts[at] < end) or (at > 0 and ends[at - 1] > start):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        kept.append(target)
    return sorted(kept, key=lambda t: t.span)
