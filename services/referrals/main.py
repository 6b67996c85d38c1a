"""Composition root: builds the store client, broker, repositories and relay, and the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.shutdown import shut_down
from tsunagu.store import make_client
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka

from .adapters import api, households, records, transitions
from .adapters.agency_store import MongoAgencies
from .adapters.clock import SystemClock
from .adapters.creation_keys import CREATION_KEYS, MongoCreationKeys
from .adapters.household_store import HOUSEHOLD_LINKS, MongoHouseholdLinks
from .adapters.problems import PROBLEMS
from .adapters.referral_store import CHANGES, SERVICE, MongoReferrals
from .adapters.sla_scanner import SlaScanner
from .adapters.subscribers import subscribe_to_directory
from .ports import Clock, Ports
from .settings import ReferralsSettings


def create_app(settings: ReferralsSettings, *, clock: Clock | None = None) -> FastAPI:
    """The referrals service, wired to its store and Kafka; nothing connects until startup."""
    client = make_client(settings.mongo_url)
    database = client[settings.database]
    broker = make_broker(settings, service=SERVICE)
    relay = OutboxRelay(
        collection=database[CHANGES], broker=broker, poll_seconds=settings.relay_poll_seconds
    )
    referrals = MongoReferrals(database=database, on_write=relay.notify)
    agencies = MongoAgencies(collection=database["agencies"])
    ports = Ports(
        referrals=referrals,
        agencies=agencies,
        clock=clock or SystemClock(),
        households=MongoHouseholdLinks(collection=database[HOUSEHOLD_LINKS]),
        creation_keys=MongoCreationKeys(collection=database[CREATION_KEYS]),
        sla=settings.sla_policy(),
        coordinator=settings.coordinator_agency_id,
        coordinator_name=settings.coordinator_agency_name,
    )
    scanner = SlaScanner(ports=ports, interval=settings.sla_scan_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await referrals.ensure_indexes()
        subscribe_to_directory(broker, ports=ports, settings=settings)
        await broker.start()
        await relay.start()
        await scanner.start()
        try:
            yield
        finally:
            await shut_down(
                ("sla scanner", scanner.stop),
                ("relay", relay.stop),
                ("broker", broker.stop),
                ("store", client.close),
            )

    app = create_service_app(
        title="Tsunagu referrals",
        description="Referrals and handoffs of a person between the network's agencies.",
        lifespan=lifespan,
        routers=[records.router, api.router, transitions.router, households.router],
        readiness=store_and_kafka(client, broker, kafka_timeout=settings.broker_ping_seconds),
        problems=PROBLEMS,
        ports=ports,
    )
    app.state.sla_scanner = scanner
    return app
