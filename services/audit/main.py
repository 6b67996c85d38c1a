"""Composition root: the store client, broker, signing key, ports, subscribers and app."""

from __future__ import annotations

from fastapi import FastAPI

from services.audit.adapters.access import ACCESS
from services.audit.adapters.api import router
from services.audit.adapters.checkpoint_store import MongoCheckpointStore
from services.audit.adapters.key_file import load_key, load_or_create_key
from services.audit.adapters.metrics import service_metrics
from services.audit.adapters.mongo import COLLECTION, MongoAuditLog
from services.audit.adapters.problems import PROBLEMS
from services.audit.adapters.subscribers import subscribe_to_events
from services.audit.adapters.tree_api import tree_router
from services.audit.domain.signed_note import (
    CosignatureVerifier,
    Ed25519NoteSigner,
    read_verifier_key,
)
from services.audit.ports import Ports
from services.audit.settings import AuditSettings
from services.audit.use_cases import IssueCheckpoint, RecordEvent, VerifyLog
from tsunagu.auth.settings import service_verifier
from tsunagu.background import BackgroundLoop
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.store import make_client
from tsunagu.web import create_app as create_web_app
from tsunagu.web import store_and_kafka


def log_signing_key(settings: AuditSettings) -> Ed25519NoteSigner:
    """The log's key, named by the origin; created under the data folder in development only."""
    path = settings.key_file()
    key = load_or_create_key(path) if settings.creates_key() else load_key(path)
    return Ed25519NoteSigner(settings.origin, key)


def witness_verifiers(settings: AuditSettings) -> list[CosignatureVerifier]:
    """The configured witnesses' cosignature keys; any other kind of key is refused."""
    verifiers = []
    for vkey in settings.witness_keys.replace(",", " ").split():
        verifier = read_verifier_key(vkey)
        if not isinstance(verifier, CosignatureVerifier):
            raise ValueError(f"witness key {verifier.name} is not a cosignature (0x04) key")
        verifiers.append(verifier)
    return verifiers


def create_app(settings: AuditSettings) -> FastAPI:
    """The audit service, wired to its store and Kafka; nothing connects until startup."""
    client = make_client(settings.mongo_url)
    broker = make_broker(settings, service="audit")
    database = client[settings.database]
    audit_log = MongoAuditLog(collection=database[COLLECTION])
    checkpoints = MongoCheckpointStore(database=database)
    log_key = log_signing_key(settings)
    recorder = RecordEvent(audit_log=audit_log)
    ports = Ports(
        audit_log=audit_log,
        checkpoints=checkpoints,
        log_key=log_key,
        recorder=recorder,
        verifier=VerifyLog(
            audit_log=audit_log,
            checkpoints=checkpoints,
            log_key=log_key.verifier(),
            batch_size=settings.scan_batch_size,
        ),
        witnesses=witness_verifiers(settings),
        scan_batch_size=settings.scan_batch_size,
    )
    subscribe_to_events(broker, ports=ports, settings=settings)
    verifier, issuer_http = service_verifier(settings, environment=settings.environment)
    issuer = BackgroundLoop(
        name="audit-checkpoints",
        step=IssueCheckpoint(recorder=recorder, checkpoints=checkpoints, log_key=log_key),
        interval=settings.checkpoint_seconds,
        max_backoff=max(30.0, settings.checkpoint_seconds),
    )

    metrics = service_metrics(settings, broker=broker, database=database, recorder=recorder)

    async def prepare() -> None:
        await audit_log.ensure_indexes()
        await checkpoints.ensure_indexes()
        await recorder.load()

    return create_web_app(
        title="Tsunagu audit",
        description="A verifiable record of every event in the network, for auditors: an "
        "RFC 9162 Merkle tree with signed checkpoints, cosigned by witnesses.",
        lifespan=service_lifespan(
            prepare=prepare,
            broker=broker,
            background=[("checkpoints", issuer), ("metrics", metrics)],
            close=[("issuer client", issuer_http.aclose), ("store", client.close)],
        ),
        routers=[router, tree_router],
        access=ACCESS,
        verifier=verifier,
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
        ports=ports,
        metrics=metrics.registry,
        docs=settings.serves_api_docs(),
    )
