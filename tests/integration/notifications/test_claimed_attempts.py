"""An attempt counts from its claim in the store: one cut short by a crash still uses up one of
the delivery's attempts, so a receiver that kills the process cannot make it try for ever."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.notifications.adapters.delivery_store import MongoDeliveryQueue
from services.notifications.domain import AgencyContact, plan_deliveries
from tests.infra import Endpoints
from tests.unit.notifications.conftest import MOMENT, _source_event

LEASE = timedelta(seconds=60)


@pytest.fixture
async def queue(endpoints: Endpoints) -> AsyncIterator[MongoDeliveryQueue]:
    name = f"claims_{uuid.uuid4().hex[:8]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(endpoints.mongo_url, tz_aware=True)
    database = client[name]
    queue = MongoDeliveryQueue(
        database["deliveries"], claims=database["delivery_claims"], on_outbox=lambda: None
    )
    await queue.ensure_indexes()
    yield queue
    await client.drop_database(name)
    await client.close()


async def test_each_claim_counts_an_attempt_before_it_is_made(queue: MongoDeliveryQueue) -> None:
    contact = AgencyContact("agency-b", 1, webhook_url="https://b.example/hook")
    (delivery,) = plan_deliveries(_source_event(), contacts=[contact], now=MOMENT)
    assert await queue.add([delivery]) == 1
    first = await queue.claim_due(now=MOMENT, lease=LEASE)
    assert first is not None
    assert first.delivery.attempts == 0
    stored = await queue.get(delivery.delivery_id)
    assert stored is not None
    assert stored["attempts"] == 1, "counted when claimed, before any outcome"
    assert await queue.claim_due(now=MOMENT, lease=LEASE) is None, "leased"
    # the process died: no outcome is recorded, and the lease runs out
    later = MOMENT + LEASE + timedelta(seconds=1)
    second = await queue.claim_due(now=later, lease=LEASE)
    assert second is not None
    assert second.delivery.attempts == 1
    stored = await queue.get(delivery.delivery_id)
    assert stored is not None
    assert stored["attempts"] == 2
