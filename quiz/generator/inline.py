"""Inline Markdown to card text: marked terms kept as sentinels, references collected, markup dropped."""

from __future__ import annotations

import re

from quiz.generator.document import MARK_CLOSE, MARK_OPEN
from quiz.generator.text import mark_highlights, strip_bracket_references, unmark

_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_EMBED = re.compile(r"!\[\[[^\]\n]*\]\]")
_WIKI_LABELLED = re.compile(r"\[\[[^\]|\n]*\|([^\]\n]*)\]\]")
_WIKI = re.compile(r"\[\[([^\]\n]*)\]\]")
_IMAGE = re.compile(r"!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])?")
_LINK = re.compile(r"\[([^\]\n]+)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)"
                       r"|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HOLD = "\ue000"


def _wiki_target(match: re.Match[str]) -> str:
    # [[Note#Heading]] reads as its note name; a label, if any, was taken before.
    return match.group(1).split("#")[0].split("/")[-1]


def render_inline(raw: str) -> tuple[str, tuple[str, ...]]:
    """Card text and references from one block's inline Markdown."""
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return f"{_HOLD}{len(held) - 1}{_HOLD}"

    text = raw.replace(_HOLD, "")
    # Each rule runs only where its markup can be: most lines have none at all.
    if "`" in text:
        # Code is literal: set it aside before any markup is read.
        text = _CODE.sub(lambda m: hold(m.group(2).strip()), text)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: hold(m.group(1)), text)
    if "<" in text:
        text = _AUTOLINK.sub(lambda m: m.group(1), _TAG.sub("", _COMMENT.sub("", text)))
    if "[" in text:
        text = _EMBED.sub("", text)
        text = _WIKI_LABELLED.sub(lambda m: m.group(1), text)
        text = _WIKI.sub(_wiki_target, text)
        text = _IMAGE.sub("", text)
        text = _LINK.sub(lambda m: m.group(1), text)
    if "*" in text or "_" in text:
        text = _STRONG.sub(lambda m: f"{MARK_OPEN}{m.group(2)}{MARK_CLOSE}", text)
        text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = mark_highlights(text)
    if "~~" in text:
        text = _STRIKE.sub(lambda m: m.group(1), text)
    text, refs = strip_bracket_references(text)
    if held:
        text = re.sub(f"{_HOLD}(\\d+){_HOLD}", lambda m: held[int(m.group(1))], text)
    # A mark left open by odd input must not swallow the rest of the card.
    if text.count(MARK_OPEN) != text.count(MARK_CLOSE) or f"{MARK_OPEN}{MARK_OPEN}" in text:
        text = unmark(text)
    return text, refs
