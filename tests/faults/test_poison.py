"""Poison and redelivered events on every consumed topic: parked or absorbed; nothing stops."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer, TopicPartition

from tests.access import as_role
from tests.faults.conftest import FaultStack
from tests.faults.load import LoadGenerator, Network
from tests.faults.scenario import CONSUMED, assert_settled_exactly_once, fresh_network, settled
from tests.infra import kafka_options
from tests.integration.kafka_positions import end_offsets, read_until_now
from tsunagu.messaging import dead_letter
from tsunagu_schemas import catalog
from tsunagu_schemas.topics import (
    DIRECTORY_DELIVERY,
    DIRECTORY_EVENTS,
    EVENT_TOPICS,
    NOTIFICATION_EVENTS,
    REFERRAL_EVENTS,
    dead_letter_topic,
    owner_of,
)

TYPE_ON = {
    REFERRAL_EVENTS: "tsunagu.referral.created",
    DIRECTORY_EVENTS: "tsunagu.agency.registered",
    NOTIFICATION_EVENTS: "tsunagu.notification.delivered",
    DIRECTORY_DELIVERY: "tsunagu.agency.delivery_set",
}
Position = tuple[str, int, int]


def _envelope(event_type: str, subject: str) -> list[tuple[str, bytes]]:
    headers = {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": catalog.source(owner_of(catalog.kind_of(event_type).topic)),
        "ce_type": event_type,
        "ce_time": datetime.now(UTC).isoformat(),
        "ce_subject": subject,
        "ce_dataschema": catalog.kind_of(event_type).dataschema,
        "content-type": "application/json",
    }
    return [(name, value.encode()) for name, value in headers.items()]


SUBJECTS: dict[Position, str] = {}


def _subject(position: Position) -> str:
    return SUBJECTS[position]


def _poison(
    topic: str, network: Network, subject: str
) -> list[tuple[bytes, list[tuple[str, bytes]]]]:
    """Three bad records for `topic`: not JSON, data breaking the contract, no envelope."""
    invalid = {"referral_id": subject, "parties": [network.a], "status": "lost", "version": -1}
    envelope = _envelope(TYPE_ON[topic], subject)
    return [
        (b"{not json", envelope),
        (json.dumps(invalid).encode(), _envelope(TYPE_ON[topic], subject)),
        (b"{}", [("content-type", b"application/json")]),
    ]


async def _publish_poison(bootstrap: str, network: Network) -> list[Position]:
    # Idempotent: a send retried after a slow answer must not write its record twice.
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        positions = []
        for topic in EVENT_TOPICS:
            subject = f"poison-{uuid.uuid4().hex[:8]}"
            for value, headers in _poison(topic, network, subject):
                sent = await producer.send_and_wait(
                    topic, value, key=network.a.encode(), headers=headers
                )
                positions.append((topic, sent.partition, sent.offset))
                SUBJECTS[positions[-1]] = subject
        return positions
    finally:
        await producer.stop()


async def _redeliver_some(bootstrap: str, start: Mapping[TopicPartition, int]) -> None:
    """Publish again, verbatim, a few events already delivered, as a relay crash would."""
    copies = [r for r in await read_until_now(bootstrap, start) if r.topic == REFERRAL_EVENTS]
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all")
    await producer.start()
    try:
        for record in copies[-3:]:
            headers = list(record.headers)
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=headers
            )
    finally:
        await producer.stop()


def _parked_by(stack: FaultStack, records: list[object]) -> set[tuple[Position, str]]:
    """(original position, consumer group) of every dead-lettered record."""
    parked = set()
    for record in records:
        headers = {k: v.decode() for k, v in record.headers}  # type: ignore[attr-defined]
        assert headers[dead_letter.REASON] == "invalid", headers
        assert headers[dead_letter.ERROR]
        assert headers[dead_letter.ATTEMPTS] == "1"
        position = (
            headers[dead_letter.ORIGINAL_TOPIC],
            int(headers[dead_letter.ORIGINAL_PARTITION]),
            int(headers[dead_letter.ORIGINAL_OFFSET]),
        )
        parked.add((position, headers[dead_letter.CONSUMER_GROUP]))
    return parked


async def test_poison_events_on_every_consumed_topic_are_parked_and_nothing_else_stops(
    fault_stack: FaultStack,
) -> None:
    stack = fault_stack
    dlq_topics = [dead_letter_topic(t) for t in EVENT_TOPICS]
    async with stack.client() as http:
        network = await fresh_network(http, stack)
        start = await end_offsets(stack.bootstrap, EVENT_TOPICS)
        dlq_start = await end_offsets(stack.bootstrap, dlq_topics)
        load = LoadGenerator(http, stack.urls["referrals"], network)
        running = asyncio.create_task(load.run(count=6))
        positions = await _publish_poison(stack.bootstrap, network)
        report = await running
        await _redeliver_some(stack.bootstrap, start)
        await assert_settled_exactly_once(http, stack, start=start, report=report, network=network)
        expected = {
            (position, stack.group(service))
            for service, topics in CONSUMED.items()
            for position in positions
            if position[0] in topics
        }

        async def all_parked() -> None:
            parked = _parked_by(stack, await read_until_now(stack.bootstrap, dlq_start))
            missing, unexpected = expected - parked, parked - expected
            assert parked == expected, f"missing {missing}, unexpected {unexpected}"

        await settled(all_parked, timeout=30)
        for position in positions:
            query = {"referral_id": _subject(position)}
            response = await http.get(
                f"{stack.urls['audit']}/v1/audit/records",
                params=query,
                headers=as_role("auditor"),
            )
            assert response.json()["items"] == [], "a poison event reached the audit log"
