"""The notifications service's Kafka subscriber: one consumer, each event routed by its kind."""

from __future__ import annotations

from typing import cast

from faststream.kafka import TestKafkaBroker

from services.notifications.adapters.subscribers import subscribe_to_events
from services.notifications.settings import NotificationsSettings
from tests.unit.kafka_records import MOMENT, delivery_entry, parked_on, publish
from tsunagu.events import outbox_entry
from tsunagu.messaging import make_broker
from tsunagu_schemas import (
    ReferralEventData,
    ReferralStatus,
    SubjectViewedData,
    Urgency,
    ViewPurpose,
)
from tsunagu_schemas.subject_view import SUBJECT_VIEWED
from tsunagu_schemas.topics import REFERRAL_EVENTS

from .fakes import InMemoryContacts, InMemoryInbox, InMemoryQueue, in_memory_ports


def referral_entry() -> dict[str, object]:
    data = ReferralEventData(
        referral_id="ref-1",
        version=1,
        leg=1,
        from_agency_id="agency-a",
        to_agency_id="agency-b",
        needs=["food"],
        urgency=Urgency.URGENT,
        status=ReferralStatus.REQUESTED,
        actor_agency_id="agency-a",
        parties=["agency-a", "agency-b"],
        occurred_at=MOMENT,
    )
    return outbox_entry(
        event_type="tsunagu.referral.created",
        subject="ref-1",
        data=data,
        service="referrals",
        time=MOMENT,
    )


async def test_delivery_settings_and_referral_events_reach_their_use_cases() -> None:
    settings = NotificationsSettings()
    broker = make_broker(settings, service="notifications")
    ports = in_memory_ports(MOMENT)
    subscribe_to_events(broker, ports=ports, settings=settings)
    parked = parked_on(broker, REFERRAL_EVENTS)
    async with TestKafkaBroker(broker) as test_broker:
        await publish(test_broker, delivery_entry("agency-b", version=2, email="b@example.org"))
        await publish(test_broker, referral_entry())
        await publish(test_broker, referral_entry(), data={"referral_id": "ref-1"})
    contacts = cast(InMemoryContacts, ports.agencies)
    inbox, queue = cast(InMemoryInbox, ports.inbox), cast(InMemoryQueue, ports.deliveries)
    assert contacts.stored["agency-b"].email == "b@example.org"
    assert sorted(e.agency_id for e in inbox.entries.values()) == ["agency-a", "agency-b"]
    assert [d.target for d in queue.deliveries.values()] == ["b@example.org"]
    assert [reason for _, reason in parked] == ["invalid"]


async def test_a_read_of_a_persons_data_is_left_to_the_audit_log_and_tells_no_party() -> None:
    settings = NotificationsSettings()
    broker = make_broker(settings, service="notifications")
    ports = in_memory_ports(MOMENT)
    subscribe_to_events(broker, ports=ports, settings=settings)
    parked = parked_on(broker, REFERRAL_EVENTS)
    read = SubjectViewedData(
        referral_id="ref-1",
        version=1,
        actor_agency_id="agency-b",
        standing="asked",
        purpose=ViewPurpose.READ,
        route="GET /v1/referrals/{referral_id}",
        occurred_at=MOMENT,
    )
    entry = outbox_entry(
        event_type=SUBJECT_VIEWED, subject="ref-1", data=read, service="referrals", time=MOMENT
    )
    async with TestKafkaBroker(broker) as test_broker:
        await publish(test_broker, entry)
        await publish(test_broker, referral_entry())
    inbox = cast(InMemoryInbox, ports.inbox)
    assert [e.event_type for e in inbox.entries.values()] == ["tsunagu.referral.created"] * 2
    assert parked == []
