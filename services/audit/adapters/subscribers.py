"""Kafka handlers: every event on every event topic becomes one audit record."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from prometheus_client import Counter

from services.audit.domain import ObservedEvent
from services.audit.settings import AuditSettings
from services.audit.use_cases import ChainConflict, RecordEvent
from tsunagu.events import ReceivedEvent
from tsunagu.messaging import TransientError, subscribe
from tsunagu_schemas.topics import EVENT_TOPICS

RECORDS = Counter("tsunagu_audit_records_total", "Events recorded in the audit log", ["topic"])
DUPLICATES = Counter("tsunagu_audit_duplicates_total", "Redeliveries absorbed", ["topic"])


def observed(event: ReceivedEvent) -> ObservedEvent:
    """What the audit log keeps of a received event."""
    attributes = event.attributes
    return ObservedEvent(
        event_id=attributes.id,
        type=attributes.type,
        source=attributes.source,
        subject=attributes.subject,
        time=attributes.time,
        topic=event.topic,
        data=event.data.model_dump(),
    )


def subscribe_to_events(
    broker: KafkaBroker, *, settings: AuditSettings, record_event: RecordEvent
) -> None:
    """Register the audit handler on every event topic (before the broker starts)."""

    async def on_event(event: ReceivedEvent) -> None:
        try:
            record = await record_event(observed(event))
        except ChainConflict as exc:  # not the event's fault: deliver it again later
            raise TransientError(str(exc)) from exc
        (RECORDS if record is not None else DUPLICATES).labels(event.topic).inc()

    subscribe(
        broker,
        topic=EVENT_TOPICS,
        group_id=settings.consumer_group,
        handler=on_event,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
    )
