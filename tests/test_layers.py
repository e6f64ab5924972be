"""Imports follow the layers of the house style: the CLI calls services and renders; services call the
core, the generator and the store; the pure core imports nothing of the rest."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "quiz"

# What each part may import of quiz (besides itself). Root modules are parts of their own.
ALLOWED: dict[str, set[str]] = {
    "core": {"errors"},
    "generator": {"core", "errors"},
    "store": {"core", "config", "errors"},
    "anki": {"errors"},
    "services": {"core", "generator", "store", "anki", "config", "errors", "files", "__init__"},
    "render": {"core", "services", "errors"},
    "cli": {"services", "render", "store", "config", "errors", "files", "__init__"},
    "config": set(),
    "errors": {"config"},
    "files": {"errors"},
    "__main__": {"cli"},
    "__init__": set(),
}


def _part(module: str) -> str:
    """The layer of a dotted module name inside quiz ('quiz.store.review' -> 'store')."""
    parts = module.split(".")
    if len(parts) > 1 and ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()):
        return parts[1]
    return "__init__"  # quiz itself, or a name it defines (__version__)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of quiz in the file, including those inside functions."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "quiz":
                found.extend((node.lineno, f"quiz.{alias.name}") for alias in node.names)
            elif node.module.startswith("quiz."):
                # "from quiz.core import defaults" imports the module quiz.core.defaults
                folder = PACKAGE.joinpath(*node.module.split(".")[1:])
                for alias in node.names:
                    is_module = (folder / f"{alias.name}.py").is_file() or (folder / alias.name).is_dir()
                    found.append((node.lineno, f"{node.module}.{alias.name}" if is_module else node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("quiz."))
    return found


# Single modules a part may read besides its allowed parts: the learner's defaults are plain numbers
# the CLI's help states (importing them loads nothing else).
ALSO: dict[str, set[str]] = {"cli": {"quiz.core.defaults"}}


def test_every_import_follows_the_layers() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        own = relative.parts[0].removesuffix(".py")
        for line, module in _imports(path):
            target = _part(module)
            known = module in ALSO.get(own, set())
            if target != own and target not in ALLOWED[own] and not known:
                wrong.append(f"quiz/{relative}:{line} ({own}) imports {module}")
    assert wrong == []


def test_every_part_is_known() -> None:
    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.suffix == ".py" or p.is_dir()}
    assert parts - {"__pycache__"} <= set(ALLOWED)


def test_pure_core_loads_no_database_cli_or_parser_code() -> None:
    code = (
        "import sys; import quiz.core.scheduler, quiz.core.replay, quiz.core.measures, "
        "quiz.core.identity, quiz.core.answers, quiz.core.days, quiz.core.matching; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'click', 'alembic', 'rich', 'sqlite3', 'genanki', 'pyromark')"
        " or m.startswith(('quiz.store', 'quiz.cli', 'quiz.services', 'quiz.generator', 'quiz.render'))]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
