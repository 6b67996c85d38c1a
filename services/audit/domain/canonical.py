"""The canonical JSON encoding that every digest and hash of the audit log is computed over.

Sorted keys, no insignificant whitespace, UTF-8, no NaN or infinities, and times as RFC 3339
UTC strings with microseconds (a fixed width, so that they also sort as text).
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any


def rfc3339(moment: datetime) -> str:
    """Format a time as RFC 3339 in UTC with microseconds, e.g. 2026-01-02T03:04:05.000000Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _encode_other(value: object) -> str:
    """Encode the values plain JSON does not know; refuse the rest."""
    if isinstance(value, datetime):
        return rfc3339(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def canonical_json(value: Any) -> bytes:
    """Encode a value as canonical JSON bytes."""
    text = json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_encode_other,
    )
    return text.encode("utf-8")


def plain_canonical_json(value: Any) -> bytes:
    """The canonical JSON of a value made of plain JSON types only; TypeError for any other.

    The same bytes as `canonical_json` for such a value, without its handling of times.
    """
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def digest(value: Any) -> str:
    """SHA-256 hex digest of a value's canonical JSON."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def plain_json(value: Any) -> Any:
    """The value as plain JSON types, as its canonical JSON would read back (times as text).

    Equal to `json.loads(canonical_json(value))`, without encoding and parsing it: enums become
    their values, tuples lists, times RFC 3339 strings; anything else is refused.
    """
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and infinities have no canonical JSON form")
        return float(value)
    if isinstance(value, dict):
        return {_key(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    if isinstance(value, datetime):
        return rfc3339(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def _key(key: object) -> str:
    """An object key: JSON keys are strings."""
    if not isinstance(key, str):
        raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
    return str.__str__(key)
