"""Words and phrases worth a cloze, found without markup: enumerations, the cause or risk after a
cue word, technical terms (words rare in everyday English), and a line's main object."""

from __future__ import annotations

import functools
import re

from quiz.generator.targets.figures import Span, trim
from quiz.generator.text import FUNCTION_WORDS, word_set

_ADVERBIAL_START = word_set(
    "in at on for with during after before when if once while although unless until since by"
)
_EXAMPLE_CUE = re.compile(r"(?:such as|e\.g\.?|eg|for example|including|like|i\.e\.?)\b", re.IGNORECASE)
# Cue words before what a clinician must recall: the cause, the risk, the mimic.
_CUE = re.compile(
    r"\b(?:risk of|risks of|mimics?|secondary to|leads? to|results? in|"
    r"complicated by|contraindicated in|indicated in|indicated for|treated with|"
    r"treatment of choice is|drug of choice is)\s+",
    re.IGNORECASE,
)
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


def _rarity() -> object:
    from wordfreq import zipf_frequency

    return zipf_frequency


@functools.lru_cache(maxsize=65536)
def is_rare(word: str) -> bool:
    """A word seldom met in everyday English (cellulitis, ankylosis): a technical term."""
    zipf = _rarity()
    return bool(zipf(word.lower(), "en") < RARE_ZIPF)  # type: ignore[operator]


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
    return [trim(text, s, e) for s, e in spans if e > s]


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
