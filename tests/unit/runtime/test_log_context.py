"""Log lines written while an event is consumed name it, for single and batch consumers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
import structlog.testing
from faststream.kafka import TestKafkaBroker

from tests.unit.kafka_records import agency_entry, publish
from tsunagu.events import ReceivedEvent
from tsunagu.messaging import make_broker, subscribe
from tsunagu.messaging.batch import BatchSubscription, subscribe_batch
from tsunagu.settings import ServiceSettings
from tsunagu_schemas.topics import DIRECTORY_EVENTS


async def test_a_single_consumer_logs_with_the_event_id_type_subject_and_trace() -> None:
    broker = make_broker(ServiceSettings(), service="test")
    seen: list[dict[str, Any]] = []

    async def handler(event: ReceivedEvent) -> None:
        seen.append(structlog.contextvars.get_contextvars())

    subscribe(broker, topic=DIRECTORY_EVENTS, group_id="test", handler=handler)
    entry = agency_entry("agency-x")
    async with TestKafkaBroker(broker) as test_broker:
        await publish(test_broker, entry)
    headers = entry["headers"]
    assert seen == [
        {
            "event_id": entry["event_id"],
            "event_type": "tsunagu.agency.registered",
            "subject": "agency-x",
            "trace": headers["traceparent"],
        }
    ]
    assert structlog.contextvars.get_contextvars() == {}


async def test_a_batch_consumer_logs_with_its_events_and_each_event_when_narrowed_down() -> None:
    broker = make_broker(ServiceSettings(), service="test")
    whole: list[dict[str, Any]] = []
    one_by_one: list[dict[str, Any]] = []

    async def handler(events: Sequence[ReceivedEvent]) -> None:
        if len(events) > 1:
            whole.append(structlog.contextvars.get_contextvars())
            raise ValueError("a bad event in the batch")
        one_by_one.append(structlog.contextvars.get_contextvars())

    subscribe_batch(
        broker,
        topics=[DIRECTORY_EVENTS],
        handler=handler,
        subscription=BatchSubscription(group_id="test"),
    )
    first, last = agency_entry("agency-x"), agency_entry("agency-y")
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(
            first["data"],
            last["data"],
            topic=DIRECTORY_EVENTS,
            headers=dict(first["headers"]),
        )
    assert whole
    assert whole[0]["batch_size"] == 2
    assert [context["event_id"] for context in one_by_one] == [first["event_id"]] * 2
    assert all(context["event_type"] == "tsunagu.agency.registered" for context in one_by_one)


async def test_a_record_parked_from_a_batch_is_logged_with_its_own_event_fields() -> None:
    broker = make_broker(ServiceSettings(), service="test")
    handled: list[str] = []

    async def handler(events: Sequence[ReceivedEvent]) -> None:
        handled.extend(event.attributes.id for event in events)

    subscribe_batch(
        broker,
        topics=[DIRECTORY_EVENTS],
        handler=handler,
        subscription=BatchSubscription(group_id="test"),
    )
    poison = agency_entry("agency-x")
    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        async with TestKafkaBroker(broker) as test_broker:
            await publish(test_broker, poison, data={"not": "an agency event"})
    parked = [line for line in logs if line["event"] == "event parked"]
    assert len(parked) == 1
    assert parked[0]["event_id"] == poison["event_id"]
    assert parked[0]["event_type"] == "tsunagu.agency.registered"
    assert handled == []
    assert structlog.contextvars.get_contextvars() == {}
