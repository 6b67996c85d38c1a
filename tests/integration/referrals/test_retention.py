"""The retention sweep: two replicas on one database, one movable clock; the person's data of
referrals closed or cancelled more than the retention period ago is erased exactly once, and
nothing younger or still open is touched."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest

from services.referrals.adapters.erasure_store import MongoErasures
from services.referrals.adapters.subject_vault import SUBJECT_KEYS
from services.referrals.domain import erase_subject
from services.referrals.main import create_app
from services.referrals.ports import Ports
from services.referrals.settings import ReferralsSettings
from tests.access import PrincipalAuth, TestIssuer
from tests.integration.harness import collect, eventually, headers_of
from tests.integration.referrals.conftest import start_group_at_the_end
from tests.integration.referrals.network import (
    Network,
    acting,
    agency_event,
    fresh_id,
    referral_body,
)
from tsunagu.store import make_client
from tsunagu_schemas import ErasureReason
from tsunagu_schemas.topics import REFERRAL_EVENTS

RETENTION_DAYS = 30
ERASED = "tsunagu.referral.subject_erased"


class MovableClock:
    """The clock of both replicas, moved by the test."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment


@dataclass
class Replicas:
    """Two replicas of the service on a database of their own, sharing one clock."""

    apps: list[Any]
    http: httpx.AsyncClient
    clock: MovableClock
    settings: ReferralsSettings

    async def sweep_together(self) -> list[int]:
        """Both replicas sweep at the same moment; how many each erased."""
        sweepers = [app.state.retention_sweeper for app in self.apps]
        return list(await asyncio.gather(*(s.sweep() for s in sweepers)))


@pytest.fixture
async def replicas(
    network: Network, referrals_settings: ReferralsSettings, test_issuer: TestIssuer
) -> AsyncIterator[Replicas]:
    run = uuid.uuid4().hex[:8]
    settings = referrals_settings.model_copy(
        update={
            "database": f"{referrals_settings.database}_retention_{run}",
            "consumer_group": f"{referrals_settings.consumer_group}-retention-{run}",
            "retention_days": RETENTION_DAYS,
        }
    )
    await start_group_at_the_end(settings)
    clock = MovableClock()
    apps = [create_app(settings, clock=clock) for _ in range(2)]
    store = make_client(settings.mongo_url)
    try:
        async with (
            apps[0].router.lifespan_context(apps[0]),
            apps[1].router.lifespan_context(apps[1]),
        ):
            transport = httpx.ASGITransport(app=apps[0])
            async with httpx.AsyncClient(
                transport=transport, base_url="http://service", auth=PrincipalAuth(test_issuer)
            ) as http:
                yield Replicas(apps, http, clock, settings)
    finally:
        await store.drop_database(settings.database)
        await store.close()


async def _register(network: Network, replicas: Replicas, *agency_ids: str) -> None:
    for agency_id in agency_ids:
        await network.announce(agency_event(agency_id))
    store = make_client(replicas.settings.mongo_url)
    agencies = store[replicas.settings.database]["agencies"]

    async def known() -> bool:
        return await agencies.count_documents({"_id": {"$in": list(agency_ids)}}) == len(agency_ids)

    try:
        await eventually(known, timeout=60)
    finally:
        await store.close()


async def _referral(replicas: Replicas, sender: str, receiver: str, *steps: str) -> str:
    http = replicas.http
    created = await http.post(
        "/v1/referrals", json=referral_body(sender, receiver), headers=acting(sender)
    )
    assert created.status_code == 201, created.text
    referral_id = str(created.json()["id"])
    bodies = {"accept": ({}, receiver), "close": ({"outcome": "resolved"}, receiver)}
    bodies["cancel"] = ({"reason": "duplicate"}, sender)
    for step in steps:
        body, actor = bodies[step]
        answer = await http.post(
            f"/v1/referrals/{referral_id}/{step}", json=body, headers=acting(actor)
        )
        assert answer.status_code == 200, answer.text
    return referral_id


async def test_two_replicas_sweeping_together_erase_each_expired_referral_once(
    network: Network, replicas: Replicas
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await _register(network, replicas, sender, receiver)
    closed = await _referral(replicas, sender, receiver, "accept", "close")
    cancelled = await _referral(replicas, sender, receiver, "cancel")
    still_open = await _referral(replicas, sender, receiver, "accept")
    replicas.clock.moment += timedelta(days=10)
    closed_later = await _referral(replicas, sender, receiver, "accept", "close")

    replicas.clock.moment += timedelta(days=RETENTION_DAYS - 10) - timedelta(minutes=1)
    assert await replicas.sweep_together() == [0, 0]
    replicas.clock.moment += timedelta(minutes=2)
    erased = await replicas.sweep_together()
    assert sum(erased) == 2, erased
    assert await replicas.sweep_together() == [0, 0]

    # Each read by its holder: the receiver that accepted, or the sender of the cancelled one.
    holders = {closed: receiver, cancelled: sender, still_open: receiver, closed_later: receiver}
    views = {
        rid: (await replicas.http.get(f"/v1/referrals/{rid}", headers=acting(holder))).json()
        for rid, holder in holders.items()
    }
    for rid in (closed, cancelled):
        assert views[rid]["subject"] is None
        assert views[rid]["erasure"]["reason"] == "retention"
        assert views[rid]["erasure"]["by"] == "tsunagu-referrals"
    for rid in (still_open, closed_later):
        assert views[rid]["subject"] is not None
        assert views[rid]["erasure"] is None

    store = make_client(replicas.settings.mongo_url)
    try:
        keys = store[replicas.settings.database][SUBJECT_KEYS]
        kept = {d["_id"] async for d in keys.find({}, {"_id": 1})}
    finally:
        await store.close()
    assert kept == {still_open, closed_later}

    def erase_events(records: list[Any]) -> dict[bytes, set[str]]:
        found: dict[bytes, set[str]] = {}
        mine = {rid.encode() for rid in (closed, cancelled, still_open, closed_later)}
        for record in records:
            if record.key in mine and headers_of(record).get("ce_type") == ERASED:
                found.setdefault(record.key, set()).add(headers_of(record)["ce_id"])
        return found

    def both(records: list[Any]) -> bool:
        return {closed.encode(), cancelled.encode()} <= set(erase_events(records))

    records = await collect(network.bootstrap, REFERRAL_EVENTS, until=both, timeout=60)
    events = erase_events(records)
    assert len(events[closed.encode()]) == 1
    assert len(events[cancelled.encode()]) == 1
    assert still_open.encode() not in events
    assert closed_later.encode() not in events
    record = next(
        r for r in records if r.key == closed.encode() and headers_of(r).get("ce_type") == ERASED
    )
    assert json.loads(record.value)["reason"] == "retention"


async def test_a_key_left_behind_by_an_interrupted_erasure_is_destroyed_by_the_next_sweep(
    network: Network, replicas: Replicas
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await _register(network, replicas, sender, receiver)
    referral_id = await _referral(replicas, sender, receiver)
    ports: Ports = replicas.apps[0].state.ports
    # The erasure's update is stored, then the process stops before deleting the key.
    referral = await ports.referrals.get(referral_id)
    assert referral is not None
    expected = referral.version
    event = erase_subject(
        referral, actor=sender, reason=ErasureReason.OTHER, now=replicas.clock.now()
    )
    assert event is not None
    assert await ports.referrals.save(referral, event, expected_version=expected, traceparent=None)
    store = make_client(replicas.settings.mongo_url)
    try:
        database = store[replicas.settings.database]
        assert await database[SUBJECT_KEYS].count_documents({"_id": referral_id}) == 1
        shown = await replicas.http.get(f"/v1/referrals/{referral_id}", headers=acting(sender))
        assert shown.json()["subject"] is None  # already unreadable through the service

        await replicas.apps[1].state.retention_sweeper.sweep()
        assert await database[SUBJECT_KEYS].count_documents({"_id": referral_id}) == 0
        document = await database["referrals"].find_one({"_id": referral_id})
        assert document is not None
        assert "shred_pending" not in document
    finally:
        await store.close()


async def test_referrals_ended_before_retention_was_kept_are_swept_too(
    network: Network, replicas: Replicas
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await _register(network, replicas, sender, receiver)
    referral_id = await _referral(replicas, sender, receiver, "cancel")
    store = make_client(replicas.settings.mongo_url)
    try:
        referrals = store[replicas.settings.database]["referrals"]
        # As the document was written before erasure and retention existed.
        await referrals.update_one(
            {"_id": referral_id}, {"$unset": {"erasure": "", "retained_since": ""}}
        )
        erasures = cast(MongoErasures, replicas.apps[0].state.ports.erasures)
        assert await erasures.mark_ended(now=replicas.clock.now()) == 1
        document = await referrals.find_one({"_id": referral_id})
        assert document is not None
        assert document["retained_since"] == document["changed_at"]
    finally:
        await store.close()
    replicas.clock.moment += timedelta(days=RETENTION_DAYS, minutes=1)
    assert sum(await replicas.sweep_together()) == 1
    shown = await replicas.http.get(f"/v1/referrals/{referral_id}", headers=acting(sender))
    assert shown.json()["erasure"]["reason"] == "retention"
