"""Figures worth a cloze, found without markup: numbers with their units, ranges, blood pressures,
scores and bare thresholds, with the comparator or qualifier written before them."""

from __future__ import annotations

import re

Span = tuple[int, int]

# A number, a range of numbers ("120-150", "4 to 7"), with the comparator before it ("≥ 12", "<0.70").
_NUMBER = r"\d+(?:[.,]\d+)?"
_RANGE = rf"{_NUMBER}(?:\s?(?:[-–]|to)\s?{_NUMBER})?"
_COMPARATOR = r"(?:[<>≤≥]=?|=<|>=|<=|±)\s?"
_UNITS = (
    r"%|mg/kg/h|mg/kg/day|mg/kg|mg/dL|mg/dl|mg/L|mg/day|mg/h|mg|mcg/kg|mcg|micrograms?|µg/kg|µg|μg|"
    r"ng/mL|ng/ml|pg/mL|pg/ml|g/dL|g/dl|g/L|g/day|kg|g|mL/kg/h|mL/kg|mL/h|mL/min|mL|ml/kg|ml|"
    r"L/min|L/day|L|"
    r"mmol/L/h|mmol/L/hour|mmol/L|mmol/l|mmol/kg|mmol|µmol/L|μmol/L|umol/L|µmol/l|nmol/L|pmol/L|mEq/L|mEq|mOsm/kg|"
    r"mOsm/L|mosmol/kg|mIU/L|mU/L|IU/L|IU|U/kg/h|U/kg/hr|U/kg|U/h|U/L|U|units?/kg/h|units?/kg|units?|"
    r"mmHg|mm Hg|kPa|cmH2O|cm H2O|Gy|cGy|cm|mm|°C|° C|°F|J/kg|kJ|J|kcal|"
    r"beats/min|breaths/min|bpm|/min|/h|/hr|/day|/week|per min(?:ute)?|per hour|per day|"
    r"x ?10\^?9/L|×\s?10\^?9/L|×10⁹/L|x10⁹/L|"
    r"seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?|months?|years?|yrs?|ms|s"
)
_QUALIFIER = (
    r"(?:(?:at least|at most|up to|more than|less than|fewer than|over|under|above|below|"
    r"about|around|approximately|roughly)\s|~\s?)"
)
_FIGURE = re.compile(
    # A blood pressure is one figure: "≤185/110 mmHg".
    rf"(?<![\w.])(?:{_COMPARATOR})?\d{{2,3}}/\d{{2,3}}\s?mmHg\b|"
    rf"(?<![\w.])(?:{_QUALIFIER}|{_COMPARATOR})?{_RANGE}\s?(?:{_UNITS})(?![\w/])"
    # "3 times baseline", "1.5 times the upper limit of normal"
    rf"|(?<![\w.])(?:{_COMPARATOR})?{_RANGE}\s?(?:times|x|×)\s(?:baseline|(?:the )?upper limit of normal|"
    rf"normal|ULN)\b"
    # "at least 2 of 4", "≥2 of"
    rf"|\b(?:at least|at most|more than|fewer than|less than|any)\s{_NUMBER}"
    rf"(?:\s(?:of|out of)\s{_NUMBER}\b|(?=\s(?:of|out of)\b|:|$))"
)
# Figures whose unit stands before them: "pH < 7.3", "INR 2-3", "GCS ≤ 8", "SpO2 94-98%".
_PREFIXED = re.compile(
    r"\b(?:pH|INR|GCS|score|SpO2|SaO2|FiO2|HbA1c|FEV1|qSOFA|NEWS2?|Wells)(?:\s(?:of|is|was))?\s?"
    rf"(?P<value>(?:{_COMPARATOR})?{_RANGE}%?)(?![\w.])"
)
_NUMBER_START = re.compile(r"(?<![\w.])\d")
_LEAD_BEFORE = re.compile(
    rf"(?<![\w.])(?:{_QUALIFIER}|{_COMPARATOR}|"
    rf"(?:at least|at most|more than|fewer than|less than|any)\s)$"
)
_COMPARATOR_CHAR = re.compile("[<>≤≥±]")
_PREFIX_WORD = re.compile(r"pH|INR|GCS|score|SpO2|SaO2|FiO2|HbA1c|FEV1|qSOFA|NEWS|Wells")
# A bare threshold: a comparator before a number, no unit ("<0.70", "≥ 3").
_THRESHOLD = re.compile(rf"(?<![\w.]){_COMPARATOR}{_NUMBER}(?![\w.%])")


def _figure_spans(text: str) -> list[Span]:
    """_FIGURE's matches, tried only where a number starts (or the qualifier or comparator just
    before one): the same spans as its finditer, without trying the whole pattern at every place."""
    spans: list[Span] = []
    reached = 0
    for digit in _NUMBER_START.finditer(text):
        at = digit.start()
        if at < reached:
            continue
        lead = _LEAD_BEFORE.search(text, max(reached, at - 16), at)
        for start in (lead.start(), at) if lead else (at,):
            match = _FIGURE.match(text, start)
            if match and match.end() > at:
                spans.append(match.span())
                reached = match.end()
                break
    return spans


def figures(text: str) -> list[Span]:
    spans = _figure_spans(text)
    if _PREFIX_WORD.search(text):
        spans += [m.span("value") for m in _PREFIXED.finditer(text)]
    if _COMPARATOR_CHAR.search(text):
        spans += [m.span() for m in _THRESHOLD.finditer(text)]
    return [(s, e) for s, e in (trim(text, s, e) for s, e in spans) if e > s]


def trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] in " .,;":
        end -= 1
    return start, end
