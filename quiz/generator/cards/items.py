"""The cards one item makes: its own explicit cards, clozes on its terms and figures (a table
row's on each cell), and the fallback for an item that made none."""

from __future__ import annotations

import itertools
import re

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.generator import giveaways, rules
from quiz.generator.cards.drafting import Collector, fit, is_plain, lead_of
from quiz.generator.document import Item
from quiz.generator.targets import figures, salient, terms
from quiz.generator.text import has_marks, unmark, word_set

_RELATIVE_ROW = re.compile(
    r"(?:everyone|everybody|all other|all others|other|others|rest|the rest|"
    r"remaining|else|otherwise|none of the above)\b",
    re.IGNORECASE,
)
_DEFAULT_CELL = re.compile(r"^(?:-|–|—|present|absent|yes|no|n/?a|nil|\?|x|✓|✔)$", re.IGNORECASE)
_NUMBER_ONLY = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_BANDS = re.compile(r"\s+/\s+")
_PRONOUN_START = re.compile(
    r"(?:it|its|they|their|this|these|those|both|neither|either|such|he|she|"
    r"levels?|the same)\b",
    re.IGNORECASE,
)
# A figure restated in another unit beside the gap: "PaCO₂ [...] (32 mmHg)", "<4.3 kPa ([...])".
# The second form is tried once per word, from the word's start, and never gives back what it
# took: tried at every digit it was cubic in a long word of digits ("1_1_1...").
_RESTATED = re.compile(
    r"\[\.\.\.\]\s?\(\s?[<>≤≥~]?\s?\d[^()]{0,20}\)"
    r"|(?<![^\s()])[^\s()\d]*+\d[^\s()]*+\s?\w*+\s?\(\[\.\.\.\]\)"
)
# A short gloss right after the gap: "[...] (the -gliflozins)", "[...] sign (periumbilical bruising)".
_GLOSS = re.compile(
    r"\[\.\.\.\](?:\s\w+)?\s\((?!\d)"
    r"(?!(?:can|may|might|mimics?|e\.g|eg|such|see|as|or|and)\b)[^()\d\s]+(?:\s[^()\d\s]+){0,3}\)"
)
_GAP_BEFORE_EXAMPLE = re.compile(r"\[\.\.\.\]\s\((?:such as|e\.g\.|eg|including)\s")
ROW_VALUE_MAX_WORDS = 12
MAX_TARGETS = 12
_NOTE_COLUMNS = word_set(
    "notes note comments comment remarks details other description explanation additional info information"
)


def item_cards(out: Collector, path: tuple[str, ...], item: Item) -> None:
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    avoid = breadcrumb.casefold()
    text = item.text
    basic = rules.explicit_basic(text)
    if basic:
        out.add(path, "explicit", basic[0], basic[1], [item], item.references, unmark(text))
        return
    explicit = rules.explicit_clozes(text)
    for front, back in explicit:
        lead = lead_of(item)
        out.add(
            path,
            "explicit",
            f"{lead}: {front}" if lead else front,
            back,
            [item],
            item.references,
            unmark(text),
        )
    if explicit or item.links_only or rules.is_lead_in(text):
        return
    if item.kind == "row" and len(item.cells) > 1:
        _row_cards(out, path, item, path[-1])
        return
    pieces = rules.sentences(text) if item.kind == "paragraph" else [text]
    previous = ""
    for piece in pieces:
        if rules.is_meta(piece):
            previous = ""
            continue
        if previous and _PRONOUN_START.match(unmark(piece)):
            # "It blocks...": the sentence before says what "it" is, and leads the card.
            _piece_cards(out, path, item, piece, breadcrumb, avoid, lead=previous)
        else:
            _piece_cards(out, path, item, piece, breadcrumb, avoid)
        previous = unmark(piece)


def _piece_cards(
    out: Collector,
    path: tuple[str, ...],
    item: Item,
    piece: str,
    breadcrumb: str,
    avoid: str,
    context: int = 0,
    lead: str | None = None,
) -> None:
    """Cards from one sentence or bullet. `context` is the length of a lead the piece starts with
    (a table row's label before a remark): context only, never asked, and no label card."""
    plain = unmark(piece)
    marked = has_marks(piece)
    if rules.is_platitude(piece) and not marked:
        return
    found = rules.definition(piece)
    if found:
        out.add(path, "definition", found[0], found[1], [item], item.references, plain)
    label_span = rules.label_span(piece)
    author_spans = [s for s in rules.marked_spans(piece) if s != label_span]
    spans = author_spans
    labelled = rules.label(piece) if not context else None
    label = labelled if not found else None
    if not spans:
        found_targets = salient.salient(plain, avoid)
        # A rare word inside a "Label: value" line's label is part of the name being defined.
        label_end = len(labelled[0]) if labelled is not None else (label_span[1] if label_span else 0)
        spans = [t.span for t in found_targets if t.kind != "term" or t.span[0] >= label_end]
        if label_span is not None:
            spans = [s for s in spans if s[1] <= label_span[0] or s[0] >= label_span[1]]
    if label_span is not None and not terms.is_term_label(plain[label_span[0] : label_span[1]]):
        label_span = None
    author_marked = bool(author_spans)
    value_start = len(plain) - len(label[1]) if label is not None else 0
    # A target that is most of the value (an enumeration) asks what the label card would.
    covering = [
        s for s in spans if s[0] >= value_start - 1 and (s[1] - s[0]) * 10 >= 6 * (len(plain) - value_start)
    ]
    if (
        label is not None
        and not covering
        and (label_span is not None or not [s for s in spans if s[0] >= len(label[0])])
    ):
        # "**Term** - value" defines the term; "Term: value" with nothing else to ask in the value
        # asks for the value.
        term, value, _separator = label
        front = f"{term}: {rules.CLOZE_GAP}"
        if not giveaways.gives_away(value, f"{breadcrumb} {term}"):
            out.add(
                path,
                "definition",
                fit(lead_of(item), front, len(front)),
                value,
                [item],
                item.references,
                plain,
            )
    if label_span is not None:
        spans = sorted([*spans, label_span])
    # A line with more to ask than this is no single fact; and a hostile one costs no more.
    for span in spans[:MAX_TARGETS]:
        if span[0] < context:
            continue
        if rules.in_pair(plain, span):
            continue
        made = rules.cloze(plain, span)
        if made is None:
            continue
        front, answer = made
        grown = salient.with_abbreviation(plain, span)
        if grown is not None:
            front, answer = grown[0].replace("\x00", rules.CLOZE_GAP), grown[1]
        if "(" in front and (
            _GAP_BEFORE_EXAMPLE.search(front)
            or _RESTATED.search(front)
            or (_GLOSS.search(front) and not figures.figures(answer))
        ):
            # "[...] (such as indomethacin)": the example names its class; "<4.3 kPa ([...])",
            # "[...] (the -gliflozins)": the front says it again.
            continue
        front = fit(lead.rstrip(" .:") if lead else lead_of(item), front, front.find(rules.CLOZE_GAP))
        shown = f"{breadcrumb} {front}"
        if author_marked and span != label_span:
            leaks = giveaways.shows_verbatim(answer, shown)
        else:
            leaks = giveaways.gives_away(answer, shown)
        if leaks:
            continue
        out.add(path, "cloze", front, answer, [item], item.references, plain)


def fallback_cards(out: Collector, path: tuple[str, ...], item: Item) -> None:
    """A line no rule found anything in: ask for what its verb acts on, if that is safe to ask."""
    if item.kind == "row" or not is_plain(item) or has_marks(item.text):
        return
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    pieces = rules.sentences(item.text) if item.kind == "paragraph" else [item.text]
    for piece in pieces:
        plain = unmark(piece)
        span = terms.main_object(plain, breadcrumb.casefold())
        if span is None or rules.is_platitude(plain):
            continue
        made = rules.cloze(plain, span)
        if made is None or giveaways.gives_away(made[1], f"{breadcrumb} {made[0]}"):
            continue
        out.add(
            path,
            "cloze",
            fit(lead_of(item), made[0], made[0].find(rules.CLOZE_GAP)),
            made[1],
            [item],
            item.references,
            plain,
        )


def _row_cards(out: Collector, path: tuple[str, ...], item: Item, section_title: str) -> None:
    """A table row: per column, the cell's value given its row and column headers."""
    label_header, label = item.cells[0]
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    if not label or _RELATIVE_ROW.match(label):
        return  # "Everyone else", "All other diagnoses": a row that means something only beside others
    cells = [(h, v) for h, v in item.cells[1:] if h and v and not _DEFAULT_CELL.match(v)]
    if cells and all(_NUMBER_ONLY.match(h) for h, _ in cells):
        # A score table ("Variable | 0 | 1 | 2 | 3"): each cell's value, asked for its points.
        for header, value in cells:
            for part in _BANDS.split(value):
                front = f"{section_title} — {label}: {part}?"
                out.add(
                    path, "definition", front, header, [item], item.references, f"{label}: {part}; {header}"
                )
        return
    banded = _banded(cells)
    for header, value in cells:
        if (
            header.casefold() in _NOTE_COLUMNS
            or len(value.split()) > ROW_VALUE_MAX_WORDS
            or (len(figures.figures(value)) > 1 and not banded)
        ):
            # A column of remarks holds sentences, not a value: asked as sentences about the row.
            for sentence in rules.sentences(value):
                _piece_cards(
                    out,
                    path,
                    item,
                    f"{label}: {sentence}",
                    breadcrumb,
                    breadcrumb.casefold(),
                    context=len(label) + 2,
                )
            continue
        if banded and header == banded[1]:
            continue  # asked with its bands, below
        if banded and header == banded[0]:
            # "Urea 6.5-7.9 / 8.0-9.9 | 2 / 3": one card a band, its points the answer.
            for part, points in zip(_BANDS.split(value), _BANDS.split(dict(cells)[banded[1]]), strict=True):
                front = f"{label} {part} — {banded[1]}?"
                out.add(
                    path,
                    "definition",
                    front,
                    points,
                    [item],
                    item.references,
                    f"{label} {part}; {banded[1]}: {points}",
                )
            continue
        front = f"{label} — {header}?"
        if (
            giveaways.gives_away(value, f"{breadcrumb} {front}")
            and not value.strip("<>≤≥ ").replace(".", "").isdigit()
        ):
            continue
        out.add(
            path,
            "definition",
            front,
            value,
            [item],
            item.references,
            f"{label_header}: {label}; {header}: {value}",
        )


def _banded(cells: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (value column, points column) of a row whose cells list bands side by side
    ("6.5-7.9 / 8.0-9.9" beside "2 / 3"), or None."""
    for (header, value), (other, points) in itertools.pairwise(cells):
        parts, scores = _BANDS.split(value), _BANDS.split(points)
        if len(parts) == len(scores) > 1 and all(_NUMBER_ONLY.match(p) for p in scores):
            return header, other
    return None
