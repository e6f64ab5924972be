"""quiz import, outline, decks and cards end to end: what a user runs and sees."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.conftest import Invoke, dump


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
    assert deck["cards"] >= 60
    assert deck["empty_sections"] == 5
    again = quiz("decks")
    assert "Creating" not in again.stderr and "Heterotopic Ossification" in again.stdout
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_import_the_plain_text_source_reports_counts_and_warnings(quiz: Invoke, tmp_path: Path,
                                                                ho_source: Path) -> None:
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
        "key": card["key"], "deck": "ho-source",
        "section": ["Heterotopic Ossification", "Imaging Characteristics", "CT Scan"],
        "kind": "cloze", "front": "High sensitivity ([...]) for detection of loose bodies",
        "back": "93%", "references": ["4"], "source_line": 29,
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
            "WHERE cards.key = ?", (key,)).fetchall()


def _add_review(db_path: Path, key: str) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("INSERT INTO learners (name, created_at, new_per_day, reviews_per_day, "
                           "leech_threshold, day_starts_at) VALUES ('ana', '2026-11-01', 20, 200, 8, 4)")
        card_id, section_id = connection.execute("SELECT id, section_id FROM cards WHERE key = ?",
                                                 (key,)).fetchone()
        connection.execute(
            "INSERT INTO reviews (uid, learner_id, card_id, section_id, grade, kind, reviewed_at, day, "
            "seconds, passed_before, interval, easiness, due) VALUES ('u1', 1, ?, ?, 4, 'review', "
            "'2026-11-01 10:00:00', '2026-11-01', 3.5, 0, 1, 250, '2026-11-02')", (card_id, section_id))


def test_editing_a_bullet_updates_its_card_and_keeps_its_history(quiz: Invoke, tmp_path: Path,
                                                                 ho_deck: Path, db_path: Path) -> None:
    deck = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, deck)
    _import(quiz, deck)
    old = next(c for c in _cards(quiz) if c["back"] == "93%")
    _add_review(db_path, str(old["key"]))
    history = _review_history(db_path, str(old["key"]))
    assert len(history) == 1

    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("for detecting loose bodies [4]",
                                 "for detecting intra-articular loose bodies [4]"), encoding="utf-8")
    summary = _import(quiz, deck)
    assert summary["added"] == 0 and summary["retired"] == 0
    assert summary["updated"] >= 1
    new = next(c for c in _cards(quiz) if c["back"] == "93%")
    assert new["front"] == "High sensitivity ([...]) for detecting intra-articular loose bodies"
    assert new["key"] == old["key"]  # the stable key survives the edit
    assert _review_history(db_path, str(new["key"])) == history


def test_deleting_a_bullet_retires_its_card(quiz: Invoke, tmp_path: Path, ho_deck: Path,
                                            db_path: Path) -> None:
    deck = tmp_path / "heterotopic-ossification.md"
    shutil.copy(ho_deck, deck)
    _import(quiz, deck)
    total = len(_cards(quiz))
    gone = next(c for c in _cards(quiz) if c["back"] == "malignancy")
    _add_review(db_path, str(gone["key"]))
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("- No documented cases of **malignancy** in FOP patients [4]\n", ""),
                    encoding="utf-8")
    summary = _import(quiz, deck)
    assert summary["retired"] >= 1 and summary["added"] == 0
    remaining = _cards(quiz)
    assert "malignancy" not in [c["back"] for c in remaining]
    assert len(remaining) == total - summary["retired"]
    with sqlite3.connect(db_path) as connection:
        retired = connection.execute("SELECT retired FROM cards WHERE key = ?", (gone["key"],)).fetchone()
    assert retired == (1,)
    assert len(_review_history(db_path, str(gone["key"]))) == 1  # history kept


def test_dry_run_reports_without_writing(quiz: Invoke, tmp_path: Path, ho_source: Path,
                                         db_path: Path) -> None:
    quiz("decks")
    before = dump(db_path)
    result = quiz("import", "--dry-run", str(ho_source))
    assert result.exit_code == 0, result.output
    assert "dry run" in result.stdout
    assert dump(db_path) == before


def test_import_a_folder(quiz: Invoke, tmp_path: Path, ho_deck: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(ho_deck, folder / "ho.md")
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
    assert data["sections"][9] == {"path": ["Heterotopic Ossification", "Imaging Characteristics", "CT Scan"],
                                   "title": "CT Scan", "level": 2, "line": 27, "cards": 2, "empty": False}
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
        "Error: no deck 'cardiology': the decks are heterotopic-ossification")


def test_db_option_takes_a_url(runner: object, tmp_path: Path, ho_source: Path) -> None:
    from click.testing import CliRunner

    from quiz.cli import main

    url = f"sqlite:///{tmp_path / 'other.db'}"
    result = CliRunner().invoke(main, ["--db", url, "decks", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "other.db").exists()
