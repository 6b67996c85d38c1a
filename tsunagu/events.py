"""Building events for the outbox and reading them back from Kafka records."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from tsunagu_schemas import CloudEventAttributes, EnvelopeError, catalog
from tsunagu_schemas.topics import owner_of


class PoisonEvent(ValueError):
    """An event that can never be handled as it is: it goes to the dead-letter topic."""

    reason = "invalid"


class ForeignSource(PoisonEvent):
    """An event whose `ce_source` is not the service that owns its topic: possibly forged."""

    reason = "foreign_source"


def new_event_id() -> str:
    """Return a fresh, unique event id."""
    return str(uuid.uuid4())


def new_traceparent() -> str:
    """Return a W3C traceparent header starting a new trace."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def outbox_entry(
    *,
    event_type: str,
    subject: str,
    data: BaseModel,
    service: str,
    time: datetime,
    traceparent: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Build the stored form of one pending event, ready for the relay to publish."""
    kind = catalog.kind_of(event_type)
    attributes = CloudEventAttributes(
        id=event_id or new_event_id(),
        source=catalog.source(service),
        type=event_type,
        time=time,
        subject=subject,
        dataschema=kind.dataschema,
        traceparent=traceparent or new_traceparent(),
    )
    return {
        "event_id": attributes.id,
        "topic": kind.topic,
        "key": subject,
        "headers": attributes.to_headers(),
        "data": data.model_dump(mode="json"),
    }


@dataclass(frozen=True)
class ReceivedEvent:
    """An event read from Kafka, with its validated data and where it came from."""

    attributes: CloudEventAttributes
    data: BaseModel
    topic: str
    partition: int
    offset: int

    @property
    def id(self) -> str:
        """The event id."""
        return self.attributes.id

    @property
    def type(self) -> str:
        """The event type."""
        return self.attributes.type


def parse_event(
    *, headers: dict[str, str], body: bytes, topic: str, partition: int, offset: int
) -> ReceivedEvent:
    """Validate a Kafka record as one of our events, raising PoisonEvent when it is not."""
    try:
        attributes = CloudEventAttributes.from_headers(headers)
        kind = catalog.kind_of(attributes.type)
    except (EnvelopeError, catalog.UnknownEventType) as exc:
        raise PoisonEvent(f"invalid envelope: {exc}") from exc
    if kind.topic != topic.removesuffix(".dlq"):
        raise PoisonEvent(f"type {attributes.type} does not belong on topic {topic}")
    owner = catalog.source(owner_of(kind.topic))
    if attributes.source != owner:
        raise ForeignSource(f"source {attributes.source} is not {owner}, which owns {kind.topic}")
    try:
        payload = json.loads(body)
        data = kind.data_model.model_validate(payload)
    except (ValueError, ValidationError) as exc:
        raise PoisonEvent(f"invalid data for {attributes.type}: {_short(exc)}") from exc
    return ReceivedEvent(attributes, data, topic, partition, offset)


def _short(exc: Exception) -> str:
    """One line describing a parse error, small enough for a Kafka header."""
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5]]
        return "; ".join(parts)
    return str(exc).splitlines()[0][:300]
