"""Every command's `--format json` has the shape the README documents: the README's "JSON shapes"
block is parsed, every command is run on a fresh database with the HO deck and a small cohort, and
the keys are compared, so a change to either side without the other fails."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from quiz.cli import main
from tests.conftest import HO_DECK, ROOT, Invoke


@dataclass(frozen=True)
class Shape:
    """``keys``: an object with exactly these keys (a value's shape, or None for a plain value);
    ``item``: a list of such items; ``free``: an object whose keys are data."""

    keys: dict[str, Shape | None] | None = None
    item: Shape | None = None
    is_list: bool = False
    free: bool = False


def _tokens(text: str) -> list[str]:
    return re.findall(r"[{}\[\],:*]|[A-Za-z_0-9]+", text)


def _parse(tokens: list[str]) -> Shape | None:
    token = tokens.pop(0)
    if token == "[":
        item = None if tokens[0] == "]" else _parse(tokens)
        assert tokens.pop(0) == "]"
        return Shape(item=item, is_list=True)
    assert token == "{", f"a shape starts with {{ or [, not {token!r}"
    if tokens[0] == "*":
        tokens.pop(0)
        assert tokens.pop(0) == "}"
        return Shape(free=True)
    keys: dict[str, Shape | None] = {}
    while True:
        key = tokens.pop(0)
        keys[key] = None
        if tokens[0] == ":":
            tokens.pop(0)
            keys[key] = _parse(tokens)
        separator = tokens.pop(0)
        if separator == "}":
            return Shape(keys=keys)
        assert separator == ",", f"after {key!r}: {separator!r}"


def documented_shapes() -> dict[str, Shape | None]:
    """The README's "JSON shapes" block: one `quiz COMMAND: SHAPE` a line, continued on lines that
    start with spaces; `quiz X: the same as quiz Y` borrows Y's shape."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### JSON shapes", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\n +", " ", block).strip().splitlines()
    shapes: dict[str, Shape | None] = {}
    for line in joined:
        match = re.fullmatch(r"quiz ([a-z ]+): (.+)", line)
        assert match, f"not a shape line: {line!r}"
        name, text = match.groups()
        same = re.fullmatch(r"the same as quiz ([a-z ]+)", text)
        if same:
            shapes[name] = shapes[same.group(1)]
            continue
        tokens = _tokens(text)
        shapes[name] = _parse(tokens)
        assert tokens == [], f"{name}: left over {tokens}"
    return shapes


def mismatches(value: Any, shape: Shape | None, where: str) -> list[str]:
    if shape is None:
        return [] if not isinstance(value, (dict, list)) else [f"{where}: a plain value in the README"]
    if shape.is_list:
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [m for index, v in enumerate(value) for m in mismatches(v, shape.item, f"{where}[{index}]")]
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    if shape.free:
        return [m for k, v in value.items() for m in mismatches(v, None, f"{where}.{k}")]
    assert shape.keys is not None
    if set(value) != set(shape.keys):
        return [f"{where}: keys {sorted(value)}, the README says {sorted(shape.keys)}"]
    return [m for k, v in value.items() for m in mismatches(v, shape.keys[k], f"{where}.{k}")]


def _leaves(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_leaves(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_takes_format_json_and_its_shape_is_documented() -> None:
    for name, command in _leaves(main).items():
        formats = [p for p in command.params if p.name == "fmt"]
        assert formats, f"quiz {name} has no --format"
        assert isinstance(formats[0].type, click.Choice) and "json" in formats[0].type.choices
    assert set(documented_shapes()) == set(_leaves(main))


def test_the_parser_reads_what_the_readme_means() -> None:
    shape = _parse(_tokens("{a, b: [], c: [{d, e: {*}}], f: {g}}"))
    good = {"a": 1, "b": ["x"], "c": [{"d": None, "e": {"2026-01-01": 3}}], "f": {"g": "h"}}
    assert mismatches(good, shape, "") == []
    assert mismatches({**good, "z": 1}, shape, "") != []  # a key the README does not have
    assert mismatches({**good, "c": [{"d": {}, "e": {}}]}, shape, "") != []  # an object for a plain value
    assert mismatches({**good, "b": "x"}, shape, "") != []  # not a list


def test_every_command_s_json_has_the_documented_shape(quiz: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    runs: dict[str, tuple[str, ...]] = {
        "import": ("import", str(HO_DECK)),
        "outline": ("outline", str(HO_DECK)),
        "decks": ("decks",),
        "cards": ("cards", "hetero"),
    }
    answers = "\n0\n\n4\n\n5\n"  # the first card failed once: a leech at threshold 1
    results: dict[str, Any] = {}
    for name, args in runs.items():
        results[name] = _json(quiz(*args, "--format", "json"))
    review = quiz("review", "--new", "3", "--leech-threshold", "1", "--format", "json", input=answers)
    results["review"] = _json(review)  # standard output holds the summary alone...
    assert "Leech: failed 1 times" in review.stderr  # ...the cards and prompts went to standard error
    assert results["review"]["leeches"], "the scenario should make a leech"
    for name, args in {
        "status": ("status",),
        "leeches": ("leeches",),
        "unsuspend": ("unsuspend", "--leeches"),
        "learner add": ("learner", "add", "ben"),
        "learner rename": ("learner", "rename", "ben", "bea"),
        "learner set": ("learner", "set", "bea", "--new", "5"),
        "learner list": ("learner", "list"),
        "export anki": ("export", "anki", "-o", str(out / "ho.apkg")),
        "export csv": ("export", "csv", "hetero", "-o", str(out / "ho.csv")),
        "export json": ("export", "json", "hetero", "-o", str(out / "ho.json")),
        "simulate": ("simulate", "--learners", "3", "--days", "10"),
        "cohort create": ("cohort", "create", "ortho"),
        "cohort add": ("cohort", "add", "ortho", "bea", "cy"),
        "cohort remove": ("cohort", "remove", "ortho", "cy"),
        "cohort assign": ("cohort", "assign", "ortho", "hetero", "--due", "2099-06-30"),
        "cohort list": ("cohort", "list"),
        "cohort show": ("cohort", "show", "ortho"),
        "cohort invite": ("cohort", "invite", "ortho", "bea", "-o", str(out / "invite.json")),
        "progress export": (
            *("progress", "export", "--learner", "bea", "--invite", str(out / "invite.json")),
            *("-o", str(out / "progress.json")),
        ),
        "cohort import": ("cohort", "import", str(out / "progress.json")),
        "cohort report": ("cohort", "report", "simulated"),
        "stats": ("stats",),
    }.items():
        results[name] = _json(quiz(*args, "--format", "json"))
    shapes = documented_shapes()
    assert set(results) == set(shapes)
    wrong = [m for name, value in results.items() for m in mismatches(value, shapes[name], f"quiz {name}")]
    assert wrong == []


def _json(result: click.testing.Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
