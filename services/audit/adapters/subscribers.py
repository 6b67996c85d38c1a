"""Kafka handlers: every event on every event topic becomes one audit record."""

from __future__ import annotations

from collections.abc import Sequence

from faststream.kafka import KafkaBroker
from prometheus_client import Counter

from services.audit.domain import ObservedEvent, kept_data
from services.audit.ports import Ports
from services.audit.settings import AuditSettings
from services.audit.use_cases import ChainConflict
from tsunagu.events import ReceivedEvent
from tsunagu.messaging import TransientError
from tsunagu.messaging.batch import subscribe_batch, subscription_of
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
        data=kept_data(event.topic, event.data.model_dump(mode="json")),
    )


def subscribe_to_events(broker: KafkaBroker, *, ports: Ports, settings: AuditSettings) -> None:
    """Register the audit handler on every event topic (before the broker starts)."""

    async def on_events(events: Sequence[ReceivedEvent]) -> None:
        try:
            recorded = await ports.recorder.many([observed(event) for event in events])
        except ChainConflict as exc:  # not the events' fault: deliver them again later
            raise TransientError(str(exc)) from exc
        for record in recorded.records:
            RECORDS.labels(record.topic).inc()
        if recorded.duplicates:
            DUPLICATES.labels(events[0].topic).inc(recorded.duplicates)

    subscribe_batch(
        broker,
        topics=EVENT_TOPICS,
        handler=on_events,
        subscription=subscription_of(settings, namespace=settings.topic_namespace),
    )
