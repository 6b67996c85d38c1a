"""The outbox relay on the real store and Kafka: in order per aggregate, removing what went out."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from tests.infra import Endpoints, kafka_login_for, scratch_database
from tests.integration.harness import collect
from tests.integration.kafka_positions import partitions_of
from tsunagu.outbox import OUTBOX_FIELD, OutboxRelay


def _entry(topic: str, aggregate: str, n: int) -> dict[str, Any]:
    return {
        "event_id": f"{aggregate}-{n}",
        "topic": topic,
        "key": aggregate,
        "data": json.dumps({"aggregate": aggregate, "n": n}).encode(),
        "headers": {"ce_id": f"{aggregate}-{n}"},
    }


@pytest.fixture
async def collection(endpoints: Endpoints) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    async with scratch_database(endpoints.mongo_url, "relay") as database:
        yield database["aggregates"]


async def test_the_relay_publishes_each_aggregates_events_in_order_and_removes_only_those(
    endpoints: Endpoints, collection: AsyncCollection[dict[str, Any]]
) -> None:
    topic = f"test.relay.{uuid.uuid4().hex[:8]}"
    await partitions_of(endpoints.kafka_bootstrap_servers, [topic])
    aggregates = {f"agg{i}-{uuid.uuid4().hex[:6]}": i + 1 for i in range(5)}  # 1 to 5 pending
    await collection.insert_many(
        [
            {"_id": name, OUTBOX_FIELD: [_entry(topic, name, n) for n in range(count)]}
            for name, count in aggregates.items()
        ]
    )
    login = kafka_login_for(endpoints.kafka_bootstrap_servers)
    broker = KafkaBroker(
        login.bootstrap_servers, security=login.broker_security(), enable_idempotence=True
    )
    await broker.start()
    try:
        relay = OutboxRelay(collection=collection, broker=broker, chunk_size=2)
        assert await relay.drain() == 15
        late = _entry(topic, next(iter(aggregates)), 99)
        await collection.update_one({"_id": late["key"]}, {"$push": {OUTBOX_FIELD: late}})
        remaining = {d["_id"]: d[OUTBOX_FIELD] async for d in collection.find({})}
        assert remaining.pop(late["key"]) == [late]
        assert all(v == [] for v in remaining.values())
        assert await relay.drain() == 1
    finally:
        await broker.stop()

    records = await collect(
        endpoints.kafka_bootstrap_servers, topic, until=lambda rs: len(rs) >= 16, timeout=60
    )
    published: dict[str, list[int]] = {}
    for record in records:
        body = json.loads(record.value)
        published.setdefault(body["aggregate"], []).append(body["n"])
    expected = {name: list(range(count)) for name, count in aggregates.items()}
    expected[late["key"]].append(99)
    assert published == expected
    assert [d[OUTBOX_FIELD] async for d in collection.find({})] == [[]] * 5
