"""The cards a list makes: a short list recalled whole, a long one asked an item at a time in
its context, and sub-sections a lead-in names."""

from __future__ import annotations

import re

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.generator import giveaways, rules
from quiz.generator.cards.drafting import FRONT_MAX_WORDS, Collector, is_plain
from quiz.generator.document import Item, Section
from quiz.generator.text import unmark

LIST_MIN, LIST_MAX = 2, 5
LIST_ITEM_MAX_WORDS = 8
LIST_MAX_THINGS = 8
_PARTS = re.compile(r",\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
_STATEMENT = re.compile(
    r"\b(?:is|are|was|were|has|have|had|can|could|may|might|should|must|will|than|"
    r"useful|helps?)\b",
    re.IGNORECASE,
)


def _list_items(section: Section) -> list[list[Item]]:
    groups: dict[int, list[Item]] = {}
    for item in section.items:
        if (
            item.kind == "bullet"
            and is_plain(item)
            and not rules.is_lead_in(item.text)
            and not item.links_only
        ):
            groups.setdefault(item.group, []).append(item)
    return list(groups.values())


def list_cards(out: Collector, path: tuple[str, ...], section: Section) -> None:
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


def _context_clozes(out: Collector, path: tuple[str, ...], section: Section, items: list[Item]) -> None:
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
            if len(front.split()) <= FRONT_MAX_WORDS and not giveaways.gives_away(
                texts[index], f"{breadcrumb} {front}"
            ):
                out.add(path, "cloze", front, texts[index], [item], item.references, texts[index])
                break


def _last_part_cloze(out: Collector, path: tuple[str, ...], item: Item, intro: str, breadcrumb: str) -> bool:
    """An item that is itself a short enumeration ("Heat, edema, and local flushing") asks for its
    last part, the others shown."""
    text = unmark(item.text)
    parts = _PARTS.split(text)
    if not 3 <= len(parts) <= 5 or any(len(p.split()) > 4 for p in parts) or _STATEMENT.search(text):
        return False
    last = parts[-1]
    front = f"{intro}: {text[: len(text) - len(last)]}{rules.CLOZE_GAP}"
    if giveaways.gives_away(last, f"{breadcrumb} {front}"):
        return False
    return out.add(path, "cloze", front, last, [item], item.references, text)


def _children_list(out: Collector, path: tuple[str, ...], section: Section) -> None:
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
