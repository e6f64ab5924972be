"""The card generator on the HO documents, on Obsidian-style notes and on hand-made Markdown: the tree
read as the author wrote it, the cards a clinician would keep, nothing left that gives an answer
away or that is not text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.errors import StubError
from quiz.generator import CLOZE_GAP, CardDraft, DeckDraft, generate
from quiz.generator.checks import card_flags
from quiz.generator.giveaways import shows_verbatim
from tests.conftest import FIXTURES, HO_DECK, HO_SOURCE, SHARED_HO_SOURCE

NOTES = sorted((FIXTURES / "notes").glob("*.md"))
STUBS = {"Pulmonary embolism.md"}


def _generate(path: Path) -> DeckDraft:
    return generate(path.read_text(encoding="utf-8"), str(path))


def _md(text: str, name: str = "note.md") -> DeckDraft:
    return generate(text, name)


def _tree(draft: DeckDraft) -> list[str]:
    return ["  " * s.level + s.title for s in draft.sections]


def _filled(card: CardDraft) -> str:
    """What the card says once answered: the front with its gap filled, and the back."""
    return card.front.replace(CLOZE_GAP, card.back.replace("\n", "; ")) + " " + card.back


def _by_back(draft: DeckDraft) -> dict[str, CardDraft]:
    return {card.back: card for card in draft.cards}


def test_the_project_carries_the_raw_source() -> None:
    if SHARED_HO_SOURCE.is_file():
        assert HO_SOURCE.read_bytes() == SHARED_HO_SOURCE.read_bytes()
    assert HO_SOURCE.read_text(encoding="utf-8").startswith("Heterotopic Ossification\n")


# --- the tree ------------------------------------------------------------------------------------


def test_plain_text_source_tree_is_inferred_as_the_author_meant() -> None:
    assert _tree(_generate(HO_SOURCE)) == [
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


def test_a_note_is_titled_by_its_file_when_it_starts_with_a_section() -> None:
    draft = _md(
        "Seen on the ward. Lactate >2 mmol/L is abnormal.\n\n# Presentation\n\n- Fever\n\n"
        "## Vital signs\n\n- RR ≥22 breaths/min\n\n# Management\n\n- Fluids 30 mL/kg\n",
        "notes/Sepsis.md",
    )
    assert draft.name == "Sepsis" and draft.deck_id == "sepsis"
    assert _tree(draft) == ["Sepsis", "  Presentation", "    Vital signs", "  Management"]
    # Text before the first heading belongs to the title's own section.
    lactate = _by_back(draft)[">2 mmol/L"]
    assert lactate.section_path == ("Sepsis",)
    assert all(card.section_path[0] == "Sepsis" for card in draft.cards)


def test_a_lone_top_heading_is_the_title_and_front_matter_names_the_deck() -> None:
    lone = _md("# Asthma\n\n## Treatment\n\n### Biologics\n\n- Omalizumab: anti-IgE\n", "asthma-notes.md")
    assert lone.name == "Asthma" and _tree(lone) == ["Asthma", "  Treatment", "    Biologics"]
    named = _md("---\ntitle: Severe asthma\n---\n# Asthma\n\n## Treatment\n\n- Oxygen 94-98%\n", "a.md")
    assert named.name == "Severe asthma" and _tree(named) == ["Severe asthma", "  Treatment"]
    two_tops = _md("# Presentation\n\n- Wheeze\n\n# Treatment\n\n- Salbutamol 5 mg\n", "Asthma.md")
    assert two_tops.name == "Asthma" and _tree(two_tops) == ["Asthma", "  Presentation", "  Treatment"]


def test_levels_nest_as_written() -> None:
    draft = _md("# A\n\n### Deep\n\n- Dose 5 mg\n\n## B\n\n- Dose 10 mg\n\n# C\n\n- Dose 20 mg\n", "n.md")
    assert _tree(draft) == ["n", "  A", "    Deep", "    B", "  C"]


def test_a_note_without_headings_is_one_section_under_its_file_name() -> None:
    draft = _md("- Adrenaline 500 micrograms IM\n- Repeat after 5 minutes\n", "Anaphylaxis.md")
    assert draft.name == "Anaphylaxis" and _tree(draft) == ["Anaphylaxis"]
    assert "500 micrograms" in _by_back(draft)


@pytest.mark.parametrize(
    "text, why",
    [
        ("---\ntags: [stub]\n---\n", "front matter only"),
        ("---\ntags: [stub]\n---\n![[scan.png]]\n", "only images"),
        ("# Presentation\n\n# Management\n", "only headings"),
    ],
)
def test_a_stub_is_refused_with_its_reason(text: str, why: str) -> None:
    with pytest.raises(StubError, match=re.escape(why)):
        _md(text, "Stub.md")


# --- every fact lands on a card ------------------------------------------------------------------

EMPTY_IN_SOURCE = [
    "Acquired Heterotopic Ossification",
    "Surgical Resection",
    "Adjuvant Therapies",
    "Differential Diagnosis",
    "Special Populations",
]


@pytest.mark.parametrize("path", [HO_SOURCE, HO_DECK], ids=["source", "deck"])
def test_every_section_with_content_gives_cards_and_each_empty_one_a_warning(path: Path) -> None:
    draft = _generate(path)
    for section in draft.sections:
        if section.empty:
            continue
        below = [
            c
            for c in draft.cards
            if c.section_path[: len(section.path)] == section.path
            or (c.kind == "which" and c.back == section.title)
        ]
        uncarded = [u for u in draft.uncarded if u.section_path == section.path]
        assert below or uncarded, f"no card for section {section.breadcrumb}"
    assert sorted(s.title for s in draft.sections if s.empty) == sorted(EMPTY_IN_SOURCE)
    assert len(draft.warnings) == len(EMPTY_IN_SOURCE)
    for title in EMPTY_IN_SOURCE:
        assert sum(f"section '{title}'" in w for w in draft.warnings) == 1


def _source_bullets() -> list[tuple[int, str]]:
    bullets = []
    for number, line in enumerate(HO_SOURCE.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith("- ") and not line.rstrip().endswith(":"):
            bullets.append((number, re.sub(r"\s+\d+(?:,\s*\d+)*$", "", line[2:].strip())))
    return bullets


def test_every_bullet_of_the_raw_source_is_carried_by_some_card() -> None:
    draft = _generate(HO_SOURCE)
    table = []
    missing = []
    for line, bullet in _source_bullets():
        cards = [
            c
            for c in draft.cards
            if c.source_line == line
            or (c.kind == "list" and bullet.casefold() in c.back.casefold().split("\n"))
        ]
        said = " ".join(_filled(c) for c in cards).casefold()
        words = re.findall(r"[\w'>./-]+", bullet.casefold())
        lost = [w for w in words if w.strip(".") not in said]
        table.append(f"line {line}: {len(cards)} cards: {bullet}")
        if not cards or lost:
            missing.append(f"line {line} {bullet!r}: {len(cards)} cards, words not carried: {lost}")
    assert len(table) == 36
    assert not missing, "\n".join(missing)


def test_the_raw_source_asks_what_a_clinician_must_recall() -> None:
    draft = _generate(HO_SOURCE)
    cards = _by_back(draft)
    mimics = cards["cellulitis, osteomyelitis, or thrombophlebitis"]
    assert mimics.front == ("In early stages: fever, erythema, and joint tenderness (can mimic [...])")
    assert cards["hips, knees, and elbows"].front == "Most commonly affects [...]"
    assert cards["malignancy"].front == "No documented cases of [...] in FOP patients"
    assert cards["93%"].front == "High sensitivity ([...]) for detection of loose bodies"
    # The abbreviation beside the gap is hidden with it; an example left beside the gap would name
    # the class, so that card is not made.
    assert cards["Mesenchymal stem cells (MSCs)"].front.endswith("[...] following an osteogenic program")
    assert not [c for c in draft.cards if c.front.startswith("[...] (such as")]
    for term in (
        "ACVR1",
        "c.617G>A; p.R206H",
        "indomethacin",
        "ethane-1-hydroxy-1-diphosphate",
        "contractures, spasticity, pressure ulcers, and pain",
        "axial > appendicular; dorsal > ventral; proximal > distal",
    ):
        assert term in cards, term
        assert cards[term].front.count(CLOZE_GAP) == 1 and term not in cards[term].front
    prevention = next(c for c in draft.cards if c.kind == "list" and c.section_path[-1] == "Prevention")
    assert "Molecular biological interventions (experimental stage)" in prevention.back.split("\n")


def test_the_definition_asks_one_fact_and_keeps_its_references() -> None:
    draft = _generate(HO_SOURCE)
    definition = next(c for c in draft.cards if c.kind == "definition")
    assert definition.front == "What is heterotopic ossification (HO)?"
    assert definition.back == (
        "The formation of lamellar bone in soft tissues where bone normally does not exist"
    )
    assert definition.references == ("1",)
    elbows = _by_back(draft)["hips, knees, and elbows"]
    assert elbows.references == ("2", "5", "6")
    for card in draft.cards:
        assert not re.search(r"\s\d(, \d)*$", card.front + "\n" + card.back), card


# --- the automatic checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [HO_SOURCE, HO_DECK, FIXTURES / "obsidian-note.md", *[p for p in NOTES if p.name not in STUBS]],
    ids=lambda p: Path(p).name,
)
def test_every_card_passes_the_automatic_checks(path: Path) -> None:
    draft = _generate(path)
    assert len(draft.cards) >= 10
    flagged = [(card.front, card.back, card_flags(card)) for card in draft.cards if card_flags(card)]
    assert not flagged, "\n".join(map(str, flagged))
    for card in draft.cards:
        if card.kind in ("cloze", "which"):
            assert not shows_verbatim(card.back, f"{card.breadcrumb} {card.front}"), card
        if card.kind == "cloze":
            assert card.front.count(CLOZE_GAP) == 1


def test_the_checks_catch_what_the_old_generator_made() -> None:
    old = [
        CardDraft(
            "k",
            "list",
            ("HO", "Clinical Manifestations"),
            "Name the 6 items listed.",
            "a\nb\nc\nd\ne\nf",
            1,
            (),
            "x",
        ),
        CardDraft("k", "cloze", ("HO", "Drugs"), "Give [[Indomethacin|indo]] [...]", "75 mg", 1, (), "x"),
        CardDraft(
            "k",
            "cloze",
            ("HO", "Pathogenesis"),
            "[...] (MSCs) following an osteogenic program",
            "Mesenchymal stem cells",
            1,
            (),
            "x",
        ),
        CardDraft("k", "cloze", ("HO",), " ".join(["word"] * 46) + " [...]", "x", 1, (), "x"),
    ]
    assert [card_flags(card) for card in old] == [
        ("list over 5 items",),
        ("markup left",),
        (),
        ("front over 45 words",),
    ]


# --- the HO deck ---------------------------------------------------------------------------------


def test_which_cards_ask_for_the_imaging_modality_only_where_one_answers() -> None:
    which = [c for c in _generate(HO_DECK).cards if c.kind == "which"]
    ct = [c for c in which if "93%" in c.front]
    assert len(ct) == 1 and ct[0].back == "CT Scan"
    assert ct[0].breadcrumb == "Heterotopic Ossification > Imaging Characteristics"
    assert {c.back for c in which} >= {"Radiography", "CT Scan", "MRI", "Bone Scan"}
    # A capability several modalities share is not a "which" question; nor is a heading's name.
    assert not [c for c in which if c.front.split("“")[1].startswith(("Can detect", "Useful for assessing"))]
    assert not [c for c in which if c.back in ("Timing of Intervention", "Impact on Rehabilitation")]


def test_list_cards_keep_what_stands_in_parentheses_and_never_pass_five() -> None:
    draft = _generate(HO_DECK)
    lists = {c.section_path[-1]: c for c in draft.cards if c.kind == "list"}
    assert lists["Prevention"].front == "Name the 4 items listed under Prevention."
    assert lists["Prevention"].back.split("\n") == [
        "Non-steroidal anti-inflammatory drugs (NSAIDs, such as indomethacin)",
        "Bisphosphonates (such as ethane-1-hydroxy-1-diphosphate)",
        "Local radiation therapy",
        "Molecular biological interventions (experimental stage)",
    ]
    assert lists["Pathogenesis"].front == (
        "The exact pathogenesis remains unclear, but it involves: name all 3."
    )
    assert lists["Types and Causes"].back == "Acquired Heterotopic Ossification\nHereditary Forms"
    assert "Clinical Manifestations" not in lists  # six items: asked one by one, in context
    assert all(len(c.back.split("\n")) <= 5 for c in lists.values())


def test_marked_terms_make_one_cloze_each() -> None:
    fop = [
        c
        for c in _generate(HO_DECK).cards
        if c.kind == "cloze" and c.section_path[-1].startswith("Fibrodysplasia")
    ]
    assert {c.back for c in fop} == {
        "great toes",
        "endochondral",
        "ACVR1",
        "c.617G>A; p.R206H",
        "axial > appendicular; dorsal > ventral; proximal > distal",
        "malignancy",
    }


def test_keys_are_stable_and_unique() -> None:
    first, second = _generate(HO_DECK), _generate(HO_DECK)
    assert [c.key for c in first.cards] == [c.key for c in second.cards]
    assert len({c.key for c in first.cards}) == len(first.cards)
    assert all(c.key.startswith("heterotopic-ossification/") for c in first.cards)


def test_a_platitude_makes_no_card_and_is_reported() -> None:
    draft = _generate(HO_DECK)
    assert not [c for c in draft.cards if c.section_path[-1] == "Summary"]
    assert [u.line for u in draft.uncarded if u.section_path[-1] == "Summary"] == [123]


# --- Obsidian's constructs -----------------------------------------------------------------------


def test_callout_titles_lead_their_content() -> None:
    draft = _md(
        "# Hyperkalaemia\n\n> [!warning] ECG changes of hyperkalaemia\n> - Tall tented T waves\n"
        "> - Broad QRS\n> - Sine wave pattern\n\n> [!note]+ Calcium gluconate\n"
        "> Give 30 mL of 10% over 10 minutes.\n",
        "h.md",
    )
    lists = [c for c in draft.cards if c.kind == "list"]
    assert [(c.front, c.back) for c in lists] == [
        ("ECG changes of hyperkalaemia: name all 3.", "Tall tented T waves\nBroad QRS\nSine wave pattern")
    ]
    dose = _by_back(draft)["30 mL"]
    assert dose.front == "Calcium gluconate: Give [...] of 10% over 10 minutes."
    assert not [c for c in draft.cards if "[!" in c.front or "warning" in c.front]


def test_footnotes_travel_with_the_line_that_cites_them() -> None:
    draft = _md(
        "# Gout\n\n## Drugs\n\n- Colchicine 500 micrograms twice daily[^1][^2]\n\n"
        "[^1]: Reduce the dose in renal impairment.\n[^2]: Smith J. Gout. BMJ 2020.\n",
        "g.md",
    )
    dose = _by_back(draft)["500 micrograms"]
    assert dose.front == "Colchicine [...] twice daily (reduce the dose in renal impairment)"
    assert dose.references == ("2",)


def test_math_reads_as_text() -> None:
    draft = _md(
        "# DKA\n\n- Venous $\\ce{HCO3-}$ <15.0 mmol/L\n- Anion gap: $AG = Na^+ - (Cl^- + HCO_3^-)$\n"
        "- Ratio $\\frac{a}{b}$ above 2 mmol/L\n",
        "dka.md",
    )
    texts = " ".join(_filled(c) for c in draft.cards)
    assert "Venous HCO₃⁻ <15.0 mmol/L" in texts and "Na⁺ - (Cl⁻ + HCO₃⁻)" in texts and "a/b" in texts
    assert "$" not in texts and "\\" not in texts


def test_tables_ask_for_a_cell_given_its_row_and_column() -> None:
    draft = _md(
        "# Hyperkalaemia\n\n| Drug | Dose | Notes |\n| --- | --- | --- |\n"
        "| Calcium gluconate 10% | 30 mL IV | Stabilises the myocardium within 3 minutes |\n"
        "| Salbutamol | 10-20 mg nebulised | |\n",
        "k.md",
    )
    cards = {c.front: c.back for c in draft.cards}
    assert cards["Calcium gluconate 10% — Dose?"] == "30 mL IV"
    assert cards["Salbutamol — Dose?"] == "10-20 mg nebulised"
    assert "Calcium gluconate 10%: Stabilises the myocardium within [...]" in cards
    assert not [f for f in cards if f.endswith("— Drug?") or "Notes?" in f]


def test_sources_links_tasks_tags_and_images_make_no_card() -> None:
    draft = _md(
        "# Anaphylaxis #allergy\n\n- Adrenaline 500 micrograms IM #drugs\n- [ ] Ask about EpiPens\n"
        "- ![[adrenaline.png]]\n\n![chart](chart.png)\n\n## See also\n\n- [[Asthma]]\n"
        "- [[Urticaria]]\n\n## Sources\n\n1. Resuscitation Council UK. 2021. Guideline 10 mg.\n",
        "Anaphylaxis.md",
    )
    assert [c.back for c in draft.cards] == ["500 micrograms"]
    assert _by_back(draft)["500 micrograms"].front == "Adrenaline [...] IM"
    assert draft.images == ("adrenaline.png", "chart.png")
    assert not draft.uncarded
    assert not draft.warnings


def test_the_obsidian_fixture_imports_cleanly() -> None:
    draft = _generate(FIXTURES / "obsidian-note.md")
    assert draft.name == "Ossification notes"
    assert [s.title for s in draft.sections] == ["Ossification notes", "Drugs", "Genetics", "After the draft"]
    texts = [c.front + "\n" + c.back for c in draft.cards]
    assert not [t for t in texts if "image" in t or "diagram" in t or "Check" in t]
    by_back = _by_back(draft)
    assert by_back["indomethacin"].references == ("1",)
    fronts = {c.front: c for c in draft.cards}
    assert fronts["NSAIDs, e.g. indomethacin: Dose [...] daily"].back == "75 mg"
    assert fronts["Etidronate — Dose?"].back == "20 mg/kg"
    assert fronts["Etidronate — Dose?"].source_line == 26
    assert fronts["Which gene is mutated in FOP?"].kind == "explicit"
    assert fronts["The [...] receptor is a BMP type I receptor."].back == "ACVR1"
    assert fronts["The ACVR1 receptor is a [...] type I receptor."].back == "BMP"
    assert by_back["c.617G>A"].references == ("2",)
    assert by_back["marked term"].kind == "cloze"
    assert not any("left out" in t or "Nothing here" in t for t in texts)
    assert any("stays in" in t for t in texts)
    assert draft.images == ("diagram.png", "scan.png")


# --- targets and the leak guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, answer",
    [
        ("Shock with 120-150 J biphasic", "120-150 J"),
        ("Start insulin at 0.1 U/kg/h", "0.1 U/kg/h"),
        ("Acidosis: venous bicarbonate <15.0 mmol/L", "<15.0 mmol/L"),
        ("Severe if venous pH <7.0", "<7.0"),
        ("Severe AKI means a creatinine rise to 3 times baseline", "3 times baseline"),
        ("Sepsis is likely with at least 2 of 4 criteria", "at least 2 of 4"),
        ("Fever above 38 °C", "above 38 °C"),
        ("Compressions at 100-120/min", "100-120/min"),
        ("Bradycardia under 40 beats/min", "under 40 beats/min"),
        ("Serum osmolality below 275 mOsm/kg", "below 275 mOsm/kg"),
        ("Sodium below 120 mEq/L", "below 120 mEq/L"),
        ("Creatinine above 354 µmol/L", "above 354 µmol/L"),
        ("Target INR 2.0-3.0 on warfarin", "2.0-3.0"),
        ("Heparin 80 U/kg IV bolus", "80 U/kg"),
        ("Repeat after 5 minutes", "5 minutes"),
        ("Observe for 6 hours", "6 hours"),
        ("Caused by mutations in the ACVR1 gene", "ACVR1"),
    ],
)
def test_figures_are_asked_with_their_units(line: str, answer: str) -> None:
    draft = _md(f"# Notes\n\n## Facts\n\n- {line}\n", "n.md")
    assert answer in _by_back(draft), [c.back for c in draft.cards]


def test_the_leak_guard_is_precise() -> None:
    draft = _md(
        "# Notes\n\n## Facts\n\n- Give 10 mg now and 10 mg at 6 hours\n"
        "- Potassium 5.5 mmol/L and sodium 135 mmol/L\n"
        "- Axial > appendicular in most cases of ossification\n",
        "n.md",
    )
    backs = [c.back for c in draft.cards]
    assert "10 mg" not in backs  # the same value stands on the front
    assert {"5.5 mmol/L", "135 mmol/L"} <= set(backs)  # the same unit is no leak
    assert not [b for b in backs if b in ("Axial", "appendicular")]  # half of an ordered pair


def test_a_definition_of_the_deck_title_is_kept() -> None:
    draft = _md(
        "# Sepsis\n\nSepsis is a life-threatening organ dysfunction caused by a dysregulated host "
        "response to infection.\n",
        "Sepsis.md",
    )
    assert draft.cards[0].front == "What is sepsis?"
    assert draft.cards[0].back.startswith("A life-threatening organ dysfunction")


def test_a_long_sentence_keeps_only_the_nearest_context() -> None:
    words = " ".join(f"word{n}" for n in range(60))
    draft = _md(
        f"# T\n\n## S\n\nThe long lead-in of this list goes on:\n\n- {words} and then 40 mg daily {words}\n",
        "t.md",
    )
    card = _by_back(draft)["40 mg"]
    assert len(card.front.split()) <= 45 and CLOZE_GAP in card.front


def test_cards_that_come_out_identical_are_made_once() -> None:
    draft = _md("# T\n\n## S\n\n- Dose is 10 mg daily\n- Dose is 10 mg daily\n", "t.md")
    assert [c.back for c in draft.cards if c.kind == "cloze"] == ["10 mg"]


def test_never_blanks_a_whole_bullet() -> None:
    draft = _md("# T\n\n## S\n\n- **Indomethacin**\n- 93%\n- cellulitis\n", "t.md")
    assert not [c for c in draft.cards if c.kind == "cloze"]


# --- the fixture notes, as a student keeps them ---------------------------------------------------


@pytest.mark.parametrize(
    "name, title, cards",
    [
        (
            "Diabetic ketoacidosis.md",
            "Diabetic ketoacidosis",
            [
                (
                    "Diagnostic criteria (JBDS) - all three: Glucose: blood glucose [...] or known diabetes",
                    ">11.0 mmol/L",
                ),
                ("Anion gap: what is AG?", "Na⁺ - (Cl⁻ + HCO₃⁻)"),
            ],
        ),
        (
            "Sepsis.md",
            "Sepsis",
            [
                (
                    "Sepsis: [...]",
                    "life-threatening organ dysfunction caused by a dysregulated host response to "
                    "infection (Sepsis-3)",
                ),
                (
                    "Bedside prompt - at least 2 of: name all 3.",
                    "RR ≥22 breaths/min\nAltered mentation\nSystolic BP ≤100 mmHg",
                ),
                ("Lactate [...] or systolic BP <90 mmHg → IV fluid bolus without delay.", ">4 mmol/L"),
            ],
        ),
        (
            "Hyperkalaemia.md",
            "Hyperkalaemia",
            [
                ("Moderate — Serum K+ (mmol/L)?", "6.0-6.4"),
                (
                    "Roughly in order as K+ rises: name all 5.",
                    "Tall, tented T waves\nFlattened or absent P waves, "
                    "prolonged PR interval\nBroad QRS\nSine wave pattern\nVF, asystole or bradycardic arrest",
                ),
            ],
        ),
    ],
)
def test_each_fixture_note_gives_the_cards_a_student_needs(
    name: str, title: str, cards: list[tuple[str, str]]
) -> None:
    draft = _generate(FIXTURES / "notes" / name)
    assert draft.name == title and draft.sections[0].title == title
    made = {(c.front, c.back) for c in draft.cards}
    for card in cards:
        assert card in made, card
    # Sources, references and "see also" links make no card; nor does the note's own preamble.
    assert not [
        c for c in draft.cards if re.match(r"(Sources|References|See also|Related)\b", c.section_path[-1])
    ]


def test_the_stub_fixture_is_refused_as_a_stub() -> None:
    with pytest.raises(StubError, match="front matter only"):
        _generate(FIXTURES / "notes" / "Pulmonary embolism.md")


def test_images_the_cards_leave_out_are_named() -> None:
    assert _generate(FIXTURES / "notes" / "Hyperkalaemia.md").images == ("hyperkalaemia ECG progression.png",)


def test_a_threshold_at_the_start_of_a_bullet_is_not_a_quote() -> None:
    draft = _md(
        "# K\n\n## Potassium\n\nKCl per litre of fluid:\n\n- >5.5 mmol/L → nil\n"
        "- 3.5-5.5 mmol/L → 40 mmol/L\n",
        "k.md",
    )
    lists = [c.back for c in draft.cards if c.kind == "list"]
    assert lists == [">5.5 mmol/L → nil\n3.5-5.5 mmol/L → 40 mmol/L"]


def test_a_score_s_items_ask_for_their_points() -> None:
    draft = _md(
        "# Stroke\n\n## Recognition\n\n- ROSIER in ED:\n  - seizure activity: −1\n"
        "  - new asymmetric leg weakness: +1\n",
        "Stroke.md",
    )
    cards = {c.front: c.back for c in draft.cards}
    assert cards["ROSIER in ED: seizure activity: [...]"] == "−1"
    assert cards["ROSIER in ED: new asymmetric leg weakness: [...]"] == "+1"
    # "leg" holds "eg" but gives no example: no card asks for "weakness: +1".
    assert "weakness: +1" not in cards.values()


def test_a_figure_restated_in_another_unit_or_a_gloss_beside_the_gap_is_a_leak() -> None:
    draft = _md(
        "# Sepsis\n\n## SIRS\n\n- RR >20 breaths/min or PaCO₂ <4.3 kPa (32 mmHg)\n"
        "- Glucose can be normal on SGLT2 inhibitors (the gliflozins) or in pregnancy\n",
        "s.md",
    )
    backs = {c.back for c in draft.cards}
    assert ">20 breaths/min" in backs
    assert not backs & {"<4.3 kPa", "32 mmHg", "SGLT2 inhibitors"}


def test_a_callout_titled_with_a_question_is_a_card_as_written() -> None:
    draft = _md(
        "# Meningitis\n\n## Steroids\n\n> [!question] Why scan before the LP?\n"
        "> To exclude raised intracranial pressure.\n",
        "m.md",
    )
    assert [(c.kind, c.front, c.back) for c in draft.cards] == [
        ("explicit", "Why scan before the LP?", "To exclude raised intracranial pressure.")
    ]
