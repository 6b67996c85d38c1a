"""Composition root: the store client, broker, ports, background work and app."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from tsunagu import store
from tsunagu.clock import Clock, SystemClock
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka

from .adapters.api import agencies, taxonomy
from .adapters.exchange_api import hsds
from .adapters.mongo import SERVICE, MongoAgencyRepository
from .adapters.problems import PROBLEMS
from .adapters.taxonomy_files import load_taxonomy
from .adapters.webhook_targets import CheckedWebhooks
from .ports import Ports
from .settings import DirectorySettings


def create_app(settings: DirectorySettings, *, clock: Clock | None = None) -> FastAPI:
    """Build the directory service; nothing connects until the lifespan starts."""
    client = store.make_client(settings.mongo_url)
    collection = client[settings.database]["agencies"]
    broker = make_broker(settings, service=SERVICE)
    write_lock = asyncio.Lock()
    repository = MongoAgencyRepository(collection, write_lock=write_lock)
    relay = OutboxRelay(
        collection=collection,
        broker=broker,
        poll_seconds=settings.relay_poll_seconds,
        write_lock=write_lock,
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
    )
    return create_service_app(
        title="Tsunagu directory",
        description="The agencies of the network, the services they offer, where and to whom.",
        lifespan=service_lifespan(
            prepare=repository.ensure_indexes,
            broker=broker,
            background=[("relay", relay)],
            close=[("store", client.close)],
        ),
        routers=[agencies, taxonomy, hsds],
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
        ports=ports,
    )
