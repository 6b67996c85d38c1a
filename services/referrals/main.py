"""Composition root: the store client, broker, ports, subscribers, background work and app."""

from __future__ import annotations

from fastapi import FastAPI

from tsunagu.auth.settings import service_verifier
from tsunagu.clock import Clock, SystemClock
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.sealing import derived_key
from tsunagu.store import make_client
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka

from .adapters import api, households, records, stats_api, subject_api, transitions
from .adapters.access import ACCESS
from .adapters.agency_store import MongoAgencies
from .adapters.creation_keys import CREATION_KEYS, MongoCreationKeys
from .adapters.erasure_store import MongoErasures
from .adapters.household_store import HOUSEHOLD_LINKS, MongoHouseholdLinks
from .adapters.metrics import observe_change, service_metrics
from .adapters.problems import PROBLEMS
from .adapters.referral_store import REFERRALS, SERVICE, MongoReferrals
from .adapters.retention_sweeper import RetentionSweeper
from .adapters.sla_scanner import SlaScanner
from .adapters.stats_store import MongoReferralFacts
from .adapters.subject_vault import SubjectVault, subject_key
from .adapters.subject_view_store import SUBJECT_VIEWS, MongoSubjectViews
from .adapters.subscribers import subscribe_to_directory
from .ports import Ports
from .settings import ReferralsSettings


def create_app(settings: ReferralsSettings, *, clock: Clock | None = None) -> FastAPI:
    """The referrals service, wired to its store and Kafka; nothing connects until startup."""
    client = make_client(settings.mongo_url)
    database = client[settings.database]
    broker = make_broker(settings, service=SERVICE)
    relay = OutboxRelay(
        collection=database[REFERRALS], broker=broker, poll_seconds=settings.relay_poll_seconds
    )
    # Reads of people's data are kept apart from the referrals (a read changes no referral),
    # each with its event, drained by a relay of their own.
    view_relay = OutboxRelay(
        collection=database[SUBJECT_VIEWS], broker=broker, poll_seconds=settings.relay_poll_seconds
    )
    views = MongoSubjectViews(collection=database[SUBJECT_VIEWS], on_write=view_relay.notify)
    key = subject_key(settings)
    vault = SubjectVault.over(database, key)
    referrals = MongoReferrals(
        database=database, vault=vault, on_write=relay.notify, on_saved=observe_change
    )
    clock = clock or SystemClock()
    erasures = MongoErasures(referrals=database[REFERRALS], vault=vault)
    facts = MongoReferralFacts(database[REFERRALS])

    async def prepare() -> None:
        """The stores' indexes and the take-over, before the service answers."""
        await referrals.prepare()
        await views.ensure_indexes()
        await facts.ensure_indexes()
        await erasures.mark_ended(now=ports.clock.now())

    ports = Ports(
        referrals=referrals,
        agencies=MongoAgencies(collection=database["agencies"]),
        clock=clock,
        households=MongoHouseholdLinks(collection=database[HOUSEHOLD_LINKS]),
        views=views,
        creation_keys=MongoCreationKeys(
            collection=database[CREATION_KEYS],
            secret=derived_key(key, "tsunagu referrals: idempotency fingerprints"),
        ),
        sla=settings.sla_policy(),
        coordinator=settings.coordinator_agency_id,
        erasures=erasures,
        retention=settings.retention(),
        facts=facts,
        stats_min_count=settings.stats_min_count,
    )
    subscribe_to_directory(broker, ports=ports, settings=settings)
    scanner = SlaScanner(ports=ports, interval=settings.sla_scan_seconds)
    sweeper = RetentionSweeper(ports=ports, interval=settings.retention_scan_seconds)
    verifier, issuer_http = service_verifier(settings, environment=settings.environment)
    metrics = service_metrics(settings, broker=broker, database=database, clock=clock)
    app = create_service_app(
        title="Tsunagu referrals",
        description="Referrals and handoffs of a person between the network's agencies.",
        lifespan=service_lifespan(
            prepare=prepare,
            broker=broker,
            background=[
                ("relay", relay),
                ("view relay", view_relay),
                ("sla scanner", scanner),
                ("retention sweep", sweeper),
                ("metrics", metrics),
            ],
            close=[("issuer client", issuer_http.aclose), ("store", client.close)],
        ),
        routers=[
            records.router,
            stats_api.router,
            api.router,
            transitions.router,
            households.router,
            subject_api.router,
        ],
        access=ACCESS,
        verifier=verifier,
        readiness=store_and_kafka(client, broker, kafka_timeout=settings.broker_ping_seconds),
        problems=PROBLEMS,
        ports=ports,
        metrics=metrics.registry,
        docs=settings.serves_api_docs(),
    )
    app.state.sla_scanner = scanner
    app.state.retention_sweeper = sweeper
    return app
