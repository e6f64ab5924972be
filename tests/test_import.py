"""quiz import, outline, decks and cards end to end: what a user runs and sees."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from quiz.errors import StubError
from quiz.generator import Uncarded, generate
from quiz.generator.checks import card_flags
from tests.conftest import Invoke, dump, ho_card_count


def _cards(quiz: Invoke, deck: str = "heterotopic-ossification", *extra: str) -> list[dict[str, object]]:
    result = quiz("cards", deck, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    cards: list[dict[str, object]] = json.loads(result.stdout)
    return cards


def _import(quiz: Invoke, *paths: Path | str) -> dict[str, object]:
    result = quiz("import", "--format", "json", *map(str, paths))
    assert result.exit_code == 0, result.output
    decks: list[dict[str, object]] = json.loads(result.stdout)["decks"]
    return decks[0]


def test_first_use_creates_the_database_and_imports_the_bundled_deck(quiz: Invoke, db_path: Path) -> None:
    result = quiz("decks", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Creating the database" in result.stderr
    assert "Imported the bundled deck 'Heterotopic Ossification'" in result.stderr
    (deck,) = json.loads(result.stdout)
    assert deck["slug"] == "heterotopic-ossification"
    assert deck["cards"] == ho_card_count()
    assert deck["empty_sections"] == 5
    again = quiz("decks")
    assert "Creating" not in again.stderr and "Heterotopic Ossification" in again.stdout
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_import_the_plain_text_source_reports_counts_and_warnings(
    quiz: Invoke, tmp_path: Path, ho_source: Path
) -> None:
    source = tmp_path / "ho-source.txt"
    shutil.copy(ho_source, source)
    result = quiz("import", str(source))
    assert result.exit_code == 0, result.output
    assert "ho-source" in result.stdout
    assert result.stderr.count("is empty") == 5
    assert "section 'Surgical Resection' (line 50) is empty" in result.stderr
    cards = _cards(quiz, "ho-source")
    assert len(cards) >= 30
    card = next(c for c in cards if c["back"] == "93%")
    assert card == {
        "key": card["key"],
        "deck": "ho-source",
        "section": ["Heterotopic Ossification", "Imaging Characteristics", "CT Scan"],
        "kind": "cloze",
        "front": "High sensitivity ([...]) for detection of loose bodies",
        "back": "93%",
        "references": ["4"],
        "source_line": 29,
    }


def test_reimporting_an_unchanged_file_changes_nothing(quiz: Invoke, ho_deck: Path, db_path: Path) -> None:
    quiz("decks")
    before = dump(db_path)
    summary = _import(quiz, ho_deck)
    assert (summary["added"], summary["updated"], summary["retired"]) == (0, 0, 0)
    assert summary["unchanged"] == summary["cards"]

    # Only the deck's row (its "last imported" time) may differ.
    def without_deck_row(rows: list[str]) -> list[str]:
        return [r for r in rows if not r.startswith('INSERT INTO "decks"')]

    assert without_deck_row(dump(db_path)) == without_deck_row(before)


def _review_history(db_path: Path, key: str) -> list[tuple[int, int]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT reviews.card_id, reviews.grade FROM reviews JOIN cards ON cards.id = reviews.card_id "
            "WHERE cards.key = ?",
            (key,),
        ).fetchall()


def _add_review(db_path: Path, key: str) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO learners (name, created_at, new_per_day, reviews_per_day, "
            "leech_threshold, day_starts_at) VALUES ('ana', '2026-11-01', 20, 200, 8, 4)"
        )
        card_id, section_id = connection.execute(
            "SELECT id, section_id FROM cards WHERE key = ?", (key,)
        ).fetchone()
        connection.execute(
            "INSERT INTO reviews (uid, learner_id, card_id, section_id, grade, kind, reviewed_at, day, "
            "seconds, passed_before, interval, easiness, due) VALUES ('u1', 1, ?, ?, 4, 'review', "
            "'2026-11-01 10:00:00', '2026-11-01', 3.5, 0, 1, 250, '2026-11-02')",
            (card_id, section_id),
        )


def test_editing_a_bullet_updates_its_card_and_keeps_its_history(
    quiz: Invoke, tmp_path: Path, ho_deck: Path, db_path: Path
) -> None:
    deck = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, deck)
    _import(quiz, deck)
    old = next(c for c in _cards(quiz) if c["back"] == "93%")
    _add_review(db_path, str(old["key"]))
    history = _review_history(db_path, str(old["key"]))
    assert len(history) == 1

    text = deck.read_text(encoding="utf-8")
    deck.write_text(
        text.replace("for detecting loose bodies [4]", "for detecting intra-articular loose bodies [4]"),
        encoding="utf-8",
    )
    summary = _import(quiz, deck)
    assert summary["added"] == 0 and summary["retired"] == 0
    assert summary["updated"] >= 1
    new = next(c for c in _cards(quiz) if c["back"] == "93%")
    assert new["front"] == "High sensitivity ([...]) for detecting intra-articular loose bodies"
    assert new["key"] == old["key"]  # the stable key survives the edit
    assert _review_history(db_path, str(new["key"])) == history


def test_deleting_a_bullet_retires_its_card(
    quiz: Invoke, tmp_path: Path, ho_deck: Path, db_path: Path
) -> None:
    deck = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, deck)
    _import(quiz, deck)
    total = len(_cards(quiz))
    gone = next(c for c in _cards(quiz) if c["back"] == "malignancy")
    _add_review(db_path, str(gone["key"]))
    text = deck.read_text(encoding="utf-8")
    deck.write_text(
        text.replace("- No documented cases of **malignancy** in FOP patients [4]\n", ""), encoding="utf-8"
    )
    summary = _import(quiz, deck)
    assert summary["retired"] >= 1 and summary["added"] == 0
    remaining = _cards(quiz)
    assert "malignancy" not in [c["back"] for c in remaining]
    assert len(remaining) == total - summary["retired"]
    with sqlite3.connect(db_path) as connection:
        retired = connection.execute("SELECT retired FROM cards WHERE key = ?", (gone["key"],)).fetchone()
    assert retired == (1,)
    assert len(_review_history(db_path, str(gone["key"]))) == 1  # history kept


def test_dry_run_reports_without_writing(
    quiz: Invoke, tmp_path: Path, ho_source: Path, db_path: Path
) -> None:
    quiz("decks")
    before = dump(db_path)
    result = quiz("import", "--dry-run", "--replace", str(ho_source))
    assert result.exit_code == 0, result.output
    assert "dry run" in result.stdout
    assert dump(db_path) == before


def test_import_a_folder(quiz: Invoke, tmp_path: Path, ho_deck: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(ho_deck, folder / "heterotopic-ossification.md")  # the bundled deck's file, moved
    (folder / "sub" / "other.md").write_text("# Other\n\n## S\n\n- Dose is 10 mg\n", encoding="utf-8")
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    result = quiz("import", "--format", "json", str(folder))
    assert result.exit_code == 0, result.output
    decks = {d["deck"] for d in json.loads(result.stdout)["decks"]}
    assert decks == {"heterotopic-ossification", "other"}


def test_outline_shows_the_inferred_tree(quiz: Invoke, ho_source: Path) -> None:
    result = quiz("outline", str(ho_source))
    assert result.exit_code == 0, result.output
    assert "Imaging Characteristics" in result.stdout and "empty" in result.stdout
    lines = result.stdout.splitlines()
    ct = next(line for line in lines if "CT Scan" in line)
    imaging = next(line for line in lines if "Imaging Characteristics" in line)
    assert ct.index("CT Scan") > imaging.index("Imaging Characteristics")
    data = json.loads(quiz("outline", "--format", "json", str(ho_source)).stdout)
    ct_scan = data["sections"][9]
    assert {k: v for k, v in ct_scan.items() if k not in ("cards", "uncarded")} == {
        "path": ["Heterotopic Ossification", "Imaging Characteristics", "CT Scan"],
        "title": "CT Scan",
        "level": 2,
        "line": 27,
        "empty": False,
    }
    assert len(ct_scan["cards"]) == 2 and ct_scan["cards"][0]["line"] >= 27
    assert len(data["warnings"]) == 5


def test_cards_filtered_by_section(quiz: Invoke) -> None:
    cards = _cards(quiz, "heterotopic", "--section", "bone scan")
    assert cards and all(c["section"][-1] == "Bone Scan" for c in cards)
    result = quiz("cards", "heterotopic-ossification", "--section", "no such thing")
    assert result.exit_code == 1
    assert "no section of deck 'heterotopic-ossification' matches 'no such thing'" in result.stderr


def test_unknown_deck(quiz: Invoke) -> None:
    result = quiz("cards", "cardiology")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: no deck 'cardiology': the decks are heterotopic-ossification"
    )


def test_db_option_takes_a_url(runner: object, tmp_path: Path, ho_source: Path) -> None:
    from click.testing import CliRunner

    from quiz.cli import main

    url = f"sqlite:///{tmp_path / 'other.db'}"
    result = CliRunner().invoke(main, ["--db", url, "decks", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "other.db").exists()


# --- folders as people keep them: stubs, images, a deck's source file -------------------------------

STUB = "---\ntags: [cardiology]\n---\n"
NOTE = "# Asthma\n\n## Treatment\n\n- Salbutamol dose is 100 mcg\n"
IMAGES = "# Asthma\n\n## Treatment\n\n- Salbutamol dose is 100 mcg ![[diagram.png]]\n\n![scan](scan.png)\n"


def _raises_stub_error(text: str, source: str) -> bool:
    """Whether the generator (being rewritten) already raises StubError for this stub."""
    try:
        generate(text, source)
    except StubError:
        return True
    except Exception:
        return False
    return False


def _lists_images(text: str, source: str) -> bool:
    """Whether the generator (being rewritten) already lists the images this note holds."""
    try:
        return bool(generate(text, source).images)
    except Exception:
        return False


STUBS_RAISED = _raises_stub_error(STUB, "stub.md")
IMAGES_LISTED = _lists_images(IMAGES, "asthma.md")
needs_stubs = pytest.mark.skipif(not STUBS_RAISED, reason="the generator raises no StubError yet")
needs_images = pytest.mark.skipif(not IMAGES_LISTED, reason="the generator lists no images yet")


def _fake_generator(
    monkeypatch: pytest.MonkeyPatch,
    *,
    stubs: Iterable[str] = (),
    images: tuple[str, ...] = (),
    uncarded: Iterable[tuple[int, str]] = (),
) -> None:
    """The generator's side of the contract, for the import and the outline to be tested today:
    files named in ``stubs`` raise StubError; every other draft carries ``images`` and, in its
    first section, ``uncarded`` (line, text)."""
    from quiz.services import documents

    real = documents.generate
    stub_names = set(stubs)

    def fake(text: str, source: str, **options: Any) -> Any:
        if Path(source).name in stub_names:
            raise StubError("has nothing to learn (front matter only): write some notes in it", source=source)
        draft = real(text, source, **options)
        path = draft.sections[-1].path
        return dataclasses.replace(
            draft, images=images, uncarded=tuple(Uncarded(path, line, t) for line, t in uncarded)
        )

    monkeypatch.setattr(documents, "generate", fake)


def _decks(quiz: Invoke) -> dict[str, dict[str, Any]]:
    return {d["slug"]: d for d in json.loads(quiz("decks", "--format", "json").stdout)}


def _check_stub_handling(quiz: Invoke, tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "asthma.md").write_text(NOTE, encoding="utf-8")
    (folder / "stub.md").write_text(STUB, encoding="utf-8")
    quiz("decks")
    # One stub among a folder's notes: skipped with a warning, the other notes imported.
    result = quiz("import", "--format", "json", str(folder))
    assert result.exit_code == 0, result.output
    assert re.search(rf"^warning: {re.escape(str(folder / 'stub.md'))}: skipped: \S", result.stderr, re.M)
    data = json.loads(result.stdout)
    assert [d["deck"] for d in data["decks"]] == ["asthma"]
    assert [s["source"] for s in data["skipped"]] == [str(folder / "stub.md")]
    assert set(_decks(quiz)) == {"heterotopic-ossification", "asthma"}
    # A stub named on its own: the same warning, nothing imported, and not an error.
    before = dump(db_path)
    alone = quiz("import", str(folder / "stub.md"))
    assert alone.exit_code == 0, alone.output
    assert alone.stderr.startswith(f"warning: {folder / 'stub.md'}: skipped: ")
    assert alone.stdout.strip() == "Nothing imported: every document was skipped (see the warnings)."
    assert dump(db_path) == before
    # A folder of nothing but stubs is not the folder meant: refused on one line.
    (folder / "asthma.md").unlink()
    (folder / "empty-note.md").write_text(STUB, encoding="utf-8")
    refused = quiz("import", str(folder))
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        f"Error: {folder}: no document in this folder has anything to learn (2 stubs: front matter or "
        "images only): name the folder that holds the notes"
    ]
    assert refused.stdout == "" and dump(db_path) == before


@needs_stubs
def test_stubs_are_skipped_with_a_warning(quiz: Invoke, tmp_path: Path, db_path: Path) -> None:
    _check_stub_handling(quiz, tmp_path, db_path)


def test_stubs_are_skipped_with_a_warning_as_the_generator_will_say(
    quiz: Invoke, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_generator(monkeypatch, stubs={"stub.md", "empty-note.md"})
    _check_stub_handling(quiz, tmp_path, db_path)


def test_a_stub_does_not_excuse_a_bad_document(
    quiz: Invoke, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_generator(monkeypatch, stubs={"stub.md"})
    quiz("decks")
    before = dump(db_path)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "stub.md").write_text(STUB, encoding="utf-8")
    (folder / "asthma.md").write_text(NOTE, encoding="utf-8")
    (folder / "broken.md").write_bytes(b"\x00\x01binary")
    result = quiz("import", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {folder / 'broken.md'}: ")
    assert dump(db_path) == before


def _check_images_named(quiz: Invoke, tmp_path: Path, expected: str) -> None:
    note = tmp_path / "asthma.md"
    note.write_text(IMAGES, encoding="utf-8")
    result = quiz("import", str(note))
    assert result.exit_code == 0, result.output
    assert f"warning: {note}: {expected}" in result.stderr.splitlines()
    outline = quiz("outline", str(note))
    assert f"warning: {note}: {expected}" in outline.stderr.splitlines()


@needs_images
def test_images_not_carried_are_named(quiz: Invoke, tmp_path: Path) -> None:
    _check_images_named(quiz, tmp_path, "2 images not carried (cards are text only): diagram.png, scan.png")


def test_images_not_carried_are_named_and_a_long_list_cut(
    quiz: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_generator(monkeypatch, images=tuple(f"figure-{n}.png" for n in range(1, 8)))
    _check_images_named(
        quiz,
        tmp_path,
        "7 images not carried (cards are text only): figure-1.png, "
        "figure-2.png, figure-3.png, figure-4.png, figure-5.png and 2 more",
    )
    data = json.loads(quiz("import", "--format", "json", str(tmp_path / "asthma.md")).stdout)
    assert len(data["decks"][0]["images"]) == 7


def test_another_file_for_a_deck_asks_for_replace(quiz: Invoke, ho_source: Path, db_path: Path) -> None:
    """The raw source, imported under its own name, would retire most of the bundled deck's cards."""
    quiz("decks")
    before = dump(db_path)
    for extra in ([], ["--dry-run"]):
        result = quiz("import", *extra, str(ho_source))
        assert result.exit_code == 1
        (line,) = result.stderr.strip().splitlines()
        assert re.fullmatch(
            rf"Error: {re.escape(str(ho_source))}: deck 'heterotopic-ossification' came from "
            r"heterotopic-ossification\.md; importing this file would retire [1-9]\d* of its \d+ cards: "
            r"give this file another name, or pass --replace",
            line,
        ), line
        assert result.stdout == "" and dump(db_path) == before
    replaced = quiz("import", "--replace", "--format", "json", str(ho_source))
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(replaced.stdout)["decks"][0]["retired"] > 0
    assert f"warning: {ho_source}: takes deck 'heterotopic-ossification' over from " in replaced.stderr
    assert _decks(quiz)["heterotopic-ossification"]["source_path"] == str(ho_source)
    # From now on the raw source is the deck's own file: imported again, nothing to ask.
    assert quiz("import", str(ho_source)).exit_code == 0


def test_a_markdown_file_of_another_name_is_told_about_its_id(
    quiz: Invoke, tmp_path: Path, ho_deck: Path, db_path: Path
) -> None:
    copy = tmp_path / "my-ho-notes.md"
    shutil.copy(ho_deck, copy)  # its front matter names the bundled deck's id
    quiz("decks")
    before = dump(db_path)
    result = quiz("import", str(copy))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {copy}: deck 'heterotopic-ossification' came from heterotopic-ossification.md; "
        "importing this file would make this file its source: give this file another 'id' (front "
        "matter) or name, or pass --replace"
    )
    assert dump(db_path) == before


def test_the_same_document_moved_needs_no_replace(quiz: Invoke, tmp_path: Path, ho_deck: Path) -> None:
    """The bundled deck is stored from quiz's own folder; a copy elsewhere, by the same name (in any
    case), is that document moved."""
    quiz("decks")
    for name in ("heterotopic-ossification.md", "Heterotopic-Ossification.md"):
        (tmp_path / name.lower()[:3]).mkdir(exist_ok=True)
        moved = tmp_path / name.lower()[:3] / name
        shutil.copy(ho_deck, moved)
        result = quiz("import", str(moved))
        assert result.exit_code == 0, result.output
        assert "takes deck" not in result.stderr
        assert _decks(quiz)["heterotopic-ossification"]["source_path"] == str(moved)


# --- outline --cards -------------------------------------------------------------------------------

LONG = (
    "After major orthopaedic surgery in adults who cannot take oral medicines and who have no "
    "kidney or liver disease, the usual starting dose of intravenous morphine that most ward "
    "protocols allow the nurse to give without calling the doctor first is 10 mg every four "
    "hours as needed."
)
DOSING = f"""# Dosing

## Analgesia

- Paracetamol is given every **6 hours**
- Ibuprofen is taken with food

Codeine is a weak opioid used for analgesia after minor surgery.

### Opioids

{LONG}

Which drug reverses an opioid overdose? :: Naloxone

## Monitoring

Reduced range of motion
"""


def _block(stdout: str, heading: str) -> list[str]:
    """The lines of an outline from a section's line to the next section's (or the counts)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if re.search(rf"[─ ]{heading}  line \d+ ·", line))
    end = next(
        (
            i
            for i, line in enumerate(lines[start + 1 :], start + 1)
            if re.search(r"  line \d+ · |under the title itself", line)
        ),
        len(lines),
    )
    return lines[start:end]


def test_outline_cards_lists_each_section_s_cards_with_their_flags(quiz: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "dosing.md"
    path.write_text(DOSING, encoding="utf-8")
    plain = quiz("outline", str(path))
    result = quiz("outline", "--cards", str(path))
    assert result.exit_code == 0, result.output
    assert "flagged" not in plain.stdout and "→" not in plain.stdout  # without --cards: the tree only
    draft = generate(DOSING, str(path))
    flagged = [card for card in draft.cards if card_flags(card)]
    for card in draft.cards:
        block = "\n".join(_block(result.stdout, card.section_path[-1]))
        assert f"{card.kind} · line {card.source_line}: {card.front[:40]}" in block
        assert f"→ {card.back.splitlines()[0][:40]}" in block
    explicit = _block(result.stdout, "Opioids")
    assert any("explicit · line 14: Which drug reverses an opioid overdose?" in line for line in explicit)
    # The long sentence's cloze keeps only the words around its gap.
    long_front = next(c for c in draft.cards if c.back == "10 mg")
    assert card_flags(long_front) == () and len(long_front.front.split()) <= 45
    # A definition whose answer repeats the breadcrumb's word is flagged, where the author sees it.
    codeine = next(c for c in draft.cards if c.front == "What is codeine?")
    assert card_flags(codeine) == ("answer words on the front",)
    analgesia = _block(result.stdout, "Analgesia")
    at = next(i for i, line in enumerate(analgesia) if "What is codeine?" in line)
    assert analgesia[at + 2].endswith("flagged: answer words on the front")
    assert (
        f"{len(draft.cards)} cards, {len(flagged)} flagged by the automatic checks; "
        f"{len(draft.uncarded)} piece"
    ) in result.stdout
    assert "(**term**)" in result.stdout and "Question :: Answer" in result.stdout


def test_outline_cards_shows_the_text_that_made_no_card(
    quiz: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_generator(monkeypatch, uncarded=[(16, "Reduced range of motion")])
    path = tmp_path / "dosing.md"
    path.write_text(DOSING, encoding="utf-8")
    result = quiz("outline", "--cards", str(path))
    assert result.exit_code == 0, result.output
    assert _block(result.stdout, "Monitoring")[1].endswith("no card: line 16: Reduced range of motion")
    assert "; 1 piece of text with no card" in result.stdout
    data = json.loads(quiz("outline", "--cards", "--format", "json", str(path)).stdout)
    assert data["sections"][-1]["uncarded"] == [{"line": 16, "text": "Reduced range of motion"}]
    assert data["totals"]["uncarded"] == 1


def test_outline_cards_as_json(quiz: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "dosing.md"
    path.write_text(DOSING, encoding="utf-8")
    result = quiz("outline", "--cards", "--format", "json", str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    draft = generate(DOSING, str(path))
    listed = [card for section in data["sections"] for card in section["cards"]]
    assert len(listed) == data["cards"] == len(draft.cards)
    for section in data["sections"]:
        assert set(section) == {"path", "title", "level", "line", "cards", "empty", "uncarded"}
        for card in section["cards"]:
            assert set(card) == {"key", "kind", "front", "back", "line", "references", "flags"}
            made = next(c for c in draft.cards if c.key == card["key"])
            assert list(made.section_path) == section["path"]
            assert card["flags"] == list(card_flags(made))
    opioids = next(s for s in data["sections"] if s["title"] == "Opioids")
    assert {
        "kind": "explicit",
        "front": "Which drug reverses an opioid overdose?",
        "back": "Naloxone",
        "line": 14,
        "references": [],
        "flags": [],
    }.items() <= next(c for c in opioids["cards"] if c["kind"] == "explicit").items()
    assert data["totals"] == {
        "cards": len(draft.cards),
        "flagged": sum(1 for c in draft.cards if card_flags(c)),
        "uncarded": len(draft.uncarded),
    }
    # The JSON gives the sections with their cards whether or not --cards is given.
    assert json.loads(quiz("outline", "--format", "json", str(path)).stdout) == data
