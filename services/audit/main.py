"""Composition root of the audit service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.audit.adapters.api import audit_router
from services.audit.adapters.mongo import COLLECTION, MongoAuditLog
from services.audit.adapters.subscribers import subscribe_to_events
from services.audit.settings import AuditSettings
from services.audit.use_cases import RecordEvent
from tsunagu.messaging import make_broker
from tsunagu.shutdown import shut_down
from tsunagu.store import make_client
from tsunagu.web import create_app as create_web_app
from tsunagu.web import store_and_kafka

KAFKA_PING_SECONDS = 3.0


def create_app(settings: AuditSettings) -> FastAPI:
    """Build the audit service: store, broker, subscribers and routes (nothing started yet)."""
    client = make_client(settings.mongo_url)
    broker = make_broker(settings, service="audit")
    audit_log = MongoAuditLog(collection=client[settings.database][COLLECTION])
    subscribe_to_events(broker, settings=settings, record_event=RecordEvent(audit_log=audit_log))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await audit_log.ensure_indexes()
        await broker.start()
        try:
            yield
        finally:
            await shut_down(("broker", broker.stop), ("store", client.close))

    return create_web_app(
        title="Tsunagu audit",
        description="A hash-chained record of every event in the network, for auditors.",
        lifespan=lifespan,
        routers=[audit_router(audit_log=audit_log, batch_size=settings.scan_batch_size)],
        readiness=store_and_kafka(client, broker),
    )
