"""Composition root: builds the store client, broker, repository, relay and the app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tsunagu import store
from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.shutdown import shut_down
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka

from .adapters.api import agencies, taxonomy
from .adapters.exchange_api import hsds
from .adapters.http_errors import PROBLEMS
from .adapters.mongo import SERVICE, MongoAgencyRepository
from .adapters.taxonomy_files import load_taxonomy
from .exchange import DirectoryExchange
from .settings import DirectorySettings
from .use_cases import AgencyDirectory


def create_app(settings: DirectorySettings) -> FastAPI:
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
    directory = AgencyDirectory(
        agencies=repository,
        relay=relay,
        taxonomy=load_taxonomy(
            categories_file=settings.categories_file, areas_file=settings.areas_file
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await repository.ensure_indexes()
        await broker.start()
        await relay.start()
        try:
            yield
        finally:
            await shut_down(("relay", relay.stop), ("broker", broker.stop), ("store", client.close))

    app = create_service_app(
        title="Tsunagu directory",
        description="The agencies of the network, the services they offer, where and to whom.",
        lifespan=lifespan,
        routers=[agencies, taxonomy, hsds],
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
    )
    app.state.directory = directory
    app.state.exchange = DirectoryExchange(directory=directory, utc_offset=settings.utc_offset)
    return app
