"""The exported HO deck studied in Anki's own backend: one note per sentence whose fronts hide the
sibling gaps, new cards served in the document's order, a multi-gap note updated in place after an
edit (its review history kept), and retired cards tagged and suspended."""

from __future__ import annotations

import html
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quiz.anki.export import card_ordinals
from quiz.anki.style import CSS, DAY, NIGHT
from quiz.services.export import cards_to_export
from quiz.store import open_db
from tests.conftest import Invoke

anki_collection = pytest.importorskip("anki.collection", reason="Anki's backend studies the export")

DECK = "heterotopic-ossification"
SENTENCE = "- Useful for assessing heterotopic ossification, **loose bodies**, and **osteophytosis**\n"


@pytest.fixture
def deck_copy(tmp_path: Path, ho_deck: Path, quiz: Invoke) -> Path:
    path = tmp_path / f"{DECK}.md"
    shutil.copy(ho_deck, path)
    assert quiz("import", str(path)).exit_code == 0
    return path


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Any]:
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def _export(quiz: Invoke, target: Path) -> Path:
    result = quiz("export", "anki", DECK, "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def _import(col: Any, package: Path, **options: bool) -> None:
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=anki_collection.ImportAnkiPackageOptions(**options)
    )
    col.import_anki_package(request)


def _ordinals(db_path: Path) -> dict[tuple[str, int], str]:
    with open_db(f"sqlite:///{db_path}") as db:
        rows, _ = cards_to_export(db, [DECK], None, True, None, datetime.now(UTC))
    return card_ordinals(rows)


def _shown(question: str) -> str:
    """The text a student sees on a front: the CSS hides the sentence's other deletions
    (cloze-inactive), and attributes (the active gap's data-cloze) are never shown."""
    question = re.sub(r"<style>.*?</style>", "", question, flags=re.S)
    question = re.sub(r'<span class="cloze-inactive"[^>]*>.*?</span>', "[…]", question, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", question))


def _answers(card: Any) -> list[str]:
    """What the card's own deletions reveal on its back."""
    found = re.findall(r'<span class="cloze" data-ordinal="\d+">(.*?)</span>', card.answer(), flags=re.S)
    return [html.unescape(answer) for answer in found]


def test_no_front_shows_a_sibling_answer(
    quiz: Invoke, deck_copy: Path, tmp_path: Path, collection: Any
) -> None:
    _import(collection, _export(quiz, tmp_path / "ho.apkg"))
    shared = 0
    for note_id in collection.find_notes('"note:Quiz Cloze"'):
        cards = collection.get_note(note_id).cards()
        shared += len(cards) > 1
        for card in cards:
            shown = _shown(card.question())
            for sibling in cards:
                for answer in _answers(sibling):
                    assert answer not in shown, (card.ord, sibling.ord, answer, shown)
            assert "[...]" in shown  # its own gap
    assert shared >= 7  # the HO deck's sentences of two gaps each


def test_ordinals_follow_the_package(quiz: Invoke, deck_copy: Path, db_path: Path, tmp_path: Path) -> None:
    """card_ordinals (what the review import matches Anki's cards by) names every card Anki made."""
    collection = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        _import(collection, _export(quiz, tmp_path / "ho.apkg"))
        ordinals = _ordinals(db_path)
        made = {
            (collection.get_note(c.nid).guid, c.ord)
            for c in map(collection.get_card, collection.find_cards(""))
        }
        assert made == set(ordinals)
        assert len(set(ordinals.values())) == len(ordinals)
    finally:
        collection.close()


def test_first_twenty_new_cards_follow_the_document(
    quiz: Invoke, deck_copy: Path, db_path: Path, tmp_path: Path, collection: Any
) -> None:
    _import(collection, _export(quiz, tmp_path / "ho.apkg"), with_deck_configs=True)
    collection.decks.select(collection.decks.id_for_name("Heterotopic Ossification"))
    queued = collection.sched.get_queued_cards(fetch_limit=20).cards
    ordinals = _ordinals(db_path)
    served = [ordinals[(collection.get_note(q.card.note_id).guid, q.card.template_idx)] for q in queued]
    cards = {c["key"]: i for i, c in enumerate(_quiz_cards(quiz))}  # quiz's document order
    assert len(served) == 20
    assert [cards[key] for key in served] == sorted(cards[key] for key in served)
    # One card per sentence a day (siblings buried), from the top of the document down.
    assert len({q.card.note_id for q in queued}) == 20
    assert served[0] == _quiz_cards(quiz)[0]["key"]


def _quiz_cards(quiz: Invoke) -> list[dict[str, Any]]:
    import json

    return list(json.loads(quiz("cards", DECK, "--format", "json").stdout))


def test_cloze_note_updates_in_place_after_an_edit(
    quiz: Invoke, deck_copy: Path, db_path: Path, tmp_path: Path, collection: Any
) -> None:
    _import(collection, _export(quiz, tmp_path / "first.apkg"))
    (note_id,) = collection.find_notes('"Text:*{{c1::loose bodies}}*"')
    before = {card.ord: card.id for card in collection.get_note(note_id).cards()}
    assert sorted(before) == [0, 1]
    studied = collection.get_card(before[0])
    studied.start_timer()
    collection.sched.answerCard(studied, 3)  # Good, in Anki's own scheduler
    reviews = collection.db.scalar("SELECT count() FROM revlog WHERE cid = ?", before[0])
    # The source gains a gap in the middle of the sentence, and a reference.
    text = deck_copy.read_text(encoding="utf-8")
    assert SENTENCE in text
    deck_copy.write_text(
        text.replace(
            SENTENCE,
            "- Useful for assessing heterotopic ossification, **loose bodies**, **synovitis**, and "
            "**osteophytosis** [4]\n",
        ),
        encoding="utf-8",
    )
    assert quiz("import", str(deck_copy)).exit_code == 0
    time.sleep(1.1)  # Anki takes an edit only from a newer package; its clock counts seconds
    _import(collection, _export(quiz, tmp_path / "second.apkg"))
    note = collection.get_note(note_id)  # the same note
    assert note["Text"] == (
        "Useful for assessing heterotopic ossification, {{c1::loose bodies}}, {{c3::synovitis}}, "
        "and {{c2::osteophytosis}}"
    )
    after = {card.ord: card.id for card in note.cards()}
    assert after[0] == before[0] and after[1] == before[1] and 2 in after  # the new gap: card 3
    assert collection.get_card(before[0]).reps == 1
    assert collection.db.scalar("SELECT count() FROM revlog WHERE cid = ?", before[0]) == reviews == 1
    ordinals = _ordinals(db_path)
    new_key = ordinals[(note.guid, 2)]
    assert new_key not in {ordinals[(note.guid, 0)], ordinals[(note.guid, 1)]}


def test_retired_cards_tagged_and_suspended(
    quiz: Invoke, deck_copy: Path, tmp_path: Path, collection: Any
) -> None:
    _import(collection, _export(quiz, tmp_path / "first.apkg"))
    text = deck_copy.read_text(encoding="utf-8")
    deck_copy.write_text(
        text.replace("- No documented cases of **malignancy** in FOP patients [4]\n", "").replace(
            SENTENCE, SENTENCE.replace("**osteophytosis**", "osteophytosis")
        ),
        encoding="utf-8",
    )
    assert quiz("import", str(deck_copy)).exit_code == 0
    time.sleep(1.1)
    second = _export(quiz, tmp_path / "second.apkg")
    notes_before = collection.note_count()
    _import(collection, second)
    assert collection.note_count() == notes_before  # nothing added, nothing lost
    (gone,) = collection.find_notes("tag:quiz::retired")
    assert "malignancy" in collection.get_note(gone)["Text"]
    assert "No longer in the source" in collection.get_note(gone)["Context"]
    # A gap retired from a sentence still there: its note keeps the deletion, the tag names the card.
    (sentence,) = collection.find_notes("tag:quiz::retired-gap::c2")
    assert collection.get_note(sentence)["Text"].endswith("{{c2::osteophytosis}}")
    # Anki never changes a card it already has on import: the README's one search suspends them.
    retired = collection.find_cards("tag:quiz::retired or (tag:quiz::retired-gap::c2 card:2)")
    assert len(retired) == 2
    # A student importing the package afresh, with its learning progress, gets them suspended.
    fresh = anki_collection.Collection(str(tmp_path / "fresh.anki2"))
    try:
        _import(fresh, second, with_scheduling=True)
        suspended = {fresh.get_card(c).note()["Text"] for c in fresh.find_cards("is:suspended")}
        assert len(suspended) == 2
        assert any("malignancy" in t for t in suspended) and any("osteophytosis" in t for t in suspended)
        assert not fresh.find_cards('is:suspended "Text:*{{c1::loose bodies}}*" card:1')
    finally:
        fresh.close()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("palette", [DAY, NIGHT], ids=["day", "night"])
def test_every_colour_reads_at_wcag_aa(palette: dict[str, str]) -> None:
    for name in ("fg", "muted", "gap"):
        assert contrast(palette[name], palette["bg"]) >= 4.5, name
    assert palette["bg"] in CSS and palette["muted"] in CSS


def test_front_matter_references_and_tags_travel(quiz: Invoke, tmp_path: Path, collection: Any) -> None:
    source = tmp_path / "hyperkalaemia.md"
    source.write_text(
        "---\ndeck: Hyperkalaemia\ntags: [renal, Emergency Care]\nreferences:\n"
        "  - UK Kidney Association. Treatment of acute hyperkalaemia in adults. 2020.\n"
        "  - Resuscitation Council UK. Adult advanced life support. 2021.\n---\n\n"
        "# Hyperkalaemia\n\n## Treatment\n\n"
        "- Give **calcium gluconate 10%** 30 mL IV to protect the heart [2]\n",
        encoding="utf-8",
    )
    assert quiz("import", str(source)).exit_code == 0
    package = tmp_path / "hk.apkg"
    assert quiz("export", "anki", "hyperkalaemia", "-o", str(package)).exit_code == 0
    _import(collection, package)
    (note_id,) = collection.find_notes("calcium")
    note = collection.get_note(note_id)
    assert {"renal", "emergency-care"} <= set(note.tags)
    assert '<li value="2">Resuscitation Council UK. Adult advanced life support. 2021.</li>' in note["Source"]
    assert "UK Kidney Association" not in note["Source"]  # only what the card cites
    assert "hyperkalaemia.md, line" in note["Source"]


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="a browser shows what the CSS hides")
def test_a_browser_hides_the_sibling_gaps(
    quiz: Invoke, deck_copy: Path, tmp_path: Path, collection: Any
) -> None:
    """What _shown assumes, checked in Chromium at phone width by night: the other gap is hidden
    (the text a student can read or copy has no answer), no line runs off the screen."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    _import(collection, _export(quiz, tmp_path / "ho.apkg"))
    (note_id,) = collection.find_notes('"Text:*{{c1::loose bodies}}*"')
    card = next(c for c in collection.get_note(note_id).cards() if c.ord == 1)
    page = tmp_path / "card.html"
    page.write_text(
        "<!doctype html><meta charset=utf-8><style>" + card.note_type()["css"] + "</style>"
        f"<body class='nightMode night_mode card'>{card.question()}</body>",
        encoding="utf-8",
    )
    with sync_playwright() as browser_kit:
        browser = browser_kit.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"]
        )
        try:
            tab = browser.new_page(viewport={"width": 360, "height": 640})
            tab.goto(page.as_uri())
            shown = tab.evaluate("document.body.innerText")
            overflow = tab.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        finally:
            browser.close()
    assert "loose bodies" not in shown and "osteophytosis" not in shown and "[...]" in shown
    assert not overflow
    assert background == "rgb(44, 44, 44)"  # Anki's dark canvas
