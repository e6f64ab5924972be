"""YAML front matter: split off a Markdown document and read safely (no aliases, bounded size)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from quiz.errors import DeckError

MAX_FRONT_MATTER_LINES = 1000
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_DEPTH = 32


@dataclass(frozen=True)
class FrontMatter:
    title: str = ""
    deck_id: str | None = None
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


def split_front_matter(text: str, source: str) -> tuple[FrontMatter, str]:
    """The front matter and the body; the front matter's lines become blank so that line numbers
    in the body stay those of the file."""
    if not text.startswith("---"):
        return FrontMatter(), text
    lines = text.split("\n", MAX_FRONT_MATTER_LINES + 1)
    if lines[0].strip() != "---":
        return FrontMatter(), text
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise DeckError(
            "front matter opened with '---' is never closed within "
            f"{MAX_FRONT_MATTER_LINES} lines: add a '---' line after it",
            source=source,
            line=1,
        )
    data = _load("\n".join(lines[1:end]), source)
    rest = text.split("\n", end + 1)[end + 1] if text.count("\n") > end else ""
    return _read(data, source), "\n" * (end + 1) + rest


class _Refused(Exception):
    """Front matter quiz will not read, with the line (in the file) where it shows."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Loader(yaml.SafeLoader):
    """The safe loader without anchors and aliases, whose expansion can make a few hundred bytes
    into gigabytes, and with a bound on nesting, where PyYAML's composer recurses."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                "front matter uses YAML aliases (&/*), which quiz does not accept: write the value out",
                _line(event.start_mark),
            )
        self.depth += 1
        if self.depth > MAX_FRONT_MATTER_DEPTH:
            raise _Refused(
                f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep: "
                "use 'key: value' lines",
                _line(event.start_mark),
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _line(mark: Any) -> int:
    # The front matter starts on the file's second line.
    return int(mark.line) + 2 if mark is not None else 1


def _flow_depth(body: str) -> tuple[int, int]:
    """The deepest nesting of '[' and '{' in the text, and the line where it is reached: PyYAML's
    scanner slows with the square of it, so it is measured before the scanner runs."""
    depth = deepest = 0
    line = where = 1
    for match in _FLOW.finditer(body):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif depth:
            depth -= 1
    return deepest, where + 1


_FLOW = re.compile(r"[\[\]{}\n]")


def _load(body: str, source: str) -> dict[str, Any]:
    if not body.strip():
        return {}
    if len(body) > MAX_FRONT_MATTER_CHARS:
        raise DeckError(
            f"front matter is over {MAX_FRONT_MATTER_CHARS // 1024} KB: keep it to a few 'key: value' lines",
            source=source,
            line=1,
        )
    deepest, where = _flow_depth(body) if "[" in body or "{" in body else (0, 1)
    if deepest > MAX_FRONT_MATTER_DEPTH:
        raise DeckError(
            f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep: use 'key: value' lines",
            source=source,
            line=where,
        )
    try:
        data = yaml.load(body, Loader=_Loader)  # a SafeLoader without anchors and aliases
    except _Refused as exc:
        raise DeckError(str(exc), source=source, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DeckError(
            f"front matter is not valid YAML ({problem}): fix or remove it", source=source, line=line
        ) from None
    except RecursionError:
        raise DeckError(
            "front matter is nested too deeply: fix or remove it", source=source, line=1
        ) from None
    if not isinstance(data, dict):
        raise DeckError("front matter must be 'key: value' lines", source=source, line=2)
    return data


def _read(data: dict[str, Any], source: str) -> FrontMatter:
    title = data.get("deck") or data.get("title") or ""
    if not isinstance(title, (str, int, float)):
        raise DeckError("front matter 'title' must be a text", source=source, line=1)
    deck_id = data.get("id")
    return FrontMatter(
        title=" ".join(str(title).split()),
        deck_id=str(deck_id).strip() if deck_id is not None else None,
        tags=_string_list(data.get("tags"), "tags", source),
        references=_string_list(data.get("references"), "references", source),
    )


def _string_list(value: Any, key: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    raise DeckError(f"front matter '{key}' must be a text or a list of texts", source=source, line=1)
