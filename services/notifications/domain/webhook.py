"""Webhook payloads: the event as a structured CloudEvent, signed the Standard Webhooks way.

Each delivery carries `webhook-id` (the event's id), `webhook-timestamp` (unix seconds) and
`webhook-signature`: space-separated `v1,<base64 HMAC-SHA256>` signatures of
`{id}.{timestamp}.{body}`, one per secret valid at that moment. Secrets are written
`whsec_<base64 of the key bytes>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, Final

from tsunagu_schemas import format_time

from .events import SourceEvent

STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json"
ID_HEADER: Final = "webhook-id"
TIMESTAMP_HEADER: Final = "webhook-timestamp"
SIGNATURE_HEADER: Final = "webhook-signature"
SECRET_PREFIX: Final = "whsec_"
SIGNATURE_VERSION: Final = "v1"


class MalformedSecret(ValueError):
    """A webhook secret that is not `whsec_` followed by base64."""


def secret_text(key: bytes) -> str:
    """The secret as handed to the agency: `whsec_<base64 key>`."""
    return SECRET_PREFIX + base64.b64encode(key).decode()


def secret_key(secret: str) -> bytes:
    """The key bytes of a `whsec_…` secret (the prefix is optional, as in the spec)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise MalformedSecret("a webhook secret is whsec_ followed by base64") from exc


def sign(key: bytes, *, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of `{id}.{timestamp}.{body}` under `key`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def signature_header(keys: Sequence[bytes], *, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per key, separated by spaces."""
    if not keys:
        raise ValueError("a webhook is signed with at least one key")
    return " ".join(sign(k, message_id=message_id, timestamp=timestamp, body=body) for k in keys)


def signature_matches(
    secret: str, *, message_id: str, timestamp: int, body: bytes, header: str
) -> bool:
    """Whether any signature in a received header is the secret's (constant time each)."""
    expected = sign(secret_key(secret), message_id=message_id, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in header.split())


def structured_cloudevent(event: SourceEvent) -> dict[str, Any]:
    """The event as a CloudEvents 1.0 structured-mode JSON document."""
    document: dict[str, Any] = {
        "specversion": "1.0",
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": format_time(event.time),
        "subject": event.subject,
        "datacontenttype": "application/json",
        "data": event.data,
    }
    if event.dataschema:
        document["dataschema"] = event.dataschema
    if event.subject is None:
        del document["subject"]
    return document


def webhook_body(event: SourceEvent) -> bytes:
    """The exact bytes posted to a webhook (the signature covers these bytes)."""
    document = structured_cloudevent(event)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
