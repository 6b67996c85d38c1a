"""Webhook payloads: the event as a structured CloudEvent, signed with the agency's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Final

from tsunagu_schemas import format_time

from .events import SourceEvent

STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json"
SIGNATURE_HEADER: Final = "X-Tsunagu-Signature"
SIGNATURE_PREFIX: Final = "sha256="


def agency_secret(*, signing_key: str, agency_id: str) -> str:
    """The agency's webhook secret: hex HMAC-SHA256 of its id under the service's key."""
    return hmac.new(signing_key.encode(), agency_id.encode(), hashlib.sha256).hexdigest()


def signature(*, secret: str, body: bytes) -> str:
    """The `X-Tsunagu-Signature` value of a body: `sha256=<hex HMAC-SHA256>`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}{digest}"


def signature_matches(*, secret: str, body: bytes, header: str) -> bool:
    """Whether a received signature header is the right one for `body` (constant time)."""
    return hmac.compare_digest(signature(secret=secret, body=body), header)


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
