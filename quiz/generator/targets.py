"""What is worth a cloze in one piece of text, found without markup: figures with their units and
thresholds, gene symbols and variants, examples, abbreviated terms, enumerations, causes and risks,
and technical terms (words that are rare in everyday English)."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from quiz.generator.text import FUNCTION_WORDS, word_set

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
_SYMBOL = re.compile(
    r"\b[A-Z][A-Z0-9]{1,9}\b(?:\s(?:inhibitors?|blockers?|antagonists?|agonists?|"
    r"receptors?|antibod(?:y|ies))\b)?"
)
_VARIANT = re.compile(
    r"(?<!\w)(?:c\.[0-9_+*-]+[ACGT]+>[ACGT]+"
    r"|p\.(?:\([A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}\)|[A-Z][a-z]{0,2}\d+[A-Z][a-z]{0,2}))"
)
_EXAMPLE = re.compile(
    r"\b(?:such as|e\.g\.,?|eg\b,?|for example,?|like)\s+"
    r"([^,;)(]+?)(?=\s*(?:[,;)]|$|\.\s|\.$))"
)
_ADVERBIAL_START = word_set(
    "in at on for with during after before when if once while although unless until since by"
)
_EXAMPLE_CUE = re.compile(r"(?:such as|e\.g\.?|eg|for example|including|like|i\.e\.?)\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9]*[A-Z0-9]s?)(?=[,;)])")
# Cue words before what a clinician must recall: the cause, the risk, the mimic.
_CUE = re.compile(
    r"\b(?:risk of|risks of|mimics?|secondary to|leads? to|results? in|"
    r"complicated by|contraindicated in|indicated in|indicated for|treated with|"
    r"treatment of choice is|drug of choice is)\s+",
    re.IGNORECASE,
)
_CUE_HINTS = ("risk", "mimic", "secondary", "lead", "result", "complicat", "indicat", "treated", "choice")
_PHRASE_END = re.compile(
    r"[,;:.()\[\]]|\s(?:that|which|who|when|where|while|if|as|than|rather|but|and|or|"
    r"in|on|at|for|with|by|from|of|to|outside|inside|within|before|after|"
    r"during|because|including|especially|particularly)\s",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
_VERBISH = re.compile(r"(?:ed|en|ing)$|^(?:is|are|was|were|has|have|can|may)$")
_ADJECTIVE = re.compile(r"(?:al|ic|ous|ive|ary|oid|ar|ial|ine|ior)$")
_ENUM_SEPARATOR = re.compile(r",\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+|;\s+")
_ENUM_STOP = word_set(
    "to of the a an in on for with by as from at is are be was were can may might "
    "could will affects affect include includes including involve involves "
    "involving mimic mimics such detect detects assess assessing assessment "
    "evaluate evaluating causes cause lead leads than via into shows show identify "
    "identifies increased decreased reduced severe potential"
)
RARE_ZIPF = 3.1
# Rare words that name a kind of thing, not a fact: never a cloze on their own.
_GENERIC_TERMS = word_set(
    "modality modalities pathogenesis aetiology etiology mechanism mechanisms "
    "manifestation manifestations parameter parameters criteria criterion "
    "mutations malformations approximately typically predominantly particularly "
    "potentially subsequently additionally characterized characterised "
    "characteristic characteristics respectively clinician clinicians causative "
    "electrolytes"
)
NAME_MAX_WORDS = 4


@dataclass(frozen=True)
class Target:
    span: Span
    kind: str  # figure | symbol | variant | example | abbreviation | enumeration | cue | term


def _rarity() -> object:
    from wordfreq import zipf_frequency

    return zipf_frequency


@functools.lru_cache(maxsize=65536)
def is_rare(word: str) -> bool:
    """A word seldom met in everyday English (cellulitis, ankylosis): a technical term."""
    zipf = _rarity()
    return bool(zipf(word.lower(), "en") < RARE_ZIPF)  # type: ignore[operator]


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
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] in " .,;":
        end -= 1
    return start, end


def is_gene(text: str, match: re.Match[str]) -> bool:
    """A gene or protein symbol (ACVR1, BMP4): capitals with a digit, not part of a variant."""
    symbol = match.group()
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    # A guideline's code ("NICE NG51", "CG141") is a document's name, not a gene.
    if _GUIDELINE.match(symbol) or text[max(0, match.start() - 5) : match.start()].strip() in (
        "NICE",
        "SIGN",
    ):
        return False
    return (
        any(c.isdigit() for c in symbol)
        and sum(c.isalpha() for c in symbol) >= 2
        and before not in ".>-"
        and after not in ">-"
    )


def expansion(text: str, paren_start: int, abbr: str) -> Span | None:
    """The words before "(ABBR" whose initials spell it, as a span of ``text``."""
    letters = [c for c in abbr.rstrip("s") if c.isupper()]
    if len(letters) < 2:
        return None
    words = list(re.finditer(r"[A-Za-z][A-Za-z']*", text[:paren_start]))
    # Initials of the words and of their hyphenated parts ("Non-steroidal anti-inflammatory").
    initials: list[tuple[str, int]] = []
    for word in words:
        offset = word.start()
        for part in word.group().split("-"):
            if part:
                initials.append((part[0].upper(), offset))
            offset += len(part) + 1
    tail = initials[-len(letters) :]
    if len(tail) == len(letters) and [c for c, _ in tail] == letters:
        return tail[0][1], len(text[:paren_start].rstrip())
    return None


def with_abbreviation(text: str, span: Span) -> tuple[str, str] | None:
    """(front, answer) with the gap grown over an abbreviation that stands right after the span,
    "(MSCs)" or "(NSAIDs, such as ...)": left on the front, it would give the answer away. None
    when no abbreviation follows."""
    start, end = span
    if "(" not in text[end : end + 3]:
        return None
    match = _ABBREVIATION_AFTER.match(text, end)
    if not match:
        return None
    answer = f"{text[start:end].strip()} ({match.group(1)})"
    after = text[match.end() :]
    if match.group(2) == ")":
        return f"{text[:start]}\x00{after}", answer
    # "(NSAIDs, such as indomethacin)": the rest of the parentheses stays on the front.
    return f"{text[:start]}\x00 ({after}", answer


def enumerations(text: str, avoid: str) -> list[Span]:
    """Runs of 3 to 5 short items ("hips, knees, and elbows"; "cellulitis, osteomyelitis, or
    thrombophlebitis"), or 2 or more inside parentheses, as one answer each. Leading items that the
    breadcrumb already names ("heterotopic ossification, ...") stay on the front."""
    found: list[Span] = []
    if "," not in text and ";" not in text and " or " not in text and " and " not in text:
        return found
    for start, end in _clauses(text):
        body = text[start:end]
        separators = list(_ENUM_SEPARATOR.finditer(body))
        if not separators or _DIGIT.search(body):
            continue
        begins = [0] + [m.end() for m in separators]
        ends = [m.start() for m in separators] + [len(body)]
        count = len(begins)
        in_parentheses = (
            start > 0
            and "(" in text[max(0, start - 40) : start]
            and text.rfind("(", 0, start) > text.rfind(")", 0, start)
        )
        if not (3 if not in_parentheses else 2) <= count <= 5:
            continue
        if "," not in body and ";" not in body and not in_parentheses:
            continue  # "more sensitive and specific and stays raised longer": clauses, not a list
        if any(_GERUND_START.match(body[b:e]) for b, e in zip(begins[1:], ends[1:], strict=True)):
            continue  # "..., checking U&E and potassium": a clause, not an item
        tail = [len(body[b:e].split()) for b, e in zip(begins[1:], ends[1:], strict=True)]
        if (
            min(tail) == 0
            or max(tail) > 4
            or _ETC.search(body)
            or any(_EXAMPLE_CUE.match(body[b:e]) for b, e in zip(begins[1:], ends[1:], strict=True))
        ):
            continue
        words = list(_NONSPACE.finditer(body, 0, ends[0]))
        if words and words[0].group().lower() in _ADVERBIAL_START and not in_parentheses:
            continue  # "In some cases, casting or immobilization": the comma closes an adverbial
        first: int | None = None
        for taken, word in enumerate(reversed(words)):
            bare = word.group().strip("(").lower()
            if bare in _ENUM_STOP or word.group().endswith(":") or taken >= max(tail):
                break
            first = word.start()
        if first is None:
            continue
        begins[0] = first
        k = 0
        while k < count - 2 and _named(body[begins[k] : ends[k]], avoid):
            k += 1
        found.append((start + begins[k], end))
    return found


def _named(phrase: str, avoid: str) -> bool:
    """True when the breadcrumb already names this phrase (or word)."""
    folded = phrase.strip().casefold()
    if not folded:
        return False
    if " " not in folded:
        words = _avoid_words(avoid)
        return folded in words or folded + "s" in words or folded + "es" in words
    return re.search(rf"(?<!\w){re.escape(folded)}(?:e?s)?(?!\w)", avoid) is not None


@functools.lru_cache(maxsize=256)
def _avoid_words(avoid: str) -> frozenset[str]:
    return frozenset(re.findall(r"[^\W_][\w'-]*", avoid))


_PARENTHESIS = re.compile(r"[()]")
_MODAL = word_set("can may might will would should must could does do is are")
_GUIDELINE = re.compile(r"(?:CG|NG|TA|QS|PH|DG|NICE)\d+$")
_ABBREVIATION_AFTER = re.compile(r"\s?\(([A-Z][A-Za-z0-9]*[A-Z0-9]s?)(\)|[,;]\s*)")
_GERUND_START = re.compile(r"\w+ing\b(?!\s+(?:of|and)\b)")
_ETC = re.compile(r"\betc\b|\band so on\b")
_NONSPACE = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_CLAUSE_END = re.compile(r"[:;]\s|\.\s|\s[-–—→]\s")


def _clauses(text: str) -> list[Span]:
    """Stretches that can hold one enumeration: inside each pair of parentheses, and the text
    outside them cut at a colon or a semicolon."""
    spans: list[Span] = []
    depth_start = -1
    outside_start = 0
    outside: list[Span] = []
    for match in _PARENTHESIS.finditer(text) if "(" in text else ():
        i, ch = match.start(), match.group()
        if ch == "(" and depth_start < 0:
            outside.append((outside_start, i))
            depth_start = i + 1
        elif ch == ")" and depth_start >= 0:
            inner = text[depth_start:i]
            # "(can mimic a, b, or c)": the items start after the cue.
            cue = list(_CUE.finditer(inner))
            spans.append((depth_start + (cue[-1].end() if cue else 0), i))
            depth_start = -1
            outside_start = i + 1
    if depth_start < 0:
        outside.append((outside_start, len(text)))
    for start, end in outside:
        cut = start
        for match in _CLAUSE_END.finditer(text[start:end]):
            spans.append((cut, start + match.start()))
            cut = start + match.end()
        spans.append((cut, end))
    return [_trim(text, s, e) for s, e in spans if e > s]


def cues(text: str) -> list[Span]:
    """The phrase after "risk of", "due to", "mimic"...: a consequence or a cause."""
    spans: list[Span] = []
    for match in _CUE.finditer(text):
        rest = text[match.end() :]
        stop = _PHRASE_END.search(rest)
        phrase = rest[: stop.start()] if stop else rest
        phrase = phrase.rstrip(" .")
        if phrase and len(phrase.split()) <= 5:
            spans.append((match.end(), match.end() + len(phrase)))
    return spans


def terms(text: str, avoid: str) -> list[Span]:
    """Technical terms: rare words, run together when they stand side by side ("lesion
    maturation"), with an adjective's noun ("osteochondral lesions"), that the breadcrumb does not
    already name."""
    spans: list[Span] = []
    words = list(_WORD.finditer(text))
    rare = [_is_term(w.group(), avoid) for w in words]
    i = 0
    while i < len(words):
        if not rare[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and rare[j + 1] and text[words[j].end() : words[j + 1].start()] == " ":
            j += 1
        start, end = words[i].start(), words[j].end()
        if (
            i > 0
            and text[words[i - 1].end() : start] == " "
            and _noun_like(words[i - 1].group(), avoid)
            and (
                _ADJECTIVE.search(words[i - 1].group().lower())
                or (words[i - 1].group()[0].isupper() and words[i - 1].start() > 0)
            )
        ):
            # The term's own modifier: "posterior fossa", "Grey Turner's", not "the" or "severe".
            start = words[i - 1].start()
        if _ADJECTIVE.search(words[j].group().lower()):
            # An adjective takes its noun: "osteochondral lesions", "congestive heart failure".
            k = j + 1
            while (
                k < len(words)
                and k <= j + 2
                and text[words[k - 1].end() : words[k].start()] == " "
                and _noun_like(words[k].group(), avoid)
            ):
                end = words[k].end()
                if not _ADJECTIVE.search(words[k].group().lower()) and not is_rare(words[k].group()):
                    k += 1
                    break
                k += 1
        spans.append((start, end))
        i = j + 1
    return spans


def is_term_label(label: str) -> bool:
    """A label worth asking for ("Kussmaul breathing", "Omalizumab"), not a heading's word
    ("Drugs", "Causes")."""
    words = _WORD.findall(label)
    return bool(words) and (
        any(is_rare(w) for w in words if len(w) >= 5)
        or any(ch.isdigit() for ch in label)
        or (len(words) >= 2 and not all(w.lower() in _GENERIC_LABELS for w in words))
    )


_GENERIC_LABELS = word_set(
    "drugs drug causes cause other others signs symptoms notes note tests test "
    "treatment management dose doses risk factors features"
)


def _noun_like(word: str, avoid: str) -> bool:
    lowered = word.lower()
    return not (
        _named(word, avoid) or lowered in _ENUM_STOP or lowered in FUNCTION_WORDS or _VERBISH.search(word)
    )


def _is_term(word: str, avoid: str) -> bool:
    return not (
        len(word) < 5
        or word.isupper()
        or word.lower() in _GENERIC_TERMS
        or not is_rare(word)
        or _named(word, avoid)
    )


_VERB = re.compile(
    r"\b(?:can |may |might |will |does |do |often |usually |typically |commonly )?"
    r"(?:helps?|shows?|demonstrates?|identif(?:y|ies)|increases?|decreases?|reduces?|raises?|lowers?|"
    r"determines?|indicates?|predicts?|improves?|worsens?|requires?|suggests?|confirms?|excludes?|"
    r"prevents?|causes?|triggers?|inhibits?|blocks?|activates?|stimulates?|detects?|measures?|"
    r"compromises?|impairs?|delays?|limits?|affects?|produces?|releases?|binds?|converts?)\s+"
)


def main_object(text: str, avoid: str) -> Span | None:
    """The phrase after the first verb, for a line nothing else could ask about: "Serial bone
    scans help [time surgical intervention]"."""
    match = _VERB.search(text)
    if not match or match.start() == 0:
        return None
    rest = text[match.end() :]
    stop = re.search(r"[,;:.()]|\s(?:and|but|which|that|because|while|although|if|when)\s", rest)
    phrase = (rest[: stop.start()] if stop else rest).rstrip(" .")
    if (
        phrase
        and len(phrase.split()) <= 8
        and not any(_named(w, avoid) for w in _WORD.findall(phrase) if len(w) > 3)
    ):
        return match.end(), match.end() + len(phrase)
    # "Serial imaging helps determine optimal timing" under "Timing of Intervention": the subject.
    subject = text[: match.start()].strip()
    if (
        1 <= len(subject.split()) <= 4
        and not any(ch in subject for ch in ",;:()")
        and not any(w.lower() in _MODAL or w.lower().endswith("ly") for w in subject.split())
    ):
        return 0, len(subject)
    return None


def _variants(text: str) -> list[Span]:
    """Variant notations; the cDNA and protein forms of one variant side by side ("c.617G>A;
    p.R206H") are one answer: either on the front gives the other away."""
    spans: list[Span] = []
    for match in _VARIANT.finditer(text):
        if spans and re.fullmatch(r"[;,]?\s*\(?", text[spans[-1][1] : match.start()]):
            spans[-1] = (
                spans[-1][0],
                match.end()
                + (
                    1
                    if text[spans[-1][1] : match.start()].endswith("(")
                    and text[match.end() : match.end() + 1] == ")"
                    else 0
                ),
            )
        else:
            spans.append(match.span())
    return spans


def salient(text: str, avoid: str) -> list[Target]:
    """Every target in the text, longest first where two overlap, in text order."""
    found: list[Target] = []
    has_digit = _DIGIT.search(text) is not None
    if has_digit:
        found += [Target(span, "variant") for span in _variants(text)]
        found += [Target(s, "figure") for s in figures(text)]
        found += [Target(m.span(), "symbol") for m in _SYMBOL.finditer(text) if is_gene(text, m)]
    lowered = text.lower()
    if (
        "such as" in lowered
        or "e.g" in lowered
        or "eg" in lowered
        or "example" in lowered
        or " like " in lowered
    ):
        for match in _EXAMPLE.finditer(text):
            term = match.group(1).strip()
            if term and len(term.split()) <= 4:
                found.append(Target((match.start(1), match.start(1) + len(term)), "example"))
    if "(" in text:
        for match in _ABBREVIATION.finditer(text):
            span = expansion(text, match.start(), match.group(1))
            if span:
                found.append(Target(span, "abbreviation"))
    found += [Target(s, "enumeration") for s in enumerations(text, avoid)]
    if any(hint in lowered for hint in _CUE_HINTS):
        found += [Target(s, "cue") for s in cues(text)]
    if len(text.split()) > NAME_MAX_WORDS and not found:
        # A bare name ("Progressive osseous heteroplasia") is recalled whole, in its list; and where
        # a figure, a cause or a list says what matters, a rare word beside it is not the point.
        found += [
            Target(s, "term")
            for s in terms(text, avoid)
            # "than [...]" and "casting or [...]": an open comparison, a near-synonym
            if not text[: s[0]].endswith(("than ", " or ")) and "/" not in text[max(0, s[0] - 1) : s[1] + 1]
        ]
    return _without_overlaps(found)


_PRIORITY = {
    "variant": 0,
    "figure": 0,
    "symbol": 0,
    "abbreviation": 1,
    "example": 1,
    "enumeration": 2,
    "cue": 3,
    "term": 4,
}


def _without_overlaps(targets: list[Target]) -> list[Target]:
    # Exact kinds (figures, symbols) first, then the longer span: a figure inside an enumeration
    # is asked on its own; an enumeration swallows the rare words in it.
    if len(targets) < 2:
        return targets
    kept: list[Target] = []
    starts: list[int] = []  # the kept spans, in text order (they never overlap)
    ends: list[int] = []
    order = sorted(
        set(targets),
        key=lambda t: (_PRIORITY[t.kind] > 0, -(t.span[1] - t.span[0]), _PRIORITY[t.kind], t.span[0]),
    )
    for target in order:
        start, end = target.span
        if end <= start:
            continue
        at = bisect.bisect_left(starts, start)
        if (at < len(starts) and starts[at] < end) or (at > 0 and ends[at - 1] > start):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        kept.append(target)
    return sorted(kept, key=lambda t: t.span)
