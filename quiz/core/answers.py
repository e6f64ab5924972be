"""Typed answers judged like a clinician: exact parts exactly, words up to a typo, a list item by item,
and the grade that suggests (pure). What counts as an exact part lives in quiz.core.exact, the forms
an expected answer takes (items, "Full Name (ABBR)") in quiz.core.forms.

The suggested grade (the README's "Typed answers" states the same rule):
- nothing typed: 0;
- one answer: its similarity (the share of its parts typed, each word scored by how close it is,
  extra typed words costing a quarter each) gives 5 from 97%, 4 from 88%, 3 from 75%, 2 from 55%,
  else 1; a part that must be exact and was not typed leaves it at 2 at most;
- a list (a list card's lines, or items joined by ";" or "a, b, and c"): every item recalled gives 4
  (5 if each is word-perfect), two thirds or more 3, some 2, none 1; an item is recalled when it
  would pass on its own (75%, every exact part present);
- any exact part typed wrong (a number, unit, comparator, range, gene or protein symbol, variant,
  ordering, or a real word typed in place of another, such as "decreased" for "increased") caps
  the grade at 2, a fail; so does an exact part typed that the answer does not hold ("ACVR1 or
  ACVR2").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from quiz.core.exact import (
    KNOWN_ZIPF,
    RARE_ZIPF,
    Token,
    code,
    fold,
    plain,
    same_token,
    tokens,
    word_score,
    words,
    zipf,
)
from quiz.core.forms import abbreviations as abbreviations
from quiz.core.forms import alternatives, expand, inside_parentheses, items, spaced_symbols, undefined

_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_PIECE = re.compile(r"\n|;|,(?!\d)")  # where a typed list breaks into pieces (not "10,000")
STOPWORDS = frozenset(
    words(
        "a an the of in on at to for with by and or as from such some its their is are be been than that "
        "this these those which who whose into onto via"
    )
)
# Words that name a kind of thing, not the thing ("Hereditary Forms"): counted when typed, not required.
GENERIC = frozenset(
    fold(w) for w in words("form forms type types kind kinds category categories case cases stage stages")
)

# Similarity (0-100) needed for each suggested grade of one answer, best first.
SUGGESTIONS = ((97.0, 5), (88.0, 4), (75.0, 3), (55.0, 2), (1.0, 1))
RECALLED = 75.0  # an item of a list counts when it would pass on its own
PERFECT = 97.0
EXTRA_WORD = 0.25  # a typed word the answer does not hold costs a quarter of a word
WRONG_RATIO = 70.0  # a typed word this close to a missing one was meant for it: a wrong word
FAIL_CAP = 2  # the best grade a wrong exact part leaves
LIST_SHARE = 2 / 3


@dataclass(frozen=True)
class Mark:
    """One exact part of the answer (or a word typed as another): matched, missed or wrong."""

    expected: str
    status: str  # matched, missed or wrong
    typed: str = ""


@dataclass(frozen=True)
class ItemResult:
    """One item of the expected answer and what was typed for it, as typed."""

    expected: str
    recalled: bool
    similarity: float
    typed: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A typed answer judged: each item, the exact parts typed that the answer does not hold, and
    the suggested grade."""

    similarity: float
    suggested: int
    items: tuple[ItemResult, ...] = ()
    extra: tuple[str, ...] = ()
    typed: str = ""
    is_list: bool = field(default=False)

    @property
    def recalled(self) -> int:
        return sum(1 for item in self.items if item.recalled)

    @property
    def wrong(self) -> bool:
        return bool(self.extra) or any(m.status == "wrong" for i in self.items for m in i.marks)


@dataclass
class _Pool:
    """What was typed, parts and words, each used by one item at most; ``spans`` says where each
    part and word was typed: (piece of the typed answer, start, end), parts first."""

    tokens: list[Token]
    words: list[str]
    used_tokens: set[int] = field(default_factory=set)
    used_words: set[int] = field(default_factory=set)
    spans: list[tuple[int, int, int]] = field(default_factory=list)


def _pool(typed: str, known: Mapping[str, str], expected: str) -> tuple[_Pool, list[tuple[str, bool]]]:
    """The typed parts and words, piece by piece (split at ";", "," and line ends outside
    parentheses), with each piece as typed and whether positions in it are as typed."""
    pool = _Pool([], [])
    word_spans: list[tuple[int, int, int]] = []
    pieces: list[tuple[str, bool]] = []
    symbols = tokens(expected)[0]
    for piece in _split(typed):
        text = spaced_symbols(expand(undefined(piece), known, typed=True), symbols)
        found, rest = tokens(text, typed=True)
        pool.tokens.extend(found)
        pool.spans.extend((len(pieces), t.start, t.start + len(t.text)) for t in found)
        for position, word in _words(rest):
            pool.words.append(word)
            word_spans.append((len(pieces), position, position + len(word)))
        pieces.append((piece, plain(text) == piece))
    pool.spans.extend(word_spans)
    return pool, pieces


def _split(typed: str) -> list[str]:
    parts, start = [], 0
    for match in _PIECE.finditer(typed):
        before = typed[start : match.start()]
        if typed[: match.start()].count("(") == typed[: match.start()].count(")"):
            if before.strip():
                parts.append(before)
            start = match.end()
    if typed[start:].strip():
        parts.append(typed[start:])
    return parts


def _as_typed(spans: list[list[tuple[int, int, int]]], pieces: list[tuple[str, bool]]) -> list[str]:
    """What each item's parts and words were typed as: the pieces of the typed answer they came
    from, or within a piece that answers several items, the stretch from its first to its last."""
    owners: dict[int, int] = {}
    for used in spans:
        for piece in {p for p, _s, _e in used}:
            owners[piece] = owners.get(piece, 0) + 1
    out = []
    for used in spans:
        shown = []
        for piece in sorted({p for p, _s, _e in used}):
            text, exact = pieces[piece]
            if owners[piece] > 1 and exact:
                starts, ends = zip(*((s, e) for p, s, e in used if p == piece), strict=True)
                text = text[min(starts) : max(ends)]
            shown.append(text.strip())
        out.append("; ".join(shown))
    return out


def _words(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _WORDS.finditer(text) if m.group().casefold() not in STOPWORDS]


def _judge(item: str, pool: _Pool, shown: set[str], known: Mapping[str, str]) -> tuple[float, ItemResult]:
    """Match one expected item against the typed pool (marking what it uses); its score and result."""
    text = expand(item, known, typed=False)
    found, rest = tokens(text)
    asides = inside_parentheses(text)

    def optional(position: int, word: str = "") -> bool:
        return any(a <= position <= b for a, b in asides) or (bool(word) and fold(word) in shown)

    marks: list[Mark] = []
    scores: list[float] = []
    pending_tokens: list[Token] = []
    for token in found:
        index = next(
            (i for i, t in enumerate(pool.tokens) if i not in pool.used_tokens and same_token(token, t)), None
        )
        if index is not None:
            pool.used_tokens.add(index)
        elif token.kind == "code":
            index = next(
                (
                    i
                    for i, w in enumerate(pool.words)
                    if i not in pool.used_words and code(w) in (token.canonical, token.canonical + "s")
                ),
                None,
            )
            if index is not None:
                pool.used_words.add(index)
        if index is not None:
            marks.append(Mark(token.text, "matched", token.text))
            scores.append(100.0)
        else:
            pending_tokens.append(token)
    pending_words: list[str] = []
    content = _words(rest)
    every_word_shown = all(fold(w) in shown for _p, w in content)
    for position, word in content:
        best: tuple[float, int] | None = None
        for i, typed in enumerate(pool.words):
            score = None if i in pool.used_words else word_score(word, typed)
            if score is not None and (best is None or score > best[0]):
                best = (score, i)
        if best is not None:
            pool.used_words.add(best[1])
            scores.append(best[0])
        elif not optional(position, "" if every_word_shown else word) and fold(word) not in GENERIC:
            pending_words.append(word)
            scores.append(0.0)
    for token in pending_tokens:
        family = token.canonical[:2] if token.kind == "variant" else token.kind
        index = next(
            (
                i
                for i, t in enumerate(pool.tokens)
                if i not in pool.used_tokens
                and (t.canonical[:2] if t.kind == "variant" else t.kind) == family
            ),
            None,
        )
        symbol = next(
            (
                i
                for i, w in enumerate(pool.words)
                if token.kind == "code" and i not in pool.used_words and len(w) > 1 and w.isupper()
            ),
            None,
        )
        if index is not None:
            pool.used_tokens.add(index)
            marks.append(Mark(token.text, "wrong", pool.tokens[index].text))
            scores.append(0.0)
        elif symbol is not None:  # "MRI" typed for "CT": another symbol
            pool.used_words.add(symbol)
            marks.append(Mark(token.text, "wrong", pool.words[symbol]))
            scores.append(0.0)
        elif not optional(token.start):
            marks.append(Mark(token.text, "missed"))
            scores.append(0.0)
    for word in pending_words:
        for i, typed in enumerate(pool.words):
            if i in pool.used_words or fuzz.ratio(fold(word), fold(typed)) < WRONG_RATIO:
                continue
            if zipf(typed) >= KNOWN_ZIPF or zipf(word) < RARE_ZIPF:
                pool.used_words.add(i)
                marks.append(Mark(word, "wrong", typed))
                break
    similarity = sum(scores) / max(1, len(scores))
    recalled = similarity >= RECALLED and all(m.status == "matched" for m in marks)
    # What was typed for it is filled in by compare(), which sees every item's share of the answer.
    return similarity, ItemResult(item, recalled, round(similarity, 1), "", tuple(marks))


def _best(item: str, pool: _Pool, shown: set[str], known: Mapping[str, str]) -> ItemResult:
    """The item judged in its best accepted form (full name or abbreviation)."""
    best: tuple[tuple[bool, float], ItemResult, set[int], set[int]] | None = None
    for form in alternatives(item):
        trial = _Pool(pool.tokens, pool.words, set(pool.used_tokens), set(pool.used_words), pool.spans)
        similarity, result = _judge(form, trial, shown, known)
        rank = (result.recalled, similarity)
        if best is None or rank > best[0]:
            best = (rank, result, trial.used_tokens, trial.used_words)
    assert best is not None
    pool.used_tokens, pool.used_words = best[2], best[3]
    return ItemResult(item, best[1].recalled, best[1].similarity, best[1].typed, best[1].marks)


def suggest(found: tuple[ItemResult, ...], similarity: float, wrong: bool, is_list: bool) -> int:
    """The grade the module's rule gives (see its docstring)."""
    if is_list:
        recalled = sum(1 for i in found if i.recalled)
        if recalled == len(found):
            grade = 5 if all(i.similarity >= PERFECT for i in found) else 4
        elif recalled >= LIST_SHARE * len(found):
            grade = 3
        else:
            grade = 2 if recalled else 1
    else:
        grade = next((g for threshold, g in SUGGESTIONS if similarity >= threshold), 1)
        if any(m.status != "matched" for m in found[0].marks):
            grade = min(grade, FAIL_CAP)
    return min(grade, FAIL_CAP) if wrong else grade


def compare(typed: str, expected: str, known: Mapping[str, str] | None = None, shown: str = "") -> Comparison:
    """Judge a typed answer against the expected one; ``known`` holds the deck's abbreviations,
    ``shown`` the card's front (on a list card, words it shows need not be typed)."""
    known = known or {}
    expected_items = items(expected)
    is_list = len(expected_items) > 1
    if not typed.strip():
        missed = tuple(ItemResult(i, False, 0.0, "") for i in expected_items)
        return Comparison(0.0, 0, missed, (), typed, is_list)
    pool, pieces = _pool(typed, known, expected)
    front_words = (
        {fold(w) for _p, w in _words(expand(shown, known, typed=True))} if "\n" in expected else set()
    )
    judged, spans = [], []
    for item in expected_items:
        tokens_before, words_before = set(pool.used_tokens), set(pool.used_words)
        judged.append(_best(item, pool, front_words, known))
        used = sorted(pool.used_tokens - tokens_before) + [
            len(pool.tokens) + i for i in sorted(pool.used_words - words_before)
        ]
        spans.append([pool.spans[i] for i in used])
    found = tuple(replace(r, typed=t) for r, t in zip(judged, _as_typed(spans, pieces), strict=True))
    front_tokens = {t.canonical for t in tokens(shown)[0]}
    extra = tuple(
        t.text
        for i, t in enumerate(pool.tokens)
        if i not in pool.used_tokens and t.canonical not in front_tokens
    )
    if is_list:
        similarity = sum(i.similarity for i in found) / len(found)
    else:
        left = len(pool.words) - len(pool.used_words)
        similarity = found[0].similarity / (1 + EXTRA_WORD * left / max(1, _parts(expected_items[0])))
    wrong = bool(extra) or any(m.status == "wrong" for i in found for m in i.marks)
    grade = suggest(found, similarity, wrong, is_list)
    return Comparison(round(similarity, 1), grade, found, extra, typed, is_list)


def _parts(item: str) -> int:
    found, rest = tokens(item)
    return len(found) + len(_words(rest))
