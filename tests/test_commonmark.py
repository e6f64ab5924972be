"""Every example of the CommonMark spec read as a note: no markup left on any card, section title or
piece of text quiz reads (the text the spec's own HTML shows is the reference)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from quiz.errors import DeckError
from quiz.generator import CLOZE_GAP, generate
from tests.conftest import FIXTURES

EXAMPLES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "commonmark" / "spec-0.31.2.json").read_text(encoding="utf-8")
)
# Characters that are syntax when a reader leaves them: emphasis, links, code, HTML, entities,
# escapes, tables, highlights, headings.
MARKUP_CHARACTERS = "*_[]<>&\\`|~=#!"
_TAG = re.compile(r"<[^>]*>")


def _shown(rendered: str) -> str:
    """The text a reader of the spec's HTML sees: tags dropped, entities decoded, and the source of
    images (whose alt text is an attribute) left out."""
    return html.unescape(_TAG.sub(" ", rendered))


def _read(markdown: str) -> list[str]:
    """Every text quiz makes of a document: section titles, cards (the gap filled), uncarded text."""
    try:
        draft = generate(markdown, "example.md")
    except DeckError:
        return []  # nothing to learn in it (a stub) or a refusal: no text reaches a card
    texts = [section.title for section in draft.sections[1:]]
    for card in draft.cards:
        answer = card.back.replace("\n", " ")
        texts.append(card.front.replace(CLOZE_GAP, answer, 1))
        texts.append(answer)
    texts.extend(piece.text for piece in draft.uncarded)
    return texts


def _leftovers(example: dict[str, Any]) -> list[str]:
    shown = _shown(example["html"])
    found = []
    for text in _read(example["markdown"]):
        extra = sorted({ch for ch in text if ch in MARKUP_CHARACTERS and ch not in shown})
        if extra:
            found.append(f"{''.join(extra)!r} in {text!r}")
    return found


def test_no_example_leaves_markup_on_a_card() -> None:
    failures = {}
    for example in EXAMPLES:
        leftovers = _leftovers(example)
        if leftovers:
            failures[example["example"]] = (example["section"], example["markdown"], leftovers)
    assert not failures, f"{len(failures)} of {len(EXAMPLES)} examples leave markup: " + "\n".join(
        f"#{n} ({section}) {markdown!r}: {found}"
        for n, (section, markdown, found) in list(failures.items())[:15]
    )


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("# T\n\n- Give **10 mg** of [drug](https://example.org) &amp; rest\n", "Give 10 mg of drug & rest"),
        ("# T\n\n- A `code` span and \\*escaped\\* stars, 5 mg\n", "A code span and *escaped* stars, 5 mg"),
        ("# T\n\n- Raw <span>html</span> and &lt;tag&gt; at 5 mg\n", "Raw html and <tag> at 5 mg"),
    ],
)
def test_inline_markup_reads_as_the_html_would(markdown: str, expected: str) -> None:
    draft = generate(markdown, "t.md")
    texts = {card.front.replace(CLOZE_GAP, card.back) for card in draft.cards}
    assert expected in texts
