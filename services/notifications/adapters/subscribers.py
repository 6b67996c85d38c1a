"""The Kafka handler: translate each received event and call the use case for its kind."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from services.notifications.domain import AgencyContact, SourceEvent
from services.notifications.ports import Ports
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import notify_parties, record_agency_contact
from tsunagu.events import ReceivedEvent
from tsunagu.messaging import subscribe
from tsunagu_schemas import AgencyDeliveryData, ReferralEventData, SubjectViewedData
from tsunagu_schemas.topics import DIRECTORY_DELIVERY, REFERRAL_EVENTS


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


def subscribe_to_events(
    broker: KafkaBroker, *, ports: Ports, settings: NotificationsSettings
) -> None:
    """Subscribe to referral events and agencies' delivery settings with one consumer (before
    the broker starts).

    One consumer for both topics means one member per replica in the group, so starting or
    stopping a replica rebalances the group once instead of once per topic.
    """

    async def on_event(event: ReceivedEvent) -> None:
        # The event's type was checked against its topic, so its data says which one it is.
        match event.data:
            case ReferralEventData():
                await notify_parties(ports, source_event(event))
            case SubjectViewedData():
                # A read of a person's data is for the audit log: the parties are not told who
                # read it (that would tell them who else holds the person).
                return
            case AgencyDeliveryData():
                await record_agency_contact(ports, AgencyContact.from_event(event.data))
            case _:
                raise TypeError(f"no handler for {event.type} on {event.topic}")

    subscribe(
        broker,
        topic=[REFERRAL_EVENTS, DIRECTORY_DELIVERY],
        group_id=settings.consumer_group,
        handler=on_event,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
    )
