"""The project's promises about itself: help and README for every command, layers kept apart."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from quiz.cli import main
from tests.conftest import ROOT


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help and len(command.help) > 20
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"quiz {name}" in readme


def _documented_for(name: str, readme: str) -> str:
    """The README's text about `quiz NAME`: the bullets and paragraphs of its Commands section that
    name it, and the rows of the shared options' table that name it (or every command)."""
    commands = readme.split("\n## Commands", 1)[1].split("\n## ", 1)[0]
    pieces = re.split(r"\n(?=- |\n|\| )", commands)
    return "\n".join(
        piece
        for piece in pieces
        if re.search(rf"`quiz {re.escape(name)}[ `]", piece)
        or (piece.startswith("| ") and "every command" in piece)
    )


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_is_in_the_readme(name: str, command: click.Command) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = _documented_for(name, readme)
    missing = [
        long
        for param in command.params
        if isinstance(param, click.Option)
        for long in [next(o for o in param.opts if o.startswith("--"))]
        if long not in text
    ]
    assert missing == [], f"quiz {name}: options not in its README section: {missing}"


def test_help_imports_no_database_code() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from quiz.cli import main; "
        "CliRunner().invoke(main, ['--help']); "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'genanki', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_outline_loads_no_database_code(tmp_path: object) -> None:
    source = ROOT / "decks" / "heterotopic-ossification.md"
    code = (
        "import sys; from click.testing import CliRunner; from quiz.cli import main; "
        f"r = CliRunner().invoke(main, ['outline', {str(source)!r}]); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'genanki') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by quiz on first use (the bundled deck in it), copied by each test."""
    db = tmp_path_factory.mktemp("made") / "quiz.db"
    subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(db), "decks"], capture_output=True, check=True, cwd=ROOT
    )
    return db


ORM = ("sqlalchemy", "alembic")
DAILY = (*ORM, "genanki")
HO = str(ROOT / "decks" / "heterotopic-ossification.md")


@pytest.mark.parametrize(
    "args,unloaded",
    [
        (["review", "--new", "1"], DAILY),
        (["status"], DAILY),
        (["leeches"], DAILY),
        (["learner", "list"], DAILY),
        (["learner", "add", "zoe"], DAILY),
        (["decks"], DAILY),
        (["cards", "heterotopic-ossification", "--section", "diagnosis"], DAILY),
        (["import", HO], DAILY),
        (["export", "anki", "heterotopic", "-o", "{tmp}/ho.apkg"], ORM),
        (["export", "csv", "heterotopic-ossification", "-o", "{tmp}/ho.csv"], ORM),
        (["cohort", "create", "ortho"], DAILY),
        (["cohort", "list"], DAILY),
        (["progress", "export", "-o", "{tmp}/p.json"], DAILY),
        (["simulate", "--learners", "2", "--days", "3"], DAILY),
    ],
)
def test_commands_on_an_existing_database_load_no_orm(
    tmp_path: Path, made: Path, args: list[str], unloaded: tuple[str, ...]
) -> None:
    """Commands start fast: on a SQLite file they run on its own driver, with no SQLAlchemy or
    Alembic (the ORM's models only declare the schema, for the migrations)."""
    db = f"{tmp_path}/quiz.db"
    shutil.copy(made, db)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code = (
        "import sys; from click.testing import CliRunner; from quiz.cli import main; "
        f"r = CliRunner().invoke(main, ['--db', {db!r}, *{args!r}], input='\\n4\\nq\\n'); "
        "assert r.exit_code == 0, r.output; "
        f"print(sorted(m for m in {unloaded!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# Modules stay under about 400 lines (HOUSE_STYLE.md); past 450, split by use case.
MODULE_MAX_LINES = 450
LONG_MODULES_ALLOWED: set[str] = set()


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in sorted((ROOT / "quiz").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_MAX_LINES
    }
    assert {p: n for p, n in long.items() if p not in LONG_MODULES_ALLOWED} == {}, (
        "split these modules by use case"
    )


def test_every_module_says_what_lives_in_it() -> None:
    silent = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "quiz").rglob("*.py"))
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert silent == []
