"""Outbox backlog and delivery counts, read from the real store through their indexes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client.core import Metric
from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.adapters.metrics import PENDING, WaitingDeliveries
from tests.infra import Endpoints
from tsunagu.events import outbox_entry
from tsunagu.metrics import OutboxBacklog
from tsunagu.metrics.outbox import BACKLOG, OLDEST_AGE
from tsunagu.store import make_client
from tsunagu_schemas import AgencyEventData, AgencyKind


def _values(families: list[Metric], name: str) -> dict[tuple[str, ...], float]:
    (family,) = [f for f in families if f.name == name]
    return {tuple(s.labels.values()): s.value for s in family.samples}


@pytest.fixture
async def database(endpoints: Endpoints) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """A database of this test's own, dropped afterwards."""
    client = make_client(endpoints.mongo_url)
    database = client[f"test_gauges_{uuid.uuid4().hex[:8]}"]
    try:
        yield database
    finally:
        await client.drop_database(database.name)
        await client.close()


def _entry(agency_id: str, *, age: timedelta) -> dict[str, Any]:
    data = AgencyEventData(
        agency_id=agency_id, version=1, name="A", kind=AgencyKind.NPO, services=[],
        occurred_at=datetime.now(UTC),
    )  # fmt: skip
    return outbox_entry(
        event_type="tsunagu.agency.registered",
        subject=agency_id,
        data=data,
        service="directory",
        time=datetime.now(UTC) - age,
    )


async def test_the_backlog_counts_documents_with_events_waiting_and_ages_the_oldest(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    agencies = database["agencies"]
    probe = OutboxBacklog(agencies)
    await probe.prepare()
    empty = await probe.read()
    assert _values(empty, BACKLOG) == {("agencies",): 0.0}
    assert _values(empty, OLDEST_AGE) == {("agencies",): 0.0}
    await agencies.insert_many(
        [
            {"_id": "a", "outbox": []},
            {
                "_id": "b",
                "outbox": [_entry("b", age=timedelta(minutes=5)), _entry("b", age=timedelta(0))],
            },
            {"_id": "c", "outbox": [_entry("c", age=timedelta(minutes=1))]},
            {"_id": "d"},
        ]
    )
    read = await probe.read()
    assert _values(read, BACKLOG) == {("agencies",): 2.0}
    assert 299 < _values(read, OLDEST_AGE)[("agencies",)] < 330
    await agencies.update_one({"_id": "b"}, {"$set": {"outbox": []}})
    read = await probe.read()
    assert _values(read, BACKLOG) == {("agencies",): 1.0}
    assert 59 < _values(read, OLDEST_AGE)[("agencies",)] < 90


async def test_only_deliveries_waiting_are_counted(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    deliveries = database["deliveries"]
    statuses = ["pending"] * 3 + ["failed"] * 2 + ["delivered"] * 4
    await deliveries.insert_many([{"_id": str(i), "status": s} for i, s in enumerate(statuses)])
    read = await WaitingDeliveries(deliveries).read()
    assert _values(read, PENDING) == {(): 3.0}
