"""Composition root: the store client, broker, ports, issuer, background work and app."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from tsunagu import store
from tsunagu.auth.settings import service_verifier
from tsunagu.clock import Clock, SystemClock
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.metrics import OutboxBacklog, ServiceMetrics
from tsunagu.outbox import OutboxRelay
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka

from .adapters.access import ACCESS, ISSUER_ACCESS
from .adapters.api import agencies, taxonomy
from .adapters.exchange_api import hsds
from .adapters.mongo import SERVICE, MongoAgencyRepository
from .adapters.problems import PROBLEMS
from .adapters.taxonomy_files import load_taxonomy
from .adapters.webhook_targets import CheckedWebhooks
from .identity.hosting import built_in_issuer
from .ports import Ports
from .settings import DirectorySettings


def create_app(settings: DirectorySettings, *, clock: Clock | None = None) -> FastAPI:
    """Build the directory service; nothing connects until the lifespan starts."""
    client = store.make_client(settings.mongo_url)
    database = client[settings.database]
    collection = database["agencies"]
    broker = make_broker(settings, service=SERVICE)
    write_lock = asyncio.Lock()
    repository = MongoAgencyRepository(collection, write_lock=write_lock)
    relay = OutboxRelay(
        collection=collection,
        broker=broker,
        poll_seconds=settings.relay_poll_seconds,
        write_lock=write_lock,
    )

    async def agency_active(agency_id: str) -> bool:
        agency = await repository.get(agency_id)
        return agency is not None and agency.active

    issuer = None
    if settings.issuer_enabled:
        issuer = built_in_issuer(
            database=database,
            environment=settings.environment,
            auth=settings,
            issuer=settings,
            own_url=f"http://{settings.host}:{settings.port}",
            agency_exists=agency_active,
        )
    ports = Ports(
        agencies=repository,
        relay=relay,
        taxonomy=load_taxonomy(
            categories_file=settings.categories_file, areas_file=settings.areas_file
        ),
        clock=clock or SystemClock(milliseconds=True),  # to the millisecond the store keeps
        webhooks=CheckedWebhooks(settings.target_policy()),
        utc_offset=settings.utc_offset,
        credentials=issuer.credentials if issuer else None,
    )
    if issuer is not None:
        verifier, issuer_http = issuer.verifier(leeway_seconds=settings.auth_leeway_seconds)
    else:
        verifier, issuer_http = service_verifier(settings, environment=settings.environment)

    metrics = ServiceMetrics(  # the directory consumes nothing: its outbox is all to watch
        service=SERVICE,
        probes=[OutboxBacklog(collection)],
        interval=settings.metrics_refresh_seconds,
    )

    async def prepare() -> None:
        if issuer is not None:
            await issuer.prepare()
        await repository.ensure_indexes()

    app = create_service_app(
        title="Tsunagu directory",
        description="The agencies of the network, the services they offer, where and to whom; "
        "and the built-in token issuer of the local stack and small networks.",
        lifespan=service_lifespan(
            prepare=prepare,
            broker=broker,
            background=[("relay", relay), ("metrics", metrics)],
            close=[("issuer client", issuer_http.aclose), ("store", client.close)],
        ),
        routers=[agencies, taxonomy, hsds, *(issuer.routers if issuer else [])],
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
        ports=ports,
        access={**ACCESS, **(ISSUER_ACCESS if issuer else {})},
        verifier=verifier,
        metrics=metrics.registry,
        docs=settings.serves_api_docs(),
    )
    if issuer is not None:
        issuer.serve_from(app)
    return app
