"""Property tests: random text and random Markdown never make the generator raise anything but DeckError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.errors import DeckError
from quiz.generator import CLOZE_GAP, decode, generate

PIECES = [
    "# ",
    "## ",
    "### ",
    "- ",
    "  - ",
    "\t- ",
    "1. ",
    "**",
    "==",
    "[[",
    "]]",
    "|",
    "[^1]",
    "[1]",
    "[2, 5]",
    "> [!note] ",
    "<!-- quiz: skip -->",
    "<!--",
    "-->",
    "---",
    "::",
    " :: ",
    "{{c1::",
    "}}",
    "(",
    ")",
    "e.g. ",
    "such as ",
    "93%",
    "10 mg",
    "ACVR1",
    "c.617G>A",
    "p.R206H",
    " (HO)",
    " is the ",
    ":",
    ".",
    "\n",
    "\n\n",
    "```",
    "![[x.png]]",
    "*",
    "_",
    "Heterotopic ossification",
    "Bone Scan",
    "tables",
    "`code`",
    "\\",
    "\r\n",
]

markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60).map("".join)


def _check(text: str, source: str) -> None:
    try:
        draft = generate(text, source)
    except DeckError:
        return
    for card in draft.cards:
        assert card.front and card.back
        assert "\x01" not in card.front + card.back and "\x02" not in card.front + card.back
        if card.kind == "cloze":
            assert card.front.count(CLOZE_GAP) >= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_as_plain_text(text: str) -> None:
    _check(text, "random.txt")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_as_markdown(text: str) -> None:
    _check(text, "random.md")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_random_markdown(text: str) -> None:
    _check(text, "random.md")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_random_markdown_read_as_plain_text(text: str) -> None:
    _check(text, "random.txt")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    try:
        text = decode(data, "random.md")
    except DeckError:
        return
    _check(text, "random.md")
