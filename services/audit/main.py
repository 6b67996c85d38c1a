"""Composition root: the store client, broker, ports, subscribers and app."""

from __future__ import annotations

from fastapi import FastAPI

from services.audit.adapters.access import ACCESS
from services.audit.adapters.api import router
from services.audit.adapters.mongo import COLLECTION, MongoAuditLog
from services.audit.adapters.problems import PROBLEMS
from services.audit.adapters.subscribers import subscribe_to_events
from services.audit.ports import Ports
from services.audit.settings import AuditSettings
from services.audit.use_cases import RecordEvent
from tsunagu.auth.settings import service_verifier
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.store import make_client
from tsunagu.web import create_app as create_web_app
from tsunagu.web import store_and_kafka


def create_app(settings: AuditSettings) -> FastAPI:
    """The audit service, wired to its store and Kafka; nothing connects until startup."""
    client = make_client(settings.mongo_url)
    broker = make_broker(settings, service="audit")
    audit_log = MongoAuditLog(collection=client[settings.database][COLLECTION])
    ports = Ports(
        audit_log=audit_log,
        recorder=RecordEvent(audit_log=audit_log),
        scan_batch_size=settings.scan_batch_size,
    )
    subscribe_to_events(broker, ports=ports, settings=settings)
    verifier, issuer_http = service_verifier(settings, environment=settings.environment)
    return create_web_app(
        title="Tsunagu audit",
        description="A hash-chained record of every event in the network, for auditors.",
        lifespan=service_lifespan(
            prepare=audit_log.ensure_indexes,
            broker=broker,
            close=[("issuer client", issuer_http.aclose), ("store", client.close)],
        ),
        routers=[router],
        access=ACCESS,
        verifier=verifier,
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
        ports=ports,
    )
