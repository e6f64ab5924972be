"""The card generator on the HO documents and on hand-made Markdown: structure, cards, markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.generator import CLOZE_GAP, DeckDraft, generate
from tests.conftest import FIXTURES

# Anything of these in a card's text is markup that leaked.
LEAKS = re.compile(r"\*\*|==|\[\[|\]\]|<!--|-->|\[!|\[\^|\{\{|\}\}|`|\x01|\x02|!\[|\|")


def _generate(path: Path) -> DeckDraft:
    return generate(path.read_text(encoding="utf-8"), str(path))


def _tree(draft: DeckDraft) -> list[str]:
    return ["  " * s.level + s.title for s in draft.sections]


def test_plain_text_source_tree_is_inferred_as_the_author_meant(ho_source: Path) -> None:
    assert _tree(_generate(ho_source)) == [
        "Heterotopic Ossification",
        "  Types and Causes",
        "    Acquired Heterotopic Ossification",
        "    Hereditary Forms",
        "      Fibrodysplasia Ossificans Progressiva (FOP)",
        "      Other hereditary forms",
        "  Clinical Manifestations",
        "  Imaging Characteristics",
        "    Radiography",
        "    CT Scan",
        "    MRI",
        "    Bone Scan",
        "  Pathogenesis",
        "  Prevention and Treatment",
        "    Prevention",
        "    Treatment",
        "      Surgical Resection",
        "      Conservative Management",
        "      Adjuvant Therapies",
        "  Clinical Considerations and Pitfalls",
        "    Differential Diagnosis",
        "    Timing of Intervention",
        "    Impact on Rehabilitation",
        "    Special Populations",
    ]


EMPTY_IN_SOURCE = ["Acquired Heterotopic Ossification", "Surgical Resection", "Adjuvant Therapies",
                   "Differential Diagnosis", "Special Populations"]


@pytest.mark.parametrize("which", ["source", "deck"])
def test_every_section_with_content_has_a_card_and_each_empty_one_a_warning(
        which: str, ho_source: Path, ho_deck: Path) -> None:
    draft = _generate(ho_source if which == "source" else ho_deck)
    for section in draft.sections:
        if section.empty:
            continue
        below = [c for c in draft.cards if c.section_path[: len(section.path)] == section.path]
        assert below, f"no card for section {section.breadcrumb}"
    assert sorted(s.title for s in draft.sections if s.empty) == sorted(EMPTY_IN_SOURCE)
    assert len(draft.warnings) == len(EMPTY_IN_SOURCE)
    for title in EMPTY_IN_SOURCE:
        assert sum(f"section '{title}'" in w for w in draft.warnings) == 1


def test_plain_text_references_are_stripped_and_kept(ho_source: Path) -> None:
    draft = _generate(ho_source)
    definition = next(c for c in draft.cards if c.kind == "definition")
    assert definition.front == "What is heterotopic ossification (HO)?"
    assert definition.back.endswith("outside the skeletal system")
    assert definition.references == ("1",)
    elbows = [c for c in draft.cards if "elbows" in c.back and c.kind == "list"]
    assert elbows and elbows[0].references == ("2", "5", "6")
    for card in draft.cards:
        assert not re.search(r"\s\d(, \d)*$", card.front + "\n" + card.back), card


def test_salient_terms_become_clozes_in_the_plain_text(ho_source: Path) -> None:
    clozes = {c.back: c for c in _generate(ho_source).cards if c.kind == "cloze"}
    for term in ("ACVR1", "c.617G>A", "p.R206H", "93%", "indomethacin",
                 "ethane-1-hydroxy-1-diphosphate", "Non-steroidal anti-inflammatory drugs",
                 "Mesenchymal stem cells"):
        assert term in clozes, term
        assert clozes[term].front.count(CLOZE_GAP) == 1
        assert term not in clozes[term].front
    assert clozes["93%"].front == "High sensitivity ([...]) for detection of loose bodies"


@pytest.mark.parametrize("which", ["source", "deck"])
def test_cards_never_give_their_answer_away_or_leak_markup(
        which: str, ho_source: Path, ho_deck: Path) -> None:
    draft = _generate(ho_source if which == "source" else ho_deck)
    assert len(draft.cards) >= 30
    for card in draft.cards:
        assert not LEAKS.search(card.front + card.back), card
        if card.kind in ("cloze", "which"):
            shown = f"{card.breadcrumb} {card.front}".casefold()
            assert card.back.casefold() not in shown, card
        if card.kind == "cloze":
            assert card.front.count(CLOZE_GAP) == 1


def test_which_cards_ask_for_the_imaging_modality(ho_deck: Path) -> None:
    which = [c for c in _generate(ho_deck).cards if c.kind == "which"]
    ct = [c for c in which if "93%" in c.front]
    assert len(ct) == 1
    assert ct[0].back == "CT Scan"
    assert ct[0].breadcrumb == "Heterotopic Ossification > Imaging Characteristics"
    assert {c.back for c in which} >= {"Radiography", "CT Scan", "MRI", "Bone Scan"}


def test_list_cards_name_the_bullets_of_short_sections(ho_deck: Path) -> None:
    lists = {c.section_path[-1]: c for c in _generate(ho_deck).cards if c.kind == "list"}
    prevention = lists["Prevention"]
    assert prevention.front == "Name the 4 items listed under Prevention."
    assert prevention.back.split("\n") == ["Non-steroidal anti-inflammatory drugs", "Bisphosphonates",
                                           "Local radiation therapy",
                                           "Molecular biological interventions"]
    assert lists["Pathogenesis"].front == ("The exact pathogenesis remains unclear, but it involves: "
                                           "name all 3.")
    assert lists["Types and Causes"].back == "Acquired Heterotopic Ossification\nHereditary Forms"


def test_marked_terms_make_one_cloze_each(ho_deck: Path) -> None:
    fop = [c for c in _generate(ho_deck).cards
           if c.kind == "cloze" and c.section_path[-1].startswith("Fibrodysplasia")]
    assert {c.back for c in fop} == {"great toes", "endochondral", "ACVR1", "c.617G>A", "p.R206H",
                                     "axial", "dorsal", "proximal", "malignancy"}


def test_keys_are_stable_and_unique(ho_deck: Path) -> None:
    first, second = _generate(ho_deck), _generate(ho_deck)
    assert [c.key for c in first.cards] == [c.key for c in second.cards]
    assert len({c.key for c in first.cards}) == len(first.cards)
    assert all(c.key.startswith("heterotopic-ossification/") for c in first.cards)


def test_real_world_markdown_note_imports_cleanly() -> None:
    draft = _generate(FIXTURES / "obsidian-note.md")
    assert draft.name == "Ossification notes"
    assert [s.title for s in draft.sections] == ["Ossification notes", "Drugs", "Genetics",
                                                 "After the draft"]
    texts = [c.front + "\n" + c.back for c in draft.cards]
    for text in texts:
        assert not LEAKS.search(text), text
        assert "image" not in text and "diagram" not in text and "Read first" not in text
    by_back = {c.back: c for c in draft.cards}
    assert by_back["indomethacin"].references == ("1",)
    assert by_back["renal function"].front == "Check [...] first"  # a task list's box is not text
    fronts = {c.front: c for c in draft.cards}
    assert fronts["NSAIDs, e.g. indomethacin: Dose [...] daily"].back == "75 mg"
    row = fronts["Etidronate — Class: Bisphosphonate; Dose: [...]"]
    assert (row.back, row.source_line) == ("20 mg/kg", 26)
    assert fronts["Which gene is mutated in FOP?"].back == "ACVR1"
    assert fronts["Which gene is mutated in FOP?"].kind == "explicit"
    assert fronts["The [...] receptor is a BMP type I receptor."].back == "ACVR1"
    assert fronts["The ACVR1 receptor is a [...] type I receptor."].back == "BMP"
    assert by_back["c.617G>A"].references == ("2",)
    assert by_back["marked term"].kind == "cloze"
    assert not any("left out" in t or "Nothing here" in t for t in texts)
    assert any("stays in" in t for t in texts)


def test_cards_that_come_out_identical_are_made_once() -> None:
    text = "# T\n\n## S\n\n- Dose is 10 mg daily\n- Dose is 10 mg daily\n"
    draft = generate(text, "t.md")
    assert [c.back for c in draft.cards if c.kind == "cloze"] == ["10 mg"]


def test_never_blanks_a_whole_bullet() -> None:
    draft = generate("# T\n\n## S\n\n- **Indomethacin**\n- 93%\n", "t.md")
    assert not [c for c in draft.cards if c.kind == "cloze"]
