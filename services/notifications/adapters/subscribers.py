"""The Kafka handler: translate each received event and call the use case for its kind."""

from __future__ import annotations

from collections.abc import Sequence

from faststream.kafka import KafkaBroker

from services.notifications.domain import AgencyContact, SourceEvent
from services.notifications.ports import Ports
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import notify_all, record_agency_contact
from tsunagu.events import ReceivedEvent
from tsunagu.messaging.batch import subscribe_batch, subscription_of
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
    """Subscribe to referral events and agencies' delivery settings with one batch consumer
    (before the broker starts).

    One consumer for both topics means one member per replica in the group, so starting or
    stopping a replica rebalances the group once instead of once per topic. The referral events
    of a batch are notified together (a few store round trips for the whole batch); a delivery
    setting is applied where it stands in the batch, after the referral events before it.
    """

    async def on_events(events: Sequence[ReceivedEvent]) -> None:
        referral_events: list[SourceEvent] = []
        for event in events:
            # The event's type was checked against its topic, so its data says which one it is.
            match event.data:
                case ReferralEventData():
                    referral_events.append(source_event(event))
                case SubjectViewedData():
                    # A read of a person's data is for the audit log: the parties are not told
                    # who read it (that would tell them who else holds the person).
                    continue
                case AgencyDeliveryData():
                    await notify_all(ports, referral_events)
                    referral_events = []
                    await record_agency_contact(ports, AgencyContact.from_event(event.data))
                case _:
                    raise TypeError(f"no handler for {event.type} on {event.topic}")
        await notify_all(ports, referral_events)

    subscribe_batch(
        broker,
        topics=[REFERRAL_EVENTS, DIRECTORY_DELIVERY],
        handler=on_events,
        subscription=subscription_of(settings),
    )
