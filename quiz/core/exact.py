"""The parts of an answer that must match exactly, each in one canonical spelling (numbers with their
units, ranges, ratios, thresholds, gene and protein symbols, HGVS variants, orderings), and the rule
for when a typed word is the expected word misspelt rather than another word (pure)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA


def words(text: str) -> list[str]:
    """A word list written as one string."""
    return text.split()


# Words rarer than this in English (wordfreq's Zipf scale: drug names, most medical terms) forgive
# one typo at most; commoner words forgive what rapidfuzz's ratio does above WORD_RATIO.
RARE_ZIPF = 3.0
WORD_RATIO = 80.0
# A typed word this frequent is a word of its own (adduction for abduction, ilium for ileum,
# decreased for increased): another word, never a typo of the expected one.
KNOWN_ZIPF = 1.0
SHORT_WORD = 4  # words this short (after folding) must be spelt exactly: "hip" is not "hp"

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")
_TIMES = re.compile(r"(?<=[\d\s])[×xX*](?=\s*\d)")
_PHRASES = (
    (re.compile(r"\b(?:greater|more|higher) than or equal to(?=\s*\d)", re.I), "≥"),
    (re.compile(r"\b(?:less|fewer|lower) than or equal to(?=\s*\d)", re.I), "≤"),
    (re.compile(r"\b(?:at least|no less than|no fewer than)(?=\s*\d)", re.I), "≥"),
    (re.compile(r"\b(?:at most|no more than|up to)(?=\s*\d)", re.I), "≤"),
    (re.compile(r"\b(?:greater|more|higher) than(?=\s*\d)", re.I), ">"),
    (re.compile(r"\b(?:less|fewer|lower) than(?=\s*\d)", re.I), "<"),
    (re.compile(r"\bper ?cent\b", re.I), "%"),
)
_COMPARATORS = {">=": "≥", "=>": "≥", "≥": "≥", "<=": "≤", "=<": "≤", "≤": "≤", ">": ">", "<": "<", "±": "±"}

# Unit spellings, each to one canonical unit; case carries no meaning here ("mL" = "ml").
_UNIT_NAMES = {
    "mg": "mg milligram milligrams milligramme milligrammes",
    "g": "g gm gram grams gramme grammes",
    "kg": "kg kilogram kilograms kilo kilos",
    "mcg": "mcg ug µg μg microgram micrograms",
    "ng": "ng nanogram nanograms",
    "ml": "ml millilitre millilitres milliliter milliliters cc",
    "l": "l litre litres liter liters",
    "dl": "dl decilitre decilitres deciliter deciliters",
    "mol": "mol mole moles",
    "mmol": "mmol millimole millimoles",
    "umol": "umol µmol μmol micromole micromoles",
    "nmol": "nmol",
    "meq": "meq",
    "mosm": "mosm mosmol",
    "unit": "u iu unit units",
    "mmhg": "mmhg",
    "cmh2o": "cmh2o",
    "kpa": "kpa",
    "h": "h hr hrs hour hours",
    "min": "min mins minute minutes",
    "s": "s sec secs second seconds",
    "ms": "ms millisecond milliseconds",
    "d": "d day days",
    "wk": "wk wks week weeks",
    "mo": "mo mos month months",
    "y": "y yr yrs year years",
    "mm": "mm millimetre millimetres millimeter millimeters",
    "cm": "cm centimetre centimetres centimeter centimeters",
    "m": "m metre metres meter meters",
    "gy": "gy gray",
    "cgy": "cgy",
    "bpm": "bpm",
    "hz": "hz",
    "t": "t tesla",
    "°c": "°c",
    "°f": "°f",
}
UNITS = {spelling: unit for unit, names in _UNIT_NAMES.items() for spelling in names.split()}
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_UNITS = rf"(?:%|/?(?:{_UNIT})(?:\s*(?:/|\bper\s)\s*(?:{_UNIT}))*)(?![\w])"
_NUMBER = r"(?:\d+(?:,\d+)*(?:\.\d+)?|\.\d+)(?:\^-?\d+)?"
_VALUE = rf"{_NUMBER}(?:\s*x\s*{_NUMBER})*"
_CMP = r"(?:>=|=>|<=|=<|≥|≤|>|<|±)"
_QUANTITY = re.compile(
    rf"(?<![\w.])(?:(?P<cmp>{_CMP})\s*)?(?P<a>{_VALUE})\s*(?P<ua>{_UNITS})?"
    rf"(?:\s*(?P<sep>-|\bto\b|:)\s*(?P<b>{_VALUE})\s*(?P<ub>{_UNITS})?)?",
    re.IGNORECASE,
)
_DNA = re.compile(
    r"\b(?P<kind>[cgmnr])\.\s*(?P<pos>[\d_+*-]+)\s*(?P<ref>[ACGTU]*)\s*(?P<op>>|delins|del|dup|ins)\s*"
    r"(?P<alt>[ACGTU]*)",
    re.IGNORECASE,
)
_PROTEIN = re.compile(r"\bp\.\s*\(?(?P<ref>[A-Za-z]{1,3})(?P<pos>\d+)(?P<alt>[A-Za-z]{1,3}|\*|=)\)?")
_AMINO = dict(
    zip(
        words("ala arg asn asp cys gln glu gly his ile leu lys met phe pro ser thr trp tyr val ter sec"),
        "ARNDCQEGHILKMFPSTWYV*U",
        strict=True,
    )
)
_WORD = r"[^\W\d_][\w'-]*"
_ORDER = re.compile(rf"(?<![\w'-])(?P<a>{_WORD})\s*(?P<cmp>>|<)\s*(?P<b>{_WORD})")
_CODE_RUN = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\+?")


@dataclass(frozen=True)
class Token:
    """One part that must match exactly: ``text`` as written, ``canonical`` as compared."""

    kind: str  # number, variant, order or code
    text: str
    canonical: str
    start: int = 0


def plain(text: str) -> str:
    """Unicode variants to one spelling: superscript powers, dashes, ×, accents; case kept."""
    text = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKD", text.replace("µ", "u").replace("μ", "u"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DASHES.sub("-", text).replace("×", "x")
    for pattern, symbol in _PHRASES:
        text = pattern.sub(symbol, text)
    return _TIMES.sub("x", text)


def number(text: str) -> str:
    """A number's value in one spelling: "0.30" = "0.3", "1,000" = "1000", a decimal comma "0,3" = "0.3"."""
    base, _, power = text.partition("^")
    if "," in base:
        thousands = "." in base or re.fullmatch(r"\d{1,3}(?:,\d{3})+", base)
        base = base.replace(",", "") if thousands else base.replace(",", ".")
    try:
        value = format(Decimal(base).normalize(), "f")
    except InvalidOperation:
        value = base
    return value + (f"^{int(power)}" if power else "")


def _value(text: str) -> str:
    return "x".join(number(part.strip()) for part in re.split(r"\s*x\s*", text, flags=re.I))


def unit(text: str | None) -> str:
    if not text:
        return ""
    parts = re.split(r"\s*(?:/|\bper\s)\s*", text.casefold())
    return "/".join(UNITS.get(p.strip(), p.strip()) for p in parts)


def _quantity(match: re.Match[str]) -> str:
    cmp = _COMPARATORS.get(match["cmp"] or "", "")
    a, ua, ub = _value(match["a"]), unit(match["ua"]), unit(match["ub"])
    if match["b"] is None:
        return f"{cmp}{a} {ua}".strip()
    b = _value(match["b"])
    if match["sep"] == ":":
        return f"{cmp}{a}:{b} {ub}".strip()
    return f"{cmp}{a}-{b} {ub or ua}".strip() if not ua or not ub or ua == ub else f"{a} {ua}-{b} {ub}"


def _variant(match: re.Match[str]) -> str:
    if match.re is _DNA:
        ref, op, alt = match["ref"].upper(), match["op"].lower(), match["alt"].upper()
        return f"{match['kind'].lower()}.{match['pos']}{ref}{op}{alt}"

    def amino(code: str) -> str:
        return code.upper() if len(code) == 1 else _AMINO.get(code.casefold(), code.upper())

    return f"p.{amino(match['ref'])}{match['pos']}{amino(match['alt'])}"


def is_code(word: str, typed: bool) -> bool:
    """A gene or protein symbol, an abbreviation or a label (ACVR1, HLA-B27, T2, MRI): letters with
    digits, or (in the expected answer, whose case is meaningful) two capitals or more."""
    has_digit = any(c.isdigit() for c in word)
    has_letter = any(c.isalpha() for c in word)
    if has_digit and has_letter:
        return True
    capitals = word.rstrip("s+")
    return not typed and len(capitals) >= 2 and capitals.replace("-", "").isalnum() and capitals.isupper()


def code(word: str) -> str:
    """A symbol in one spelling: case and hyphens carry no meaning (HLA-B27 = hla b27), nor a plural s."""
    folded = word.casefold().replace("-", "")
    return folded[:-1] if folded.endswith("s") and word[:-1].isupper() and len(folded) > 2 else folded


@functools.lru_cache(maxsize=4096)
def tokens(text: str, typed: bool = False) -> tuple[tuple[Token, ...], str]:
    """The exact parts of a text and what is left of it (ordinary words), each part blanked out."""
    found: list[Token] = []
    rest = plain(text)

    def take(kind: str, start: int, end: int, canonical: str) -> None:
        nonlocal rest
        found.append(Token(kind, rest[start:end].strip(), canonical, start))
        rest = rest[:start] + " " * (end - start) + rest[end:]

    for pattern, kind, canonical in ((_DNA, "variant", _variant), (_PROTEIN, "variant", _variant)):
        for match in list(pattern.finditer(rest)):
            take(kind, match.start(), match.end(), canonical(match))
    for match in list(_ORDER.finditer(rest)):
        take("order", match.start(), match.end(), _order(match))
    for start, end in _codes(rest, typed):
        take("code", start, end, code(rest[start:end]))
    for match in list(_QUANTITY.finditer(rest)):
        if match.group().strip():
            take("number", match.start(), match.end(), _quantity(match))
    return tuple(sorted(found, key=lambda t: t.start)), rest


def _codes(text: str, typed: bool) -> list[tuple[int, int]]:
    """Spans of symbols: a hyphenated run keeps its symbol-like parts together (HLA-B27, IL-6), and
    leaves words out ("T2-weighted" is T2 and a word)."""
    spans: list[tuple[int, int]] = []
    for match in _CODE_RUN.finditer(text):
        position, run = match.start(), []
        for part in match.group().split("-"):
            like = is_code(part.rstrip("+"), typed) or part.isdigit() or (len(part) <= 3 and part.isalpha())
            if like:
                run.append((position, position + len(part), part))
            if not like or position + len(part) == match.end():
                joined = "".join(p for _s, _e, p in run)
                if run and is_code(joined.rstrip("+"), typed) and not joined.isdigit():
                    spans.append((run[0][0], run[-1][1]))
                run = []
            position += len(part) + 1
    return spans


def _order(match: re.Match[str]) -> str:
    a, b = fold(match["a"]), fold(match["b"])
    return f"{a}>{b}" if match["cmp"] == ">" else f"{b}>{a}"


@functools.lru_cache(maxsize=16384)
def fold(word: str) -> str:
    """One spelling for a word: case, accents, British and American spellings (anaemia, oedema,
    sulphate, tumour, indometacin), doubled letters (signalling)."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in word if not unicodedata.combining(c)).replace("'", "")
    for old, new in (("ae", "e"), ("oe", "e"), ("ph", "f"), ("th", "t"), ("our", "or"), ("ize", "ise")):
        word = word.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", word)


@functools.lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale, 0 for a word it does not know)."""
    from wordfreq import zipf_frequency  # loaded on the first typed answer, not with the review

    return float(zipf_frequency(word.casefold(), "en"))


def _plural(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long in (short + "s", short + "es") or (short.endswith("y") and long == short[:-1] + "ies")


_SUFFIXES = (
    "ation",
    "atory",
    "ition",
    "ness",
    "ment",
    "ing",
    "ion",
    "ory",
    "ive",
    "ity",
    "ism",
    "ous",
    "ic",
    "al",
    "ed",
    "es",
    "ia",
    "y",
    "e",
    "s",
)
STEM_MIN = 5
STEM_SCORE = 90.0  # the same term in another form (inflammation, inflammatory): right, not word-perfect


def stem(word: str) -> str:
    """A folded word less one derivational or inflectional ending, if a stem of 5 letters is left."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
            return word[: -len(suffix)]
    return word


def word_score(expected: str, typed: str) -> float | None:
    """How well a typed word stands for the expected one (0-100), or None if it is not that word:
    another real word (a different term, not a typo), or more typos than the word forgives."""
    a, b = fold(expected), fold(typed)
    if a == b or _plural(a, b):
        return 100.0
    if len(a) <= SHORT_WORD or len(b) <= SHORT_WORD:
        return None
    if stem(a) == stem(b):
        return STEM_SCORE
    edits = OSA.distance(a, b)
    swapped = edits == 1 and len(a) == len(b) and sorted(a) == sorted(b)
    if zipf(typed) >= KNOWN_ZIPF and not swapped:
        return None
    ratio = fuzz.ratio(a, b)
    if zipf(expected) < RARE_ZIPF:
        return ratio if edits <= 1 else None
    return ratio if ratio >= WORD_RATIO else None


def same_token(expected: Token, typed: Token) -> bool:
    if expected.canonical == typed.canonical:
        return True
    if expected.kind == "number" and typed.kind == "number" and expected.canonical.endswith(" %"):
        return expected.canonical[:-2] == typed.canonical  # "93" typed for "93%": the percent is implied
    if expected.kind == "order" == typed.kind:
        pairs = zip(expected.canonical.split(">"), typed.canonical.split(">"), strict=True)
        return all(word_score(a, b) is not None for a, b in pairs)
    return False
