"""The agencies' delivery preferences: a burst of reads costs one store read, a change none."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.notifications.adapters.agency_store import CACHE_SECONDS, MongoAgencyContacts
from services.notifications.domain import AgencyContact
from tests.infra import Endpoints


class Finds(monitoring.CommandListener):
    """Counts the `find` commands of one client."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += event.command_name == "find"

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing to count."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing to count."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def counted(endpoints: Endpoints) -> AsyncIterator[tuple[Finds, Any]]:
    finds = Finds()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        endpoints.mongo_url, event_listeners=[finds]
    )
    name = f"contacts_{uuid.uuid4().hex[:10]}"
    try:
        yield finds, client[name]["agencies"]
    finally:
        await client.drop_database(name)
        await client.close()


def _contact(agency_id: str, version: int, email: str) -> AgencyContact:
    return AgencyContact(
        agency_id=agency_id, version=version, webhook_url=None, email=email, kafka=False
    )


async def test_reads_are_kept_briefly_and_a_change_applied_here_is_seen_at_once(
    counted: tuple[Finds, Any],
) -> None:
    finds, collection = counted
    clock = Clock()
    contacts = MongoAgencyContacts(collection, clock=clock)
    await contacts.save_if_newer(_contact("agc_a", 1, "a1@example.org"))
    await contacts.save_if_newer(_contact("agc_b", 1, "b1@example.org"))
    before = finds.count

    first = await contacts.find(["agc_b", "agc_a", "agc_unknown"])
    again = await contacts.find(["agc_a", "agc_b"])
    assert [c.email for c in first] == ["b1@example.org", "a1@example.org"]
    assert [c.email for c in again] == ["a1@example.org", "b1@example.org"]
    assert finds.count - before == 1

    await contacts.save_if_newer(_contact("agc_a", 2, "a2@example.org"))
    changed = await contacts.find(["agc_a", "agc_b"])
    assert [c.email for c in changed] == ["a2@example.org", "b1@example.org"]

    # A change another replica applied to the store is seen once the kept read expires.
    await MongoAgencyContacts(collection).save_if_newer(_contact("agc_b", 2, "b2@example.org"))
    assert [c.email for c in await contacts.find(["agc_b"])] == ["b1@example.org"]
    clock.now += CACHE_SECONDS + 0.1
    assert [c.email for c in await contacts.find(["agc_b"])] == ["b2@example.org"]
