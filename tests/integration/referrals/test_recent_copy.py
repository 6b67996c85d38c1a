"""A change made from the copy this process last wrote needs no read of the store; a copy that
another replica has overtaken costs one read, and the change lands on the stored state."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from services.referrals import use_cases
from services.referrals.adapters.referral_store import MongoReferrals
from services.referrals.adapters.subject_vault import SubjectVault
from services.referrals.domain import TransitionNotAllowed
from services.referrals.ports import Ports
from tests.infra import Endpoints
from tests.unit.referrals.fakes import in_memory_ports
from tests.unit.referrals.journeys import RECEIVER, SENDER, agency, new_referral
from tsunagu_schemas import CloseOutcome, ReferralStatus


class Commands(monitoring.CommandListener):
    """The commands one client sent, by name."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.sent[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing more to count."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing more to count."""


@dataclass
class Replica:
    """One process's ports over the shared database, and the commands its client sent."""

    ports: Ports
    commands: Commands


@pytest.fixture
async def database(endpoints: Endpoints) -> AsyncIterator[tuple[str, str]]:
    """A fresh database name on the suite's store, dropped afterwards."""
    name = f"recent_copy_{uuid.uuid4().hex[:8]}"
    yield endpoints.mongo_url, name
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(endpoints.mongo_url)
    await client.drop_database(name)
    await client.close()


@pytest.fixture
async def replicas(database: tuple[str, str]) -> AsyncIterator[tuple[Replica, Replica]]:
    """Two replicas of the referrals repository, each with its own client and copies."""
    url, name = database
    key = os.urandom(32)
    made = []
    clients = []
    for _ in range(2):
        commands = Commands()
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url, tz_aware=True, event_listeners=[commands]
        )
        clients.append(client)
        db: AsyncDatabase[dict[str, Any]] = client[name]
        referrals = MongoReferrals(
            database=db, vault=SubjectVault.over(db, key), on_write=lambda: None
        )
        ports = replace(in_memory_ports(agency(RECEIVER)), referrals=referrals)
        made.append(Replica(ports, commands))
    yield made[0], made[1]
    for client in clients:
        await client.close()


async def test_a_change_from_the_copy_this_process_wrote_sends_one_update_and_no_read(
    replicas: tuple[Replica, Replica],
) -> None:
    here, _ = replicas
    created = await use_cases.create_referral(here.ports, request=new_referral(), actor=SENDER)
    here.commands.sent.clear()
    accepted = await use_cases.accept_referral(here.ports, use_cases.Request(created.id, RECEIVER))
    assert accepted.version == 2
    assert here.commands.sent == Counter({"update": 1})
    stored = await here.ports.referrals.get(created.id)
    assert stored is not None
    assert (stored.status, stored.version) == (ReferralStatus.ACCEPTED, 2)


async def test_a_copy_overtaken_by_another_replica_costs_a_read_and_the_change_lands_on_top(
    replicas: tuple[Replica, Replica],
) -> None:
    here, there = replicas
    created = await use_cases.create_referral(here.ports, request=new_referral(), actor=SENDER)
    # the other replica accepts: this one's copy (version 1, requested) is now behind
    await use_cases.accept_referral(there.ports, use_cases.Request(created.id, RECEIVER))
    here.commands.sent.clear()
    closed = await use_cases.close_referral(
        here.ports,
        use_cases.Request(created.id, RECEIVER),
        outcome=CloseOutcome.RESOLVED,
        comment=None,
    )
    # closing needs the acceptance: from the stale copy the domain refuses, from the store not
    assert (closed.status, closed.version) == (ReferralStatus.CLOSED, 3)
    assert here.commands.sent["find"] == 1
    assert here.commands.sent["update"] == 1
    stored = await there.ports.referrals.get(created.id)
    assert stored is not None
    assert (stored.status, stored.version) == (ReferralStatus.CLOSED, 3)


async def test_a_stale_copy_whose_change_the_domain_allows_misses_and_is_made_again_from_the_store(
    replicas: tuple[Replica, Replica],
) -> None:
    here, there = replicas
    created = await use_cases.create_referral(here.ports, request=new_referral(), actor=SENDER)
    await use_cases.accept_referral(here.ports, use_cases.Request(created.id, RECEIVER))
    # the other replica closes it; this one still holds the accepted copy of version 2
    await use_cases.close_referral(
        there.ports,
        use_cases.Request(created.id, RECEIVER),
        outcome=CloseOutcome.RESOLVED,
        comment=None,
    )
    here.commands.sent.clear()
    with pytest.raises(TransitionNotAllowed):
        await use_cases.close_referral(
            here.ports,
            use_cases.Request(created.id, RECEIVER),
            outcome=CloseOutcome.RESOLVED,
            comment=None,
        )
    # the copy's close missed (one update), the stored state was read, and refused there
    assert here.commands.sent["update"] == 1
    assert here.commands.sent["find"] == 1
    stored = await there.ports.referrals.get(created.id)
    assert stored is not None
    assert stored.version == 3
