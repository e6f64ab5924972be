"""Card drafts from a parsed Document, section by section, as the deck spec lays down."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from quiz.generator import rules
from quiz.generator.document import Document, Item, Section
from quiz.generator.text import has_marks, slug, unmark

LIST_MIN, LIST_MAX = 2, 7
LIST_ITEM_MAX_WORDS = 12
WHICH_MAX_OPTIONS = 8
BREADCRUMB_SEPARATOR = " > "


@dataclass(frozen=True)
class CardDraft:
    key: str
    kind: str  # definition | cloze | list | which | explicit
    section_path: tuple[str, ...]
    front: str
    back: str
    source_line: int
    references: tuple[str, ...]
    source_text: str  # what the card was made from, for matching it after an edit

    @property
    def breadcrumb(self) -> str:
        return BREADCRUMB_SEPARATOR.join(self.section_path)


def card_key(deck_id: str, path: tuple[str, ...], kind: str, source_text: str, target: str) -> str:
    digest = hashlib.sha1(f"{source_text}\x00{target}".encode()).hexdigest()[:10]
    return f"{deck_id}/{_path_slug(path)}/{kind}/{digest}"


@functools.lru_cache(maxsize=1024)
def _path_slug(path: tuple[str, ...]) -> str:
    return "/".join(slug(title) for title in path[1:]) or "_"


class _Collector:
    """Accumulates the drafts of one deck, made once each."""

    def __init__(self, deck_id: str) -> None:
        self.deck_id = deck_id
        self.cards: list[CardDraft] = []
        self._seen: set[object] = set()

    def add(self, path: tuple[str, ...], kind: str, front: str, back: str, item_line: int,
            refs: tuple[str, ...], source_text: str) -> None:
        front, back = front.strip(), back.strip()
        if not front or not back:
            return
        key = card_key(self.deck_id, path, kind, source_text, back)
        # One definition per term in a deck: the first, where the document defines it.
        identity = ("definition", front) if kind == "definition" else (path, kind, front, back)
        if identity in self._seen or key in self._seen:
            return
        self._seen.add(identity)
        self._seen.add(key)
        self.cards.append(CardDraft(key, kind, path, front, back, item_line, refs, source_text))


def _with_lead(item: Item, text: str) -> str:
    return f"{item.lead.rstrip(':').strip()}: {text}" if item.lead else text


def _item_cards(out: _Collector, path: tuple[str, ...], item: Item) -> None:
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    basic = rules.explicit_basic(item.text)
    if basic:
        out.add(path, "explicit", basic[0], basic[1], item.line, item.references, unmark(item.text))
        return
    explicit = rules.explicit_clozes(item.text)
    for front, back in explicit:
        out.add(path, "explicit", _with_lead(item, front), back, item.line, item.references,
                unmark(item.text))
    if explicit or rules.is_lead_in(item.text):
        return
    pieces = rules.sentences(item.text) if item.kind == "paragraph" else [item.text]
    for piece in pieces:
        found = rules.definition(piece)
        if found and not rules.gives_away(found[1], breadcrumb):
            out.add(path, "definition", found[0], found[1], item.line, item.references, unmark(piece))
        for span in rules.salient_spans(piece):
            made = rules.cloze(piece, span)
            if made is None:
                continue
            front, answer = _with_lead(item, made[0]), made[1]
            if _gives_away(piece, answer, breadcrumb, front):
                continue
            out.add(path, "cloze", front, answer, item.line, item.references, unmark(piece))


def _gives_away(piece: str, answer: str, breadcrumb: str, front: str) -> bool:
    if has_marks(piece):
        # The author chose the term: only a verbatim repeat in view gives it away.
        return answer.casefold() in f"{breadcrumb} {front}".casefold()
    return rules.gives_away(answer, breadcrumb, front)


def _is_plain(item: Item) -> bool:
    return rules.explicit_basic(item.text) is None and not rules.explicit_clozes(item.text)


def _list_cards(out: _Collector, path: tuple[str, ...], section: Section) -> None:
    groups: dict[str | None, list[Item]] = {}
    for item in section.items:
        if item.kind == "bullet" and _is_plain(item) and not rules.is_lead_in(item.text):
            groups.setdefault(item.lead if item.depth else None, []).append(item)
    lead_ins = [i for i in section.items if i.kind == "paragraph" and rules.is_lead_in(i.text)]
    for lead, items in groups.items():
        entries = [rules.without_parentheses(i.text) for i in items]
        if not LIST_MIN <= len(entries) <= LIST_MAX:
            continue
        if any(len(e.split()) > LIST_ITEM_MAX_WORDS for e in entries):
            continue
        if lead is not None:
            intro = lead.rstrip(":").strip()
        elif lead_ins:
            intro = unmark(lead_ins[0].text).rstrip(":").strip()
        else:
            intro = f"Name the {len(entries)} items listed under {section.title}"
        front = intro if intro.startswith("Name the") else f"{intro}: name all {len(entries)}"
        refs = tuple(dict.fromkeys(r for i in items for r in i.references))
        out.add(path, "list", front + ".", "\n".join(entries), items[0].line, refs,
                "\n".join(unmark(i.text) for i in items))
    # "X can be classified into two main categories:" followed by sub-sections naming them.
    if lead_ins and not groups and LIST_MIN <= len(section.children) <= LIST_MAX:
        intro = unmark(lead_ins[0].text).rstrip(":").strip()
        titles = [child.title for child in section.children]
        out.add(path, "list", f"{intro}: name them.", "\n".join(titles), lead_ins[0].line,
                lead_ins[0].references, unmark(lead_ins[0].text) + "\n" + "\n".join(titles))


def _facts(section: Section) -> list[Item]:
    found: list[Item] = []
    for sub in section.walk():
        found.extend(i for i in sub.items if i.kind in ("bullet", "row") and _is_plain(i)
                     and not rules.is_lead_in(i.text))
    return found


def _which_cards(out: _Collector, path: tuple[str, ...], section: Section) -> None:
    if section.level == 0:
        return
    options = [child for child in section.children if _facts(child)]
    if not 2 <= len(options) <= WHICH_MAX_OPTIONS:
        return
    breadcrumb = BREADCRUMB_SEPARATOR.join(path)
    for child in options:
        for item in _facts(child):
            fact = _with_lead(item, unmark(item.text))
            if rules.gives_away(child.title, breadcrumb, fact):
                continue
            front = f"Which of the {len(options)} under {section.title}: “{fact}”?"
            out.add(path, "which", front, child.title, item.line, item.references, fact)


def generate_cards(document: Document, deck_id: str) -> tuple[list[CardDraft], list[str]]:
    """Every card the document yields, in document order, and a warning per empty section."""
    out = _Collector(deck_id)
    warnings: list[str] = []

    def visit(section: Section, path: tuple[str, ...]) -> None:
        if not section.has_content():
            warnings.append(f"section '{section.title}' (line {section.line}) is empty: no cards")
        for item in section.items:
            _item_cards(out, path, item)
        _list_cards(out, path, section)
        _which_cards(out, path, section)
        for child in section.children:
            visit(child, (*path, child.title))

    visit(document.root, (document.root.title,))
    return out.cards, warnings
