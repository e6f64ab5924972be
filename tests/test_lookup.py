"""What a command names is found one way, with one message: sections (any case, `%` and `_` as
text), learners and decks, the same in `quiz cards`, `quiz review` and `quiz export anki`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
DECK = "ossification-heterotopique"
DECKS = "heterotopic-ossification, ossification-heterotopique"  # the bundled deck is there too
SECTION_ERROR = "Error: no section of deck '{deck}' matches '{text}': see the sections with quiz outline FILE"
DOCUMENT = """---
id: ossification-heterotopique
title: Ossification hétérotopique
---
# Ossification hétérotopique

## Évaluation

- La scintigraphie osseuse détecte l'ossification **tôt**

## Traitement

- La radiothérapie **prévient** la récidive après l'exérèse
"""


@pytest.fixture
def french(db_url: str, quiz_at: Run, tmp_path: Path) -> str:
    """A database (SQLite and PostgreSQL) with a deck whose section titles are accented."""
    source = tmp_path / f"{DECK}.md"
    source.write_text(DOCUMENT, encoding="utf-8")
    result = quiz_at(db_url, "import", str(source))
    assert result.exit_code == 0, result.output
    return db_url


def _section_commands(tmp_path: Path, section: str) -> dict[str, list[str]]:
    return {
        "cards": ["cards", DECK, "--section", section, "--format", "json"],
        "export": [
            "export",
            "anki",
            DECK,
            "-o",
            str(tmp_path / "out.apkg"),
            "--section",
            section,
            "--format",
            "json",
        ],
        "review": ["review", DECK, "--section", section, "--learner", "ana", "--cram"],
    }


def test_a_section_is_found_in_any_case_by_every_command(french: str, quiz_at: Run, tmp_path: Path) -> None:
    quiz_at(french, "learner", "add", "ana")
    found = {
        name: quiz_at(french, *args, input="q\n")
        for name, args in _section_commands(tmp_path, "ÉVALUATION").items()
    }
    for name, result in found.items():
        assert result.exit_code == 0, (name, result.output)
    assert '"Évaluation"' in found["cards"].stdout and "Traitement" not in found["cards"].stdout
    assert '"cards": 1' in found["export"].stdout  # SQLite's lower() would have found nothing
    assert "scintigraphie" in found["review"].stdout and "radiothérapie" not in found["review"].stdout


@pytest.mark.parametrize("wildcard", ["%", "_", "Év%ation"])
def test_like_wildcards_are_plain_text(french: str, quiz_at: Run, tmp_path: Path, wildcard: str) -> None:
    """`--section %` matches no section (it matched every one in the export) and says so as an
    unknown section does."""
    quiz_at(french, "learner", "add", "ana")
    unknown = {n: quiz_at(french, *a, input="q\n") for n, a in _section_commands(tmp_path, "nowhere").items()}
    for name, args in _section_commands(tmp_path, wildcard).items():
        result = quiz_at(french, *args, input="q\n")
        assert result.exit_code == 1, (name, result.output)
        assert result.stderr == unknown[name].stderr.replace("'nowhere'", f"'{wildcard}'")
        assert result.stderr.strip() == SECTION_ERROR.format(deck=DECK, text=wildcard)
    assert not (tmp_path / "out.apkg").exists()


def test_an_unknown_learner_has_one_message(french: str, quiz_at: Run, tmp_path: Path) -> None:
    quiz_at(french, "cohort", "create", "ortho")
    quiz_at(french, "cohort", "add", "ortho", "ana")
    wanted = "Error: no learner 'zed' (the learners are: ana): add one with quiz learner add zed"
    for args in (
        ["review", "--learner", "zed"],
        ["status", "--learner", "zed"],
        ["stats", "--learner", "zed"],
        ["leeches", "--learner", "zed"],
        ["learner", "rename", "zed", "zoe"],
        ["cohort", "remove", "ortho", "zed"],
        ["progress", "export", "--learner", "zed", "-o", str(tmp_path / "p.json")],
        ["export", "anki", DECK, "-o", str(tmp_path / "x.apkg"), "--learner", "zed", "--suspended"],
    ):
        result = quiz_at(french, *args, input="q\n")
        assert (result.exit_code, result.stderr.strip()) == (1, wanted), args


def test_an_unknown_deck_has_one_message(french: str, quiz_at: Run, tmp_path: Path) -> None:
    quiz_at(french, "cohort", "create", "ortho")
    quiz_at(french, "cohort", "assign", "ortho", "ossification")  # the start of its id is enough
    for args in (
        ["cards", "cardio"],
        ["review", "cardio"],
        ["leeches", "cardio"],
        ["export", "anki", "cardio", "-o", str(tmp_path / "x.apkg")],
        ["export", "csv", "cardio", "-o", str(tmp_path / "x.csv")],
        ["cohort", "assign", "ortho", "cardio"],
        ["cohort", "report", "ortho", "--deck", "cardio"],
        ["stats", "--deck", "cardio"],
    ):
        result = quiz_at(french, *args, input="q\n")
        assert result.exit_code == 1, args
        assert result.stderr.strip() == f"Error: no deck 'cardio': the decks are {DECKS}", args
