"""Signing a progress file: its canonical form and an HMAC-SHA256 over it; pseudonyms from a key.

Pure: the secrets come from the caller (the database or the learner's invite), never made here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

SCHEME = "hmac-sha256:"


def canonical(body: dict[str, Any]) -> bytes:
    """The bytes that are signed: the JSON object with sorted keys, no whitespace, UTF-8 (not
    escaped to ASCII). Python writes each float the shortest way that reads back the same, so a
    file read and written again gives the same bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(body: dict[str, Any], secret: bytes) -> str:
    """The signature of a body (every field but the signature itself)."""
    return SCHEME + hmac.new(secret, canonical(body), hashlib.sha256).hexdigest()


def verify(body: dict[str, Any], signature: str, secret: bytes) -> bool:
    """Whether the signature is the body's under this secret, compared in constant time."""
    return hmac.compare_digest(sign(body, secret).encode("ascii"), signature.encode("utf-8", "replace"))


def pseudonym(prefix: str, name: str, key: bytes) -> str:
    """A stable stand-in for a name under a secret key: without the key, a list of names does not
    lead back to it. 8 hex digits: two names of a class of 500 share one about once in 35,000."""
    return f"{prefix}-" + hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:8]
