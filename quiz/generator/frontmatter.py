"""YAML front matter: split off a Markdown document and read safely (no aliases, bounded size)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from quiz.errors import DeckError

MAX_FRONT_MATTER_LINES = 1000


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


def _load(body: str, source: str) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        # An alias ('*name') can make a few bytes into gigabytes: front matter has no use for it.
        for event in yaml.parse(body, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 2 if event.start_mark else 1
                raise DeckError(
                    "front matter uses a YAML alias ('*name'): write the value out", source=source, line=line
                )
        data = yaml.safe_load(body)
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
