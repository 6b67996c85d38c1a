"""The referrals service's Kafka subscriber: directory events decoded and routed to the use case."""

from __future__ import annotations

from typing import cast

from faststream.kafka import TestKafkaBroker

from services.referrals.adapters.subscribers import subscribe_to_directory
from services.referrals.settings import ReferralsSettings
from tests.unit.kafka_records import agency_entry, parked_on, publish
from tsunagu.messaging import make_broker
from tsunagu_schemas.topics import DIRECTORY_EVENTS

from .fakes import InMemoryAgencies, in_memory_ports


async def test_an_agency_event_updates_the_local_directory_once_per_version() -> None:
    settings = ReferralsSettings()
    broker = make_broker(settings, service="referrals")
    ports = in_memory_ports()
    subscribe_to_directory(broker, ports=ports, settings=settings)
    parked = parked_on(broker, DIRECTORY_EVENTS)
    async with TestKafkaBroker(broker) as test_broker:
        await publish(test_broker, agency_entry("agency-x", version=2))
        await publish(test_broker, agency_entry("agency-x", version=1))
    known = cast(InMemoryAgencies, ports.agencies).stored
    assert list(known) == ["agency-x"]
    assert known["agency-x"].version == 2
    assert known["agency-x"].accepted_needs(["food", "housing"]) == ["food"]
    assert parked == []


async def test_an_agency_event_with_invalid_data_is_parked_not_applied() -> None:
    settings = ReferralsSettings()
    broker = make_broker(settings, service="referrals")
    ports = in_memory_ports()
    subscribe_to_directory(broker, ports=ports, settings=settings)
    parked = parked_on(broker, DIRECTORY_EVENTS)
    async with TestKafkaBroker(broker) as test_broker:
        await publish(test_broker, agency_entry("agency-x"), data={"agency_id": 5})
    assert cast(InMemoryAgencies, ports.agencies).stored == {}
    assert parked == [(b'{"agency_id":5}', "invalid")]
