"""LaTeX and mhchem (`\\ce{}`) to plain Unicode text, for math in notes: cards carry no markup."""

from __future__ import annotations

import functools
import re

_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_CE = re.compile(r"\\ce\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
# "^{2+}", "^+", "_{3}", "_3": scripts as Unicode where every character has a script form.
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|([0-9+\-]))")
_CE_COUNT = re.compile(r"(?<=[A-Za-z)\]])(\d+)")
_CE_CHARGE = re.compile(r"(?<=[A-Za-z0-9)\]])(\^\d*[+-]|[+-])(?=$|\s)")
_ARROWS = {"->": "→", "<-": "←", "<=>": "⇌", "<->": "↔"}
_MAX_MATH = 2000  # longer formulas are not parsed as LaTeX: their text is kept as written


def _script(match: re.Match[str]) -> str:
    body = match.group(2) if match.group(2) is not None else match.group(3)
    table = _SUPERSCRIPT if match.group(1) == "^" else _SUBSCRIPT
    converted = body.translate(table)
    if any(
        ch in converted for ch in body if ch not in "0123456789+-=()n" or (ch == "n" and table is _SUBSCRIPT)
    ):
        return body  # no script form for some character: the plain text reads better than half
    return converted


def _chemistry(formula: str) -> str:
    """mhchem's common forms: counts after an element as subscripts, a trailing charge as a
    superscript, arrows; "HCO3-" reads as HCO₃⁻."""
    parts = []
    for token in formula.split():
        if token in _ARROWS:
            parts.append(_ARROWS[token])
            continue
        charge = _CE_CHARGE.search(token)
        tail = ""
        if charge:
            tail = charge.group(1).lstrip("^").translate(_SUPERSCRIPT)
            token = token[: charge.start()]
        token = _CE_COUNT.sub(lambda m: m.group(1).translate(_SUBSCRIPT), token)
        parts.append(token + tail)
    return " ".join(parts)


@functools.lru_cache(maxsize=2048)
def math_text(latex: str) -> str:
    """The text a learner reads for a formula: `\\frac{a}{b}` as a/b, `\\geq` as ≥, `\\ce{K+}` as K⁺."""
    source = latex.strip()
    if len(source) > _MAX_MATH:
        return " ".join(source.split())
    if "\\ce" in source:
        source = _CE.sub(lambda m: _chemistry(m.group(1)), source)
    if "^" in source or "_" in source:
        source = _SCRIPT.sub(_script, source)
    if "\\" in source or "{" in source or "~" in source:
        from pylatexenc.latex2text import LatexNodes2Text

        try:
            source = LatexNodes2Text(math_mode="text", strict_latex_spaces=False).latex_to_text(source)
        except Exception:  # a formula the parser gives up on keeps its text
            source = re.sub(r"\\([A-Za-z]+)", r"\1", source).replace("{", "").replace("}", "")
    if "×" in source:
        source = re.sub(r"\s*×\s*", " × ", source)
    return " ".join(source.replace("\\", "").split())
