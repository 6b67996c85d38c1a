"""Kafka handlers: translate received events and call one use case each."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from services.notifications.domain import AgencyContact, SourceEvent
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import NotifyParties, RecordAgencyContact
from tsunagu.events import ReceivedEvent
from tsunagu.messaging import subscribe
from tsunagu_schemas import AgencyEventData, ReferralEventData
from tsunagu_schemas.topics import DIRECTORY_EVENTS, REFERRAL_EVENTS


def source_event(event: ReceivedEvent) -> SourceEvent:
    """A received referral event as the domain's SourceEvent."""
    attributes = event.attributes
    return SourceEvent(
        id=attributes.id,
        source=attributes.source,
        type=attributes.type,
        time=attributes.time,
        subject=attributes.subject,
        dataschema=attributes.dataschema,
        traceparent=attributes.traceparent,
        data=event.data.model_dump(mode="json"),
    )


def register(
    broker: KafkaBroker,
    *,
    settings: NotificationsSettings,
    notify_parties: NotifyParties,
    record_agency: RecordAgencyContact,
) -> None:
    """Subscribe to referral and directory events (before the broker starts)."""

    async def on_referral_event(event: ReceivedEvent) -> None:
        assert isinstance(event.data, ReferralEventData)
        await notify_parties(source_event(event))

    async def on_directory_event(event: ReceivedEvent) -> None:
        assert isinstance(event.data, AgencyEventData)
        await record_agency(AgencyContact.from_event(event.data))

    for topic, handler in (
        (REFERRAL_EVENTS, on_referral_event),
        (DIRECTORY_EVENTS, on_directory_event),
    ):
        subscribe(
            broker,
            topic=topic,
            group_id=settings.consumer_group,
            handler=handler,
            max_attempts=settings.consumer_max_attempts,
            backoff_seconds=settings.consumer_backoff_seconds,
        )
