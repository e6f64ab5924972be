"""Typed answers judged like a clinician: near-misses that must never pass, right answers in every
accepted form, lists item by item, a digit changed never passing, and the HO deck against itself."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.answers import abbreviations, compare, items
from quiz.generator import generate
from quiz.render.review import comparison
from tests.conftest import HO_DECK, Invoke

PASS = 3
KNOWN = abbreviations(
    [
        "Heterotopic ossification (HO) is bone in soft tissue.",
        "Fibrodysplasia Ossificans Progressiva (FOP)",
    ]
)
TWO_FORMS = "Acquired Heterotopic Ossification\nHereditary Forms"
TWO_FORMS_FRONT = "HO can be classified into two main categories: name them."

# (typed, expected, suggested grade): each a clinical error, none may pass.
NEAR_MISSES = [
    # The pairs.
    ("ACVR2", "ACVR1", 1),
    ("c.617A>G", "c.617G>A", 1),
    ("p.R206C", "p.R206H", 1),
    ("0.5 mg/dL", "0.3 mg/dL", 1),
    ("50 mL", "30 mL", 1),
    ("6 hours", "3 hours", 1),
    ("90 mmHg", "100 mmHg", 1),
    ("hereditary", TWO_FORMS, 2),  # one item of two: "1 of 2 recalled"
    ("forms", TWO_FORMS, 1),
    # Doses, units, concentrations.
    ("0.3 mmol/L", "0.3 mg/dL", 1),
    ("1:100", "1:1000", 1),
    ("5 mg", "5 mg/kg", 1),
    ("0.5 mg", "5 mg", 1),
    ("4.0 mg", "40 mg", 1),
    ("10 units", "100 units", 1),
    ("3-6 months", "3-6 weeks", 1),
    ("6-12 weeks", "3-6 weeks", 1),
    ("12 minutes", "12 hours", 1),
    ("38.5 °C", "37.5 °C", 1),
    ("5.2 mmol/L", "2.5 mmol/L", 1),
    ("10 x 10^9/L", "100 × 10⁹/L", 1),
    ("1.5 T", "3 T", 1),
    ("0.5 mg/dL", "≥ 0.5 mg/dL", 1),
    ("> 3 cm", "≥ 3 cm", 1),
    ("< 0.5", "> 0.5", 1),
    ("insulin 10 units", "insulin 100 units", 1),
    # Genes, proteins, variants, labels.
    ("HLA-B7", "HLA-B27", 1),
    ("c.617G>T", "c.617G>A", 1),
    ("c.671G>A", "c.617G>A", 1),
    ("p.Arg206Cys", "p.R206H", 1),
    ("BRCA2", "BRCA1", 1),
    ("HRAS", "KRAS", 1),
    ("IL-1", "IL-6", 1),
    ("T1-weighted", "T2-weighted", 1),
    ("L5", "L4", 1),
    ("type 1 diabetes", "type 2 diabetes", 2),
    ("ACVR1 or ACVR2", "ACVR1", 2),  # hedging: an exact part the answer does not hold
    ("MRI", "CT Scan", 1),
    ("c.617G>A", "c.617G>A; p.R206H", 2),  # one of the two parts
    # Words that are other words, not typos; drug names a letter or two apart.
    ("decreased", "increased", 1),
    ("adduction", "abduction", 1),
    ("ileum", "ilium", 1),
    ("dysphasia", "dysphagia", 1),
    ("efferent", "afferent", 1),
    ("hypotension", "hypertension", 1),
    ("hypokalaemia", "hyperkalaemia", 1),
    ("posterior", "anterior", 1),
    ("inferior", "superior", 1),
    ("left ventricle", "right ventricle", 1),
    ("bradycardia", "tachycardia", 1),
    ("prednisolone", "prednisone", 1),
    ("cefotaxime", "cefuroxime", 1),
    ("hydroxyzine", "hydralazine", 1),
    ("erythromycin", "clarithromycin", 1),
    ("osteoblastoma", "osteoblast", 1),
    ("appendicular > axial", "axial > appendicular", 1),
]


@pytest.mark.parametrize(("typed", "expected", "grade"), NEAR_MISSES)
def test_clinical_near_misses_never_pass(typed: str, expected: str, grade: int) -> None:
    shown = TWO_FORMS_FRONT if expected == TWO_FORMS else ""
    result = compare(typed, expected, KNOWN, shown)
    assert result.suggested < PASS
    assert result.suggested == grade


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("acvr1", "ACVR1"),  # a gene symbol's case carries no meaning here
        ("0.3mg/dl", "0.3 mg/dL"),
        ("0.3 milligrams per decilitre", "0.3 mg/dL"),
        ("3 hrs", "3 hours"),
        ("3h", "3 hours"),
        ("30 ml", "30 mL"),
        ("0,5 mg", "0.5 mg"),  # a decimal comma
        ("1,000 mg", "1000 mg"),  # a thousands comma (three digits after it)
        ("0.30 mg", "0.3 mg"),
        ("3–6 weeks", "3-6 weeks"),
        ("3 to 6 weeks", "3-6 weeks"),
        ("3 weeks to 6 weeks", "3-6 weeks"),
        (">= 3 cm", "≥ 3 cm"),
        ("at least 3 cm", "≥ 3 cm"),
        ("more than 90 mmHg", "> 90 mmHg"),
        ("2 x 10^9/L", "2 × 10⁹/L"),
        ("1 : 1000", "1:1000"),
        ("93", "93%"),  # the percent is implied
        ("93 percent", "93%"),
        ("p.Arg206His", "p.R206H"),
        ("p.(Arg206His)", "p.R206H"),
        ("c.617 G>A", "c.617G>A"),
        ("HLA B27", "HLA-B27"),
        ("il6", "IL-6"),
        ("IL 6", "IL-6"),
        ("acvr 1", "ACVR1"),
        ("FOP", "Fibrodysplasia Ossificans Progressiva (FOP)"),
        ("fibrodysplasia ossificans progressiva", "Fibrodysplasia Ossificans Progressiva (FOP)"),
        ("Fibrodysplasia Ossificans Progressiva (FOP)", "Fibrodysplasia Ossificans Progressiva (FOP)"),
        ("fibrodysplasia ossificans progresiva", "Fibrodysplasia Ossificans Progressiva (FOP)"),  # a typo
        ("MSCs", "Mesenchymal stem cells (MSCs)"),
        ("HO", "heterotopic ossification"),
        ("Ossification hétérotopique", "ossification heterotopique"),  # accents
        ("loose-bodies!", "loose bodies"),  # punctuation
        ("osteomylitis", "osteomyelitis"),  # one typo in a rare word
        ("tisue", "tissue"),
        ("indometacin", "indomethacin"),  # INN and USAN spellings
        ("anemia", "anaemia"),
        ("edema", "oedema"),
        ("signaling", "signalling"),
        ("elbows; hips and knees", "hips, knees, and elbows"),  # a list in any order
        ("knees, hips", "hips\nknees"),
        ("acquired and hereditary", TWO_FORMS),
        (
            "axial>appendicular, ventral<dorsal, proximal > distal",
            "axial > appendicular; dorsal > ventral; proximal > distal",
        ),
        ("CT scan", "CT Scan"),
    ],
)
def test_right_answers_pass_in_every_accepted_form(typed: str, expected: str) -> None:
    shown = TWO_FORMS_FRONT if expected == TWO_FORMS else ""
    result = compare(typed, expected, KNOWN, shown)
    assert result.suggested >= 4, result
    assert not result.wrong


def test_a_list_is_scored_item_by_item() -> None:
    result = compare("knees, hipps, wrists", "hips\nknees\nelbows")
    assert result.is_list
    assert (result.recalled, len(result.items)) == (2, 3)
    assert [i.expected for i in result.items if not i.recalled] == ["elbows"]
    assert result.suggested == 3  # two thirds
    assert compare("hips", "hips\nknees\nelbows").suggested == 2  # some
    assert compare("wrists", "hips\nknees\nelbows").suggested == 1  # none
    assert compare("", "hips\nknees\nelbows").suggested == 0  # blank
    assert compare("elbows knees hips", "hips\nknees\nelbows").suggested == 5  # all, word-perfect
    assert compare("elbwos, knees, hips", "hips\nknees\nelbows").suggested == 4  # all, one typo


def test_a_wrong_number_caps_a_list_at_a_fail() -> None:
    expected = "Indomethacin 25 mg\nRadiation 7 Gy"
    assert compare("indomethacin 25 mg, radiation 7 Gy", expected).suggested == 5
    result = compare("indomethacin 25 mg, radiation 8 Gy", expected)
    assert (result.recalled, result.suggested) == (1, 2)
    assert [(m.expected, m.status, m.typed) for m in result.items[1].marks] == [("7 Gy", "wrong", "8 Gy")]


def test_the_items_of_an_answer() -> None:
    assert items("hips, knees, and elbows") == ["hips", "knees", "elbows"]
    assert items("c.617G>A; p.R206H") == ["c.617G>A", "p.R206H"]
    assert items("Non-steroidal anti-inflammatory drugs (NSAIDs, such as indomethacin)") == [
        "Non-steroidal anti-inflammatory drugs (NSAIDs, such as indomethacin)"
    ]
    assert items("Joint swelling, pain") == ["Joint swelling, pain"]  # two parts, no "and": one answer


def test_abbreviations_found_in_a_deck() -> None:
    assert KNOWN == {"ho": "heterotopic ossification", "fop": "fibrodysplasia ossificans progressiva"}
    assert abbreviations(["bone (HO) only"]) == {}  # the letters must match the words before


def test_the_block_shows_expected_beside_typed() -> None:
    text = comparison(compare("knees, 0.5 mg/dL", "hips\nknees\n0.3 mg/dL"))
    lines = text.splitlines()
    assert re.match(r"\s+expected\s+you typed$", lines[0])
    assert re.search(r"✗ hips\s+\(missed\)$", text, re.M)
    assert re.search(r"✓ knees\s+knees$", text, re.M)
    assert re.search(r"! 0\.3 mg/dL\s+0\.5 mg/dL \(wrong\)$", text, re.M)
    assert lines[-1].startswith("1 of 3 recalled; missed: hips; 0.3 mg/dL;")
    assert lines[-1].endswith("suggested grade 2.")


def test_review_shows_a_wrong_gene_beside_the_right_one(quiz: Invoke, db_path: Path) -> None:
    typed = "great toes\n\nendocondral\n\nACVR2\n\n"
    result = quiz("review", "--cram", "--typed", "--section", "Fibrodysplasia", input=typed)
    assert result.exit_code == 0, result.output
    assert re.search(r"✓ endochondral\s+endocondral$", result.stdout, re.M)  # a typo forgiven
    assert re.search(r"! ACVR1\s+ACVR2 \(wrong\)$", result.stdout, re.M)
    assert "symbol or term is wrong: no pass → suggested grade 1." in result.stdout
    with sqlite3.connect(db_path) as connection:
        grades = [g for (g,) in connection.execute("SELECT grade FROM reviews ORDER BY id")]
    assert grades == [5, 4, 1]  # Enter accepted each suggestion


# --- a digit changed never passes -------------------------------------------------------------------

UNITS = ["mg", "mg/dL", "mL", "mmol/L", "hours", "weeks", "%", "mmHg", "units", "mg/kg/day", "cm", "°C"]
NUMBERS = st.one_of(
    st.integers(0, 5000).map(str),
    st.decimals(0, 999, places=2, allow_nan=False, allow_infinity=False).map(str),
)
EXPECTED = st.one_of(
    st.builds(lambda n, u: f"{n} {u}", NUMBERS, st.sampled_from(UNITS)),
    st.builds(
        lambda n, u, w: f"{w} {n}{u}", NUMBERS, st.sampled_from(UNITS), st.sampled_from(["give", "over"])
    ),
    st.builds(lambda a, b: f"{a}-{b} weeks", NUMBERS, NUMBERS),
    st.builds(lambda a, b: f"{a}:{b}", NUMBERS, NUMBERS),
    st.builds(lambda c, n: f"{c} {n} mg", st.sampled_from([">", "≥", "<", "≤"]), NUMBERS),
    st.builds(lambda g, n: f"{g}{n}", st.sampled_from(["ACVR", "BRCA", "HLA-B", "IL-", "T", "L"]), NUMBERS),
    st.builds(lambda n: f"c.{n}G>A; p.R{n}H", st.integers(1, 3000).map(str)),
    st.builds(lambda n, u: f"Indomethacin {n} {u}\nRadiation therapy", NUMBERS, st.sampled_from(UNITS)),
    st.sampled_from(
        [c.back for c in generate(HO_DECK.read_text(encoding="utf-8"), str(HO_DECK)).cards]
    ).filter(lambda back: any(ch.isdigit() for ch in back)),
)


@settings(max_examples=300, deadline=None)
@given(EXPECTED, st.data())
def test_changing_any_digit_never_passes(expected: str, data: st.DataObject) -> None:
    digits = [i for i, ch in enumerate(expected) if ch.isdigit()]
    at = data.draw(st.sampled_from(digits))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != expected[at]]))
    typed = expected[:at] + other + expected[at + 1 :]
    assert compare(expected, expected).suggested >= 4
    assert compare(typed, expected).suggested < PASS, typed


# --- the HO deck against itself ---------------------------------------------------------------------


def test_the_ho_deck_judged_against_itself() -> None:
    """Each card's own back gets the top grade; another card's back passes only if it is the same."""
    cards = generate(HO_DECK.read_text(encoding="utf-8"), str(HO_DECK)).cards
    known = abbreviations(c.front + " " + c.back for c in cards)
    own = [compare(c.back, c.back, known, c.front).suggested for c in cards]
    assert own == [5] * len(cards)
    passed = [
        (other.back, card.back)
        for card in cards
        for other in cards
        if other is not card and compare(other.back, card.back, known, card.front).suggested >= PASS
    ]
    assert all(typed == expected for typed, expected in passed), passed


@pytest.mark.parametrize("typed", ["a1-" * 5000, "a" * 20000, "3-" * 10000, " " * 20000 + "3 mg"])
def test_a_long_typed_line_is_judged_quickly(typed: str) -> None:
    started = time.monotonic()
    assert compare(typed, "hips\nknees\nelbows 3 mg").suggested <= 1
    assert time.monotonic() - started < 5  # a pattern that backtracks took 25 s to 80 s on these


def test_each_item_carries_what_was_typed_for_it_as_typed() -> None:
    expected = "c.617G>A (p.R206H)\naxial > appendicular\ngreat toes"
    result = compare("c.617G>A p.Arg206His; appendicular < axial, the great toes", expected)
    typed = ["c.617G>A p.Arg206His", "appendicular < axial", "the great toes"]
    assert [i.typed for i in result.items] == typed
    shared = compare("the hips and knees", "hips\nknees\nelbows")  # one piece for two items
    assert [i.typed for i in shared.items] == ["hips", "knees", ""]


@pytest.mark.parametrize("width", [80, 120])
def test_the_block_fits_the_width_each_text_read_whole(width: int) -> None:
    expected = (
        "Heterotopic ossification is bone formed in soft tissue where bone normally does not exist\n"
        "Indomethacin 25 mg three times a day for six weeks after surgery\ngreat toes"
    )
    typed = "bone in soft tissues where it normally does not exist at all; indomethacin 25 mg for six weeks"
    result = compare(typed, expected)
    text = comparison(result, width=width)
    assert all(len(line) <= width for line in text.splitlines()), text
    rows = [line for line in text.splitlines()[1:] if line.startswith("  ")]
    left = text.splitlines()[0].index("you typed")
    column = [line[:left].strip(" ✓✗!") for line in rows]
    typed_column = [line[left:] for line in rows]
    assert expected.splitlines()[0] in " ".join(" ".join(column).split())
    assert "bone in soft tissues where it normally does not exist at all" in " ".join(typed_column)
    assert "indomethacin 25 mg for six weeks" in " ".join(typed_column)
    assert [i.typed for i in result.items][:2] == typed.split("; ")
