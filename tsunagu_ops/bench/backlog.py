"""A backlog of valid referral events, and the raw baselines measured over the same messages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.audit import (
    RECORDS_COLLECTION,
    Entry,
    Frontier,
    MongoAuditLog,
    ObservedEvent,
    appended,
    stored_documents,
)
from tsunagu.events import outbox_entry
from tsunagu_ops.bench.tracking import partitions_of
from tsunagu_ops.kafka_access.operator import operator_options
from tsunagu_schemas import ReferralEventData, ReferralStatus, Urgency

Progress = Callable[[int], None]
STEPS = ("tsunagu.referral.created", "tsunagu.referral.accepted", "tsunagu.referral.closed")


def backlog_entries(count: int) -> list[dict[str, Any]]:
    """`count` valid referral events, three per referral, as the outbox relay publishes them."""
    entries = []
    now = datetime.now(UTC)
    for number in range(count):
        referral_id = f"bench-referral-{number // 3}-{uuid.uuid4().hex[:6]}"
        data = ReferralEventData(
            referral_id=referral_id,
            version=number % 3 + 1,
            leg=1,
            from_agency_id="bench-agency-a",
            to_agency_id="bench-agency-b",
            needs=["food"],
            urgency=Urgency.ROUTINE,
            status=ReferralStatus.REQUESTED,
            actor_agency_id="bench-agency-a",
            parties=["bench-agency-a", "bench-agency-b"],
            occurred_at=now,
        )
        entries.append(
            outbox_entry(
                event_type=STEPS[number % 3],
                subject=referral_id,
                data=data,
                service="referrals",
                time=now,
            )
        )
    return entries


async def produce(
    bootstrap: str, topic: str, entries: list[dict[str, Any]], tick: Progress
) -> float:
    """Publish every entry as the services' producer does (idempotent, acks=all); return seconds."""
    import json

    producer = AIOKafkaProducer(
        **operator_options(bootstrap), enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        start = time.monotonic()
        for number, entry in enumerate(entries, start=1):
            headers = [(k, v.encode()) for k, v in entry["headers"].items()]
            value = json.dumps(entry["data"]).encode()
            await producer.send(topic, value, key=entry["key"].encode(), headers=headers)
            if number % 5000 == 0:
                tick(number)
        await producer.flush()
        return time.monotonic() - start
    finally:
        await producer.stop()


async def consume_all(bootstrap: str, topic: str, count: int, tick: Progress) -> float:
    """Read `count` messages of `topic` from its start without a group; return seconds."""
    consumer = AIOKafkaConsumer(
        **operator_options(bootstrap), enable_auto_commit=False, max_poll_records=2000
    )
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        start, seen = time.monotonic(), 0
        while seen < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            seen += sum(len(records) for records in batch.values())
            tick(seen)
        return time.monotonic() - start
    finally:
        await consumer.stop()


def audit_records(entries: list[dict[str, Any]]) -> list[Entry]:
    """The audit records (with their tree nodes) the entries become."""
    events = []
    for entry in entries:
        headers = entry["headers"]
        event = ObservedEvent(
            event_id=entry["event_id"],
            type=headers["ce_type"],
            source=headers["ce_source"],
            subject=entry["key"],
            time=datetime.fromisoformat(headers["ce_time"]),
            topic="tsunagu.referral.events",
            data=entry["data"],
        )
        events.append(event)
    return appended(events, Frontier())


async def insert_all(
    mongo_url: str, database: str, records: list[Entry], batch: int, tick: Progress
) -> float:
    """insert_many the records into a fresh audit collection with its indexes; return seconds."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        collection = client[database][RECORDS_COLLECTION]
        await MongoAuditLog(collection=collection).ensure_indexes()
        documents = stored_documents(records)
        start = time.monotonic()
        for first in range(0, len(documents), batch):
            await collection.insert_many(documents[first : first + batch], ordered=False)
            tick(first + batch)
        return time.monotonic() - start
    finally:
        await client.drop_database(database)
        await client.close()
