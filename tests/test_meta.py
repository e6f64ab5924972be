"""The project's promises about itself: help and README for every command, layers kept apart."""

from __future__ import annotations

import re
import subprocess
import sys

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


@pytest.mark.parametrize("args", [["review", "--new", "1"], ["status"], ["leeches"], ["learner", "list"]])
def test_daily_commands_on_an_existing_database_load_no_orm(tmp_path: object, args: list[str]) -> None:
    """The learner's everyday commands start fast: SQLite's own driver, no SQLAlchemy or Alembic."""
    db = f"{tmp_path}/quiz.db"
    subprocess.run(
        [sys.executable, "-m", "quiz", "--db", db, "decks"], capture_output=True, check=True, cwd=ROOT
    )
    code = (
        "import sys; from click.testing import CliRunner; from quiz.cli import main; "
        f"r = CliRunner().invoke(main, ['--db', {db!r}, *{args!r}], input='\\n4\\nq\\n'); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'genanki') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
