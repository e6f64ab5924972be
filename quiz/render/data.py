"""The one JSON emitter: a service's result, with its dataclasses, dates, tuples and paths, as JSON."""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

_C1 = re.compile("[\x7f-\x9f]")


def plain(value: Any) -> Any:
    """The value as JSON's types: a dataclass becomes an object of its fields, a date its ISO text,
    a tuple or set a list, a path its text."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    """What `--format json` prints: indented, non-ASCII kept as it is, but DEL and C1 control
    characters (which json leaves raw, and U+009B starts a terminal command) written as \\u escapes."""
    text = json.dumps(plain(value), ensure_ascii=False, indent=2)
    return _C1.sub(lambda match: f"\\u{ord(match[0]):04x}", text) if _C1.search(text) else text
