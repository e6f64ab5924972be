"""Exports checked by Anki's own backend: what a learner sees after File > Import, and again after
the source document changed and the deck was exported again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke, ho_card_count

anki_collection = pytest.importorskip("anki.collection", reason="the anki package checks the exports")


def _collection(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def _import_package(collection: Any, package: Path) -> Any:
    # Anki's default options: update notes and note types only from a newer package.
    request = anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=anki_collection.ImportAnkiPackageOptions()
    )
    return collection.import_anki_package(request)


def _field(note: Any, name: str) -> str:
    return str(note[name]) if name in note else ""


def _notes(collection: Any) -> dict[str, Any]:
    return {collection.get_note(nid).guid: collection.get_note(nid) for nid in collection.find_notes("")}


@pytest.fixture
def deck_copy(tmp_path: Path, ho_deck: Path, quiz: Invoke) -> Path:
    """The HO deck from a file of the test's own, imported into quiz."""
    path = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, path)
    assert quiz("import", str(path)).exit_code == 0
    return path


def _export(quiz: Invoke, target: Path, *args: str) -> None:
    result = quiz("export", "anki", "heterotopic-ossification", "-o", str(target), *args)
    assert result.exit_code == 0, result.output


def test_package_imports_into_anki_as_the_deck(quiz: Invoke, deck_copy: Path, tmp_path: Path) -> None:
    package = tmp_path / "ho.apkg"
    _export(quiz, package)
    assert stat.S_IMODE(package.stat().st_mode) == 0o600  # private, as every file quiz writes
    cards = json.loads(quiz("cards", "heterotopic-ossification", "--format", "json").stdout)
    collection = _collection(tmp_path / "collection.anki2")
    try:
        _import_package(collection, package)
        # One note per sentence: the cloze cards of one bullet share a note, one card each.
        assert collection.card_count() == len(cards) == ho_card_count()
        assert collection.note_count() < collection.card_count()
        names = {d.name for d in collection.decks.all_names_and_ids()}
        assert "Heterotopic Ossification::Imaging Characteristics::CT Scan" in names
        assert (
            "Heterotopic Ossification::Prevention and Treatment::Treatment::Conservative Management" in names
        )
        models = {m["name"]: [f["name"] for f in m["flds"]] for m in collection.models.all()}
        assert models["Quiz Basic"] == ["Front", "Back", "Context", "Source"]
        assert models["Quiz Cloze"] == ["Text", "Extra", "Context", "Source"]
        notes = _notes(collection)
        ct = next(n for n in notes.values() if "{{c1::93%}}" in _field(n, "Text"))
        # The breadcrumb below the deck, which Anki's deck name already says.
        crumbs = '<span class="crumb">Imaging Characteristics</span><span class="sep">›</span>'
        assert ct["Context"] == crumbs + '<span class="crumb">CT Scan</span>'
        assert (
            '<summary>References</summary><div class="cited">Cited as 4</div>' in ct["Source"]
            and "heterotopic-ossification.md, line 54" in ct["Source"]
        )
        assert "quiz-kind::cloze" in ct.tags and "musculoskeletal" in ct.tags  # the front matter's tags
        assert "quiz::heterotopic-ossification::imaging-characteristics::ct-scan" in ct.tags
        sentence = next(n for n in notes.values() if "{{c1::loose bodies}}" in _field(n, "Text"))
        assert sentence["Text"] == (
            "Useful for assessing heterotopic ossification, {{c1::loose bodies}}, and {{c2::osteophytosis}}"
        )
        assert len(sentence.cards()) == 2
        # Text is escaped: "x > y" shows as written.
        fop = next(n for n in notes.values() if "{{c1::axial &gt; appendicular" in _field(n, "Text"))
        assert "{{c1::axial &gt; appendicular; dorsal &gt; ventral; proximal &gt; distal}}" in fop["Text"]
        assert "axial &gt; appendicular" in fop.cards()[0].answer()
    finally:
        collection.close()


def test_reexport_after_an_edit_updates_in_place(quiz: Invoke, deck_copy: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.apkg"
    _export(quiz, first)
    collection_path = tmp_path / "collection.anki2"
    collection = _collection(collection_path)
    try:
        _import_package(collection, first)
        before = {
            guid: _field(note, "Text") + _field(note, "Front") for guid, note in _notes(collection).items()
        }
        text = deck_copy.read_text(encoding="utf-8")
        deck_copy.write_text(
            text.replace("for detecting loose bodies [4]", "for detecting intra-articular loose bodies [4]"),
            encoding="utf-8",
        )
        assert quiz("import", str(deck_copy)).exit_code == 0
        # Anki keeps a note's edit only from a newer package; its clock counts whole seconds.
        time.sleep(1.1)
        second = tmp_path / "second.apkg"
        _export(quiz, second)
        _import_package(collection, second)
        after = {
            guid: _field(note, "Text") + _field(note, "Front") for guid, note in _notes(collection).items()
        }
        assert set(after) == set(before)  # no note added
        changed = [guid for guid in after if after[guid] != before[guid]]
        assert changed and all("intra-articular" in after[guid] for guid in changed)
        assert sorted(m["name"] for m in collection.models.all() if m["name"].startswith("Quiz")) == [
            "Quiz Basic",
            "Quiz Cloze",
        ]
    finally:
        collection.close()


def test_suspended_cards_travel_with_the_learner(quiz: Invoke, deck_copy: Path, tmp_path: Path) -> None:
    quiz("review", "--new", "1", input="\ns\n")  # suspend the first card
    learner = json.loads(quiz("learner", "list", "--format", "json").stdout)[0]["name"]
    package = tmp_path / "ho.apkg"
    _export(quiz, package, "--learner", learner, "--suspended")
    collection = _collection(tmp_path / "c.anki2")
    try:
        request = anki_collection.ImportAnkiPackageRequest(
            package_path=str(package), options=anki_collection.ImportAnkiPackageOptions(with_scheduling=True)
        )
        collection.import_anki_package(request)
        assert len(collection.find_cards("is:suspended")) == 1
    finally:
        collection.close()


def test_section_and_retired(quiz: Invoke, deck_copy: Path, tmp_path: Path) -> None:
    package = tmp_path / "ct.apkg"
    result = quiz(
        "export",
        "anki",
        "heterotopic-ossification",
        "-o",
        str(package),
        "--section",
        "ct scan",
        "--format",
        "json",
    )
    assert json.loads(result.stdout)["cards"] == 3
    text = deck_copy.read_text(encoding="utf-8")
    deck_copy.write_text(
        text.replace("- No documented cases of **malignancy** in FOP patients [4]\n", ""), encoding="utf-8"
    )
    quiz("import", str(deck_copy))
    without = json.loads(
        quiz("export", "anki", "heterotopic-ossification", "-o", str(package), "--format", "json").stdout
    )["cards"]
    with_retired = json.loads(
        quiz(
            "export",
            "anki",
            "heterotopic-ossification",
            "-o",
            str(package),
            "--include-retired",
            "--format",
            "json",
        ).stdout
    )["cards"]
    # Retired cards always travel to Anki (tagged and suspended there), and are not counted as cards.
    assert with_retired == without


def test_csv_is_read_by_ankis_text_import(quiz: Invoke, deck_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "ho.csv"
    assert quiz("export", "csv", "heterotopic-ossification", "-o", str(target)).exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[:6] == [
        "#separator:tab",
        "#html:true",
        "#notetype:Basic",
        "#deck:Heterotopic Ossification",
        "#columns:Front\tBack\tTags",
        "#tags column:3",
    ]
    collection = _collection(tmp_path / "c.anki2")
    try:
        metadata = collection.get_csv_metadata(str(target), None)
        log = collection.import_csv(anki_collection.ImportCsvRequest(path=str(target), metadata=metadata))
        assert len(log.log.new) == ho_card_count()
        deck = collection.decks.by_name("Heterotopic Ossification")
        assert deck is not None
        assert collection.decks.card_count(deck["id"], include_subdecks=True) == ho_card_count()
    finally:
        collection.close()
    exported = tmp_path / "ho.json"
    assert quiz("export", "json", "heterotopic-ossification", "-o", str(exported)).exit_code == 0
    cards = json.loads(exported.read_text(encoding="utf-8"))
    assert len(cards) == ho_card_count() and cards[0]["source"] == "heterotopic-ossification.md"


@pytest.mark.parametrize(
    "args,message",
    [
        (["cardiology", "-o", "{tmp}/x.apkg"], "no deck 'cardiology'"),
        (["heterotopic-ossification", "-o", "{tmp}/missing/x.apkg"], "no such folder"),
        (["heterotopic-ossification", "-o", "{readonly}/x.apkg"], "cannot write there"),
        (["heterotopic-ossification", "-o", "{tmp}/x.apkg", "--section", "nowhere"], "matches 'nowhere'"),
        (["heterotopic-ossification", "-o", "{tmp}/x.apkg", "--suspended"], "--suspended needs --learner"),
    ],
)
def test_bad_export_writes_nothing(quiz: Invoke, tmp_path: Path, args: list[str], message: str) -> None:
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    if os.geteuid() == 0:
        readonly = Path("/sys")  # root may write anywhere it owns; /sys refuses even root
    existing = tmp_path / "x.apkg"
    existing.write_bytes(b"older export")
    result = quiz(
        "export",
        "anki",
        *[a.replace("{tmp}", str(tmp_path)).replace("{readonly}", str(readonly)) for a in args],
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # creation notes, then the one-line error
    assert existing.read_bytes() == b"older export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_deck_with_no_cards_and_cloze_without_gap(quiz: Invoke, tmp_path: Path, db_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("# Empty deck\n\n## Nothing\n\nJust words here.\n", encoding="utf-8")
    quiz("import", str(empty))
    result = quiz("export", "anki", "empty", "-o", str(tmp_path / "e.apkg"))
    assert result.exit_code == 1 and "no cards to export from empty" in result.stderr
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE cards SET front = 'no gap here' WHERE key = "
            "(SELECT key FROM cards WHERE kind = 'cloze' ORDER BY position LIMIT 1)"
        )
        key = connection.execute("SELECT key FROM cards WHERE front = 'no gap here'").fetchone()[0]
    target = tmp_path / "ho.apkg"
    target.write_bytes(b"older export")
    result = quiz("export", "anki", "heterotopic-ossification", "-o", str(target))
    assert result.exit_code == 1
    assert f"cloze card {key} has no gap" in result.stderr
    assert target.read_bytes() == b"older export"
