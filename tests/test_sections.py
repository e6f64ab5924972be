"""A heading holding " > " stays one level: through import, cards, status, review, the reports and
the Anki export; and a database of schema 0003 gets its stored paths rebuilt the same way."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from quiz.core.drafts import BREADCRUMB_SEPARATOR
from tests.conftest import Invoke
from tests.drive import database_at

DOCUMENT = """---
id: drugs
---
# Drugs

## Dose > 10 mg/kg

Which drug treats malignant hyperthermia? :: Dantrolene

### Children

What is the paracetamol dose for a child? :: 15 mg/kg
"""
DOSE = ["Drugs", "Dose > 10 mg/kg"]
CHILDREN = [*DOSE, "Children"]


def _cards(data: object) -> list[dict[str, object]]:
    """The cards of a JSON output: a list, or the "cards" of an object."""
    return data if isinstance(data, list) else data["cards"]  # type: ignore[index]


def _deck_names(package: Path) -> set[str]:
    with zipfile.ZipFile(package) as archive:
        (tmp := package.with_suffix(".anki2")).write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(tmp)
    try:
        (decks,) = connection.execute("SELECT decks FROM col").fetchone()
    finally:
        connection.close()
    return {deck["name"] for deck in json.loads(decks).values()}


def test_a_heading_holding_the_separator_stays_one_level(quiz: Invoke, tmp_path: Path) -> None:
    document = tmp_path / "drugs.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    assert quiz("import", str(document)).exit_code == 0

    cards = _cards(json.loads(quiz("cards", "drugs", "--format", "json").stdout))
    assert sorted(c["section"] for c in cards) == [DOSE, CHILDREN]  # type: ignore[type-var]
    # --section matches the path as it reads, the separator included.
    found = json.loads(quiz("cards", "drugs", "--section", "dose > 10 MG", "--format", "json").stdout)
    assert len(_cards(found)) == 2

    assert quiz("learner", "add", "ana").exit_code == 0
    status = json.loads(quiz("status", "--learner", "ana", "--format", "json").stdout)
    mine = [s["section"] for s in status["sections"] if s["deck"] == "drugs"]
    assert DOSE in mine and CHILDREN in mine and ["Drugs", "Dose", "10 mg/kg"] not in mine
    table = quiz("status", "--learner", "ana").stdout
    assert "  Dose > 10 mg/kg " in table and "    Children " in table  # one level each
    assert "10 mg/kg  " not in table.replace("Dose > 10 mg/kg", "")

    review = quiz("review", "drugs", "--learner", "ana", "--section", "Dose > 10", input="\n4\n\n4\nq\n")
    assert review.exit_code == 0, review.output
    assert "Drugs > Dose > 10 mg/kg > Children" in review.stdout

    report = json.loads(quiz("stats", "--learner", "ana", "--format", "json").stdout)
    sections = {s["section"] for s in report["sections"]}
    assert BREADCRUMB_SEPARATOR.join(CHILDREN) in sections

    package = tmp_path / "drugs.apkg"
    assert quiz("export", "anki", "drugs", "-o", str(package)).exit_code == 0
    names = _deck_names(package)
    assert "Drugs::Dose > 10 mg/kg::Children" in names
    assert not any("::10 mg/kg" in name for name in names)
    assert quiz("export", "json", "drugs", "-o", str(tmp_path / "drugs.json")).exit_code == 0
    exported = _cards(json.loads((tmp_path / "drugs.json").read_text(encoding="utf-8")))
    assert sorted(c["section"] for c in exported) == [DOSE, CHILDREN]  # type: ignore[type-var]


def test_upgrading_a_0003_database_rebuilds_its_paths(quiz: Invoke, db_path: Path) -> None:
    old = [
        (1, "Drugs", "Drugs", 1),
        (2, "Drugs > Dose > 10 mg/kg", "Dose > 10 mg/kg", 2),
        (3, "Drugs > Dose > 10 mg/kg > Children", "Children", 3),
        (4, "Drugs > Gone > Away", "Away", 3),  # its parent is not stored: split as it was read
    ]
    with database_at(db_path, "0003") as (engine, connection):
        connection.exec_driver_sql(
            "INSERT INTO decks VALUES (1, 'drugs', 'Drugs', 'drugs.md', 'x', '2026-01-01', '2026-01-01')"
        )
        for sid, path, title, level in old:
            connection.exec_driver_sql(
                "INSERT INTO sections (id, deck_id, path, title, level, position, source_line, empty, "
                f"retired, card_count) VALUES ({sid}, 1, '{path}', '{title}', {level}, {sid}, {sid}, 0, 0, 0)"
            )
    engine.dispose()
    assert quiz("decks").exit_code == 0  # upgrades at start-up
    raw = sqlite3.connect(db_path)
    try:
        paths = [p for (p,) in raw.execute("SELECT path FROM sections ORDER BY id")]
    finally:
        raw.close()
    assert [p.split("\x1f") for p in paths] == [["Drugs"], DOSE, CHILDREN, ["Drugs", "Gone", "Away"]]


def test_the_anki_context_reads_as_the_breadcrumb() -> None:
    from quiz.anki.export import CONTEXT_SEPARATOR

    assert CONTEXT_SEPARATOR == BREADCRUMB_SEPARATOR  # the exporter imports no core: the two agree
