"""Support must not silently stop: a leg not accepted in time is flagged once and escalated."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiokafka import TopicPartition

from services.referrals.use_cases import flag_overdue
from tests.integration.harness import eventually
from tests.scenarios.city import City, events_of


async def test_an_sla_breach_fires_once_notifies_the_coordinator_and_clears_on_acceptance(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, shelter = await city.register("hotline"), await city.register("shelter")
    created = await city.refer(hotline, shelter, urgency="emergency")
    view = created.json()
    referral_id = view["id"]
    assert view["accept_by"] is not None
    assert view["overdue"] is False

    assert await city.scanner.scan() == 0, "not due before its deadline"
    city.clock.move(timedelta(hours=1, minutes=1))
    at = city.clock.now()
    flagged = await asyncio.gather(
        city.scanner.scan(at=at), flag_overdue(city.second_replica, now=at)
    )
    assert sum(flagged) == 1, "two replicas scanning at once flag the leg once"
    assert await city.scanner.scan() == 0, "a later scan finds nothing new"

    overdue = (await city.read(referral_id, hotline)).json()
    assert overdue["overdue"] is True
    assert overdue["sla_breached_at"] is not None
    assert overdue["legs"][0]["escalated_to"] == city.coordinator

    async def told(agency: str) -> bool:
        return any(
            n["event_type"] == "tsunagu.referral.sla_breached" and n["referral_id"] == referral_id
            for n in await city.inbox(agency)
        )

    assert await eventually(lambda: told(city.coordinator), timeout=20)
    assert await eventually(lambda: told(hotline), timeout=20)

    accepted = await city.act(referral_id, "accept", shelter)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["overdue"], accepted.json()["sla_breached_at"]) == (False, None)

    types = [
        "tsunagu.referral.created",
        "tsunagu.referral.sla_breached",
        "tsunagu.referral.accepted",
    ]
    events = await events_of(city.bootstrap, referral_events, referral_id, types)
    assert events[1][1]["escalated_to"] == city.coordinator
    assert events[0][1]["accept_by"] is not None
    records = await city.audit_records(referral_id, 3)
    assert [r["type"] for r in records] == types
