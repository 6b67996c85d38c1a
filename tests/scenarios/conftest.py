"""The four services in-process on the real Kafka and store, isolated to this run.

Every consumer group starts at the end of the shared topics, so a scenario neither replays nor
depends on what other runs left there; each scenario reads events from where it began.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import TopicPartition
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from services.audit.main import create_app as audit_app
from services.audit.settings import AuditSettings
from services.directory.main import create_app as directory_app
from services.directory.settings import DirectorySettings
from services.notifications.main import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.referrals.adapters.agency_store import MongoAgencies
from services.referrals.adapters.household_store import HOUSEHOLD_LINKS, MongoHouseholdLinks
from services.referrals.adapters.referral_store import MongoReferrals
from services.referrals.main import create_app as referrals_app
from services.referrals.ports import Ports
from services.referrals.settings import ReferralsSettings
from tests.access import PrincipalAuth, TestIssuer
from tests.infra import Endpoints
from tests.integration.harness import ServiceEnv, running
from tests.integration.kafka_positions import end_offsets
from tests.scenarios.city import City, MovableClock
from tsunagu.store import make_client
from tsunagu_schemas.topics import EVENT_TOPICS, REFERRAL_EVENTS

COORDINATOR = "ag_city_office_scenarios"


@pytest.fixture(scope="package")
async def city(endpoints: Endpoints, test_issuer: TestIssuer) -> AsyncIterator[City]:
    """Directory, referrals, notifications and audit, started once for the scenarios."""
    env = ServiceEnv(
        endpoints.kafka_bootstrap_servers,
        endpoints.mongo_url,
        uuid.uuid4().hex[:8],
        auth_issuer=test_issuer.url,
    )
    coordinator = f"{COORDINATOR}_{env.run_id}"
    directory = DirectorySettings(**env.settings_kwargs("directory"))
    referrals = ReferralsSettings(
        **env.settings_kwargs("referrals"), coordinator_agency_id=coordinator, sla_scan_seconds=3600
    )
    notifications = NotificationsSettings(
        **env.settings_kwargs("notifications"), coordinator_agency_id=coordinator
    )
    audit = AuditSettings(**env.settings_kwargs("audit"))
    every = (directory, referrals, notifications, audit)
    for service in every:
        await end_offsets(
            env.kafka_bootstrap_servers, EVENT_TOPICS, group_id=service.consumer_group
        )
    clock = MovableClock()
    referrals_service = referrals_app(referrals, clock=clock)
    store = make_client(env.mongo_url)
    replica = second_replica(store[referrals.database], ports=ports_of(referrals_service))
    try:
        async with AsyncExitStack() as stack:
            yield City(
                directory=await stack.enter_async_context(
                    running(directory_app(directory), PrincipalAuth(test_issuer, "coordinator"))
                ),
                referrals=await stack.enter_async_context(
                    running(referrals_service, PrincipalAuth(test_issuer))
                ),
                notifications=await stack.enter_async_context(
                    running(notifications_app(notifications), PrincipalAuth(test_issuer))
                ),
                audit=await stack.enter_async_context(
                    running(audit_app(audit), PrincipalAuth(test_issuer, "auditor"))
                ),
                bootstrap=env.kafka_bootstrap_servers,
                clock=clock,
                scanner=referrals_service.state.sla_scanner,
                coordinator=coordinator,
                second_replica=replica,
            )
    finally:
        for service in every:
            await store.drop_database(service.database)
        await store.close()


def ports_of(app: FastAPI) -> Ports:
    """The ports a running referrals app was built with."""
    ports: Ports = app.state.ports
    return ports


def second_replica(database: AsyncDatabase[dict[str, Any]], *, ports: Ports) -> Ports:
    """Another replica's view of the same store (its own client), with the same clock."""
    assert isinstance(ports.referrals, MongoReferrals)
    vault = ports.referrals.vault.replica()
    return replace(
        ports,
        referrals=MongoReferrals(database=database, vault=vault, on_write=lambda: None),
        agencies=MongoAgencies(collection=database["agencies"]),
        households=MongoHouseholdLinks(collection=database[HOUSEHOLD_LINKS]),
    )


@pytest.fixture(autouse=True)
def real_time(city: City) -> None:
    """Each scenario starts at the real time; one that moved the clock does not leak."""
    city.clock.offset = timedelta()


@pytest.fixture
async def referral_events(city: City) -> dict[TopicPartition, int]:
    """Where the referral events topic ends as the scenario begins."""
    return await end_offsets(city.bootstrap, [REFERRAL_EVENTS])
