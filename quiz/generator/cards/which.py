"""The "which" cards: a fact from one of a section's named sub-sections, asked which of them it
belongs to."""

from __future__ import annotations

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from quiz.generator import giveaways, rules
from quiz.generator.cards.drafting import FRONT_MAX_WORDS, Collector, is_plain, lead_of
from quiz.generator.document import Item, Section
from quiz.generator.targets import terms
from quiz.generator.text import unmark, word_set

WHICH_MAX_OPTIONS = 6
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


def _facts(section: Section) -> list[Item]:
    found: list[Item] = []
    for sub in section.walk():
        found.extend(
            i
            for i in sub.items
            if i.kind in ("bullet", "row")
            and is_plain(i)
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


def which_cards(out: Collector, path: tuple[str, ...], section: Section) -> None:
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
            lead = lead_of(item)
            if lead:
                fact = f"{lead}: {fact}"
            if fact.lower().startswith(_SHARED_CAPABILITY) and terms.enumerations(fact, ""):
                continue
            if (
                giveaways.gives_away(child.title, f"{breadcrumb} {fact}", every_word=True)
                or giveaways.stems_shown(child.title, fact) * 2 >= len(giveaways.stems(child.title)) > 0
            ):
                continue
            front = f"Which of the {len(options)} under {section.title}: “{fact}”?"
            if len(front.split()) > FRONT_MAX_WORDS:
                continue
            out.add(path, "which", front, child.title, [item], item.references, fact)
