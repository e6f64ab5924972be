"""Card drafts from a parsed Document, section by section, as decks.md lays down and cards.md judges:
one fact a card, the nearest lead-in for context, nothing on the front that gives the answer away."""

from __future__ import annotations

import functools
import hashlib
import itertools
import re

from quiz.core.drafts import BREADCRUMB_SEPARATOR, CardDraft
from quiz.generator import rules, targets
from quiz.generator.document import Document, Item, Section
from quiz.generator.text import has_marks, slug, unmark, word_set

LIST_MIN, LIST_MAX = 2, 5
LIST_ITEM_MAX_WORDS = 8
LIST_MAX_THINGS = 8
_PARTS = re.compile(r",\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
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
_RESTATED = re.compile(r"\[\.\.\.\]\s?\(\s?[<>≤≥~]?\s?\d[^()]{0,20}\)|\d[^\s()]*\s?\w*\s?\(\[\.\.\.\]\)")
# A short gloss right after the gap: "[...] (the -gliflozins)", "[...] sign (periumbilical bruising)".
_GLOSS = re.compile(
    r"\[\.\.\.\](?:\s\w+)?\s\((?!\d)"
    r"(?!(?:can|may|might|mimics?|e\.g|eg|such|see|as|or|and)\b)[^()\d\s]+(?:\s[^()\d\s]+){0,3}\)"
)
_GAP_BEFORE_EXAMPLE = re.compile(r"\[\.\.\.\]\s\((?:such as|e\.g\.|eg|including)\s")
_STATEMENT = re.compile(
    r"\b(?:is|are|was|were|has|have|had|can|could|may|might|should|must|will|than|"
    r"useful|helps?)\b",
    re.IGNORECASE,
)
WHICH_MAX_OPTIONS = 6
FRONT_MAX_WORDS = 45
ROW_VALUE_MAX_WORDS = 12
MAX_TARGETS = 12
_NOTE_COLUMNS = word_set(
    "notes note comments comment remarks details other description explanation additional info information"
)
# Headings that name a part of a note, not a thing: never the answer to a "which" card.
_GENERIC = word_set(
    "overview summary introduction background definition definitions aetiology "
    "etiology causes epidemiology pathophysiology pathology presentation features "
    "signs symptoms examination history investigations investigation diagnosis "
    "management treatment prevention complications prognosis notes key points pearls "
    "pitfalls general miscellaneous timing impact considerations other others "
    "approach assessment monitoring follow-up criteria classification types risk "
    "factors indications contraindications side effects adverse effects dose doses "
    "dosing mechanism"
)
_CONNECTIVES = word_set("of on and for in to with the a an or vs")
# A capability several options share ("Can detect A, B and C") does not tell one option from another.
_SHARED_CAPABILITY = ("can ", "could ", "may ", "might ", "useful ", "helpful ", "used ")


def card_key(deck_id: str, path: tuple[str, ...], kind: str, source_text: str, target: str) -> str:
    digest = hashlib.sha1(f"{source_text}\x00{target}".encode()).hexdigest()[:10]
    return f"{deck_id}/{_path_slug(path)}/{kind}/{digest}"


@functools.lru_cache(maxsize=32768)  # a section's slug, asked once a card: a deck has thousands
def _path_slug(path: tuple[str, ...]) -> str:
    return "/".join(slug(title) for title in path[1:]) or "_"


class _Collector:
    """Accumulates the drafts of one deck, made once each, and which items they carry."""

    def __init__(self, deck_id: str) -> None:
        self.deck_id = deck_id
        self.cards: list[CardDraft] = []
        self.carried: set[int] = set()
        self._seen: set[object] = set()

    def add(
        self,
        path: tuple[str, ...],
        kind: str,
        front: str,
        back: str,
        items: list[Item],
        refs: tuple[str, ...],
        source_text: str,
    ) -> bool:
        front, back = front.strip(), back.strip()
        if not front or not back:
            return False
        key = card_key(self.deck_id, path, kind, source_text, back)
        # One definition per term in a deck: the first, where the document defines it.
        identity = ("definition", front) if kind == "definition" else (path, kind, front, back)
        self.carried.update(id(item) for item in items)
        if identity in self._seen or key in self._seen:
            return False
        self._seen.add(identity)
        self._seen.add(key)
        self.cards.append(CardDraft(key, kind, path, front, back, items[0].line, refs, source_text))
        return True


def _lead(item: Item) -> str:
    return item.lead.rstrip(":").strip() if item.lead else ""


def _fit(lead: str, front: str, gap_at: int) -> str:
    """The front with its nearest lead-in, kept under FRONT_MAX_WORDS: the lead goes first, then
    the words farthest from the gap."""
    joined = f"{lead}: {front}" if lead else front
    if len(joined.split()) <= FRONT_MAX_WORDS:
        return joined
    if len(front.split()) <= FRONT_MAX_WORDS:
        return front
    words = front.split()
    size = FRONT_MAX_WORDS - 2  # room for the ellipses
    gap_word = len(front[:gap_at].split())
    start = max(0, min(gap_word - size // 2, len(words) - size))
    window = words[start : start + size]
    return ("… " if start else "") + " ".join(window) + (" …" if start + size < len(words) else "")


def _item_cards(out: _Collector, path: tuple[str, ...], item: Item) -> None:
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    avoid = breadcrumb.casefold()
    text = item.text
    basic = rules.explicit_basic(text)
    if basic:
        out.add(path, "explicit", basic[0], basic[1], [item], item.references, unmark(text))
        return
    explicit = rules.explicit_clozes(text)
    for front, back in explicit:
        lead = _lead(item)
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
    out: _Collector,
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
        found_targets = targets.salient(plain, avoid)
        # A rare word inside a "Label: value" line's label is part of the name being defined.
        label_end = len(labelled[0]) if labelled is not None else (label_span[1] if label_span else 0)
        spans = [t.span for t in found_targets if t.kind != "term" or t.span[0] >= label_end]
        if label_span is not None:
            spans = [s for s in spans if s[1] <= label_span[0] or s[0] >= label_span[1]]
    if label_span is not None and not targets.is_term_label(plain[label_span[0] : label_span[1]]):
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
        if not rules.gives_away(value, f"{breadcrumb} {term}"):
            out.add(
                path,
                "definition",
                _fit(_lead(item), front, len(front)),
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
        grown = targets.with_abbreviation(plain, span)
        if grown is not None:
            front, answer = grown[0].replace("\x00", rules.CLOZE_GAP), grown[1]
        if "(" in front and (
            _GAP_BEFORE_EXAMPLE.search(front)
            or _RESTATED.search(front)
            or (_GLOSS.search(front) and not targets.figures(answer))
        ):
            # "[...] (such as indomethacin)": the example names its class; "<4.3 kPa ([...])",
            # "[...] (the -gliflozins)": the front says it again.
            continue
        front = _fit(lead.rstrip(" .:") if lead else _lead(item), front, front.find(rules.CLOZE_GAP))
        shown = f"{breadcrumb} {front}"
        if author_marked and span != label_span:
            leaks = rules.shows_verbatim(answer, shown)
        else:
            leaks = rules.gives_away(answer, shown)
        if leaks:
            continue
        out.add(path, "cloze", front, answer, [item], item.references, plain)


def _fallback_cards(out: _Collector, path: tuple[str, ...], item: Item) -> None:
    """A line no rule found anything in: ask for what its verb acts on, if that is safe to ask."""
    if item.kind == "row" or not _is_plain(item) or has_marks(item.text):
        return
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    pieces = rules.sentences(item.text) if item.kind == "paragraph" else [item.text]
    for piece in pieces:
        plain = unmark(piece)
        span = targets.main_object(plain, breadcrumb.casefold())
        if span is None or rules.is_platitude(plain):
            continue
        made = rules.cloze(plain, span)
        if made is None or rules.gives_away(made[1], f"{breadcrumb} {made[0]}"):
            continue
        out.add(
            path,
            "cloze",
            _fit(_lead(item), made[0], made[0].find(rules.CLOZE_GAP)),
            made[1],
            [item],
            item.references,
            plain,
        )


def _row_cards(out: _Collector, path: tuple[str, ...], item: Item, section_title: str) -> None:
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
            or (len(targets.figures(value)) > 1 and not banded)
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
            rules.gives_away(value, f"{breadcrumb} {front}")
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


def _is_plain(item: Item) -> bool:
    return rules.explicit_basic(item.text) is None and not rules.explicit_clozes(item.text)


def _list_items(section: Section) -> list[list[Item]]:
    groups: dict[int, list[Item]] = {}
    for item in section.items:
        if (
            item.kind == "bullet"
            and _is_plain(item)
            and not rules.is_lead_in(item.text)
            and not item.links_only
        ):
            groups.setdefault(item.group, []).append(item)
    return list(groups.values())


def _list_cards(out: _Collector, path: tuple[str, ...], section: Section) -> None:
    lists = _list_items(section)
    for items in lists:
        entries = [unmark(i.text) for i in items]
        lead = items[0].lead or ""
        intro = lead.rstrip(":").strip() if lead.endswith(":") else ""
        bare = [rules.without_parentheses(e) for e in entries]
        # Names and short phrases make a list to recall; statements ("X is given every 6 hours") don't.
        short = all(len(e.split()) <= LIST_ITEM_MAX_WORDS and not _STATEMENT.search(e) for e in bare)
        # "Clarithromycin, erythromycin" is two things to recall, not one.
        things = sum(e.count(", ") + 1 for e in bare)
        labelled = {rules.label(i.text) is not None for i in items}
        if (
            LIST_MIN <= len(entries) <= LIST_MAX
            and short
            and things <= LIST_MAX_THINGS
            and len(labelled) == 1
        ):
            if intro:
                front = f"{intro}: name all {len(entries)}."
            elif len(lists) == 1 and not any(i.lead for i in items):
                front = f"Name the {len(entries)} items listed under {section.title}."
            else:
                front = ""
            if front:
                refs = tuple(dict.fromkeys(r for i in items for r in i.references))
                out.add(
                    path,
                    "list",
                    front,
                    "\n".join(entries),
                    items,
                    refs,
                    "\n".join(unmark(i.text) for i in items),
                )
        if len(entries) > LIST_MAX:
            _context_clozes(out, path, section, items)
    _children_list(out, path, section)


def _context_clozes(out: _Collector, path: tuple[str, ...], section: Section, items: list[Item]) -> None:
    """A list too long to recall whole: each item that made no card of its own is asked in the
    list's context, the other items shown (or, for a long list, its neighbours)."""
    intro = (items[0].lead or "").rstrip(":").strip() or section.title
    texts = [unmark(i.text) for i in items]
    # The whole list is shown only when it fits on a front: counted once, not once an item.
    whole = sum(len(t.split()) for t in texts) + len(intro.split()) <= FRONT_MAX_WORDS
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    for index, item in enumerate(items):
        if id(item) in out.carried:
            continue
        if _last_part_cloze(out, path, item, intro, breadcrumb):
            continue
        before = texts[index - 1] if index else ""
        after = texts[index + 1] if index + 1 < len(texts) else ""
        window = [
            p
            for p in (
                ("… " if index > 1 else "") + before,
                rules.CLOZE_GAP,
                after + (" …" if index + 2 < len(texts) else ""),
            )
            if p.strip()
        ]
        options = ([*texts[:index], rules.CLOZE_GAP, *texts[index + 1 :]], window) if whole else (window,)
        for shown in options:
            front = f"{intro}: " + "; ".join(shown)
            if len(front.split()) <= FRONT_MAX_WORDS and not rules.gives_away(
                texts[index], f"{breadcrumb} {front}"
            ):
                out.add(path, "cloze", front, texts[index], [item], item.references, texts[index])
                break


def _last_part_cloze(out: _Collector, path: tuple[str, ...], item: Item, intro: str, breadcrumb: str) -> bool:
    """An item that is itself a short enumeration ("Heat, edema, and local flushing") asks for its
    last part, the others shown."""
    text = unmark(item.text)
    parts = _PARTS.split(text)
    if not 3 <= len(parts) <= 5 or any(len(p.split()) > 4 for p in parts) or _STATEMENT.search(text):
        return False
    last = parts[-1]
    front = f"{intro}: {text[: len(text) - len(last)]}{rules.CLOZE_GAP}"
    if rules.gives_away(last, f"{breadcrumb} {front}"):
        return False
    return out.add(path, "cloze", front, last, [item], item.references, text)


def _children_list(out: _Collector, path: tuple[str, ...], section: Section) -> None:
    # "X can be classified into two main categories:" followed by sub-sections naming them.
    lead_ins = [i for i in section.items if i.kind == "paragraph" and rules.is_lead_in(i.text)]
    if lead_ins and not _list_items(section) and LIST_MIN <= len(section.children) <= LIST_MAX:
        intro = unmark(lead_ins[0].text).rstrip(":").strip()
        titles = [child.title for child in section.children]
        out.add(
            path,
            "list",
            f"{intro}: name them.",
            "\n".join(titles),
            [lead_ins[0]],
            lead_ins[0].references,
            unmark(lead_ins[0].text) + "\n" + "\n".join(titles),
        )


def _facts(section: Section) -> list[Item]:
    found: list[Item] = []
    for sub in section.walk():
        found.extend(
            i
            for i in sub.items
            if i.kind in ("bullet", "row")
            and _is_plain(i)
            and not rules.is_lead_in(i.text)
            and not i.links_only
        )
    return found


def _is_name(title: str, parent: str) -> bool:
    """A heading that names one thing of a kind (CT Scan, MRI, Indomethacin), not a part of a note
    (Management, Timing of Intervention); a pair the parent names ("Prevention and Treatment") too."""
    words = title.casefold().split()
    if title.casefold() in parent.casefold() and len(words) <= 2:
        return True
    return bool(words) and len(words) <= 5 and not (set(words) & (_GENERIC | _CONNECTIVES))


def _which_cards(out: _Collector, path: tuple[str, ...], section: Section) -> None:
    if section.level == 0:
        return
    options = [child for child in section.children if _facts(child) and child.knowledge]
    if not 3 <= len(options) <= WHICH_MAX_OPTIONS:
        return  # between two headings, a "which" card is a coin toss
    others = [c for c in options if c.title.casefold().startswith(("other", "miscellaneous"))]
    named = [c for c in options if c not in others]
    # Against a catch-all ("Other hereditary forms") alone, every answer comes by elimination.
    if len(named) < 3 or not all(_is_name(c.title, section.title) for c in named):
        return
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    for child in named:
        for item in _facts(child):
            fact = unmark(item.text)
            lead = _lead(item)
            if lead:
                fact = f"{lead}: {fact}"
            if fact.lower().startswith(_SHARED_CAPABILITY) and targets.enumerations(fact, ""):
                continue
            if (
                rules.gives_away(child.title, f"{breadcrumb} {fact}", every_word=True)
                or rules.stems_shown(child.title, fact) * 2 >= len(rules.stems(child.title)) > 0
            ):
                continue
            front = f"Which of the {len(options)} under {section.title}: “{fact}”?"
            if len(front.split()) > FRONT_MAX_WORDS:
                continue
            out.add(path, "which", front, child.title, [item], item.references, fact)


def generate_cards(
    document: Document, deck_id: str
) -> tuple[list[CardDraft], list[str], list[tuple[tuple[str, ...], int, str]]]:
    """Every card the document yields, in document order; a warning per empty section; and the
    text that made no card, with its section and line."""
    out = _Collector(deck_id)
    warnings: list[str] = []
    pieces: list[tuple[tuple[str, ...], Item]] = []

    def visit(section: Section, path: tuple[str, ...]) -> None:
        if not section.knowledge:
            return
        if not section.has_content():
            warnings.append(f"section '{section.title}' (line {section.line}) is empty: no cards")
        for item in section.items:
            _item_cards(out, path, item)
            if not item.links_only and not rules.is_lead_in(item.text) and not rules.is_meta(item.text):
                pieces.append((path, item))
        _list_cards(out, path, section)
        _which_cards(out, path, section)
        for item in section.items:
            if (
                id(item) not in out.carried
                and not item.links_only
                and not rules.is_lead_in(item.text)
                and not rules.is_meta(item.text)
            ):
                _fallback_cards(out, path, item)
        for child in section.children:
            visit(child, (*path, child.title))

    visit(document.root, (document.root.title,))
    uncarded = [(path, item.line, unmark(item.text)) for path, item in pieces if id(item) not in out.carried]
    return out.cards, warnings, uncarded
