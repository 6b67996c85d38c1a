"""Composition root: the store client, broker, ports, subscribers, background work and app."""

from __future__ import annotations

import functools
from datetime import timedelta

from fastapi import FastAPI

from services.notifications.adapters.access import access
from services.notifications.adapters.agency_store import MongoAgencyContacts
from services.notifications.adapters.api import router
from services.notifications.adapters.channels import (
    AgencyTopicChannel,
    MailSpool,
    WebhookChannel,
    webhook_client,
)
from services.notifications.adapters.delivery_store import MongoDeliveryQueue
from services.notifications.adapters.delivery_worker import DeliveryWorker
from services.notifications.adapters.inbox_store import MongoInbox
from services.notifications.adapters.metrics import measured, service_metrics
from services.notifications.adapters.problems import PROBLEMS
from services.notifications.adapters.secret_box import SecretBox, secrets_key
from services.notifications.adapters.secret_store import MongoSigningSecrets
from services.notifications.adapters.subscribers import subscribe_to_events
from services.notifications.domain import RetryPolicy
from services.notifications.ports import Ports
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import attempt_delivery, next_claim, signing_keys
from tsunagu.auth.settings import service_verifier
from tsunagu.clock import Clock, SystemClock
from tsunagu.lifespan import service_lifespan
from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.store import make_client
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka
from tsunagu_schemas import Channel

SERVICE = "notifications"
DESCRIPTION = (
    "Tells every agency party to a referral about each of its events: always in the in-app "
    "inbox, and as the agency chose, on its own Kafka topic, by a webhook (CloudEvents "
    "structured JSON, signed the Standard Webhooks way) or by e-mail. E-mails are written to "
    "a spool folder as .eml files; no SMTP relay sends them yet."
)


def create_app(settings: NotificationsSettings, *, clock: Clock | None = None) -> FastAPI:
    """The notifications service, wired to its store and Kafka; nothing connects until startup."""
    client = make_client(settings.mongo_url)
    database = client[settings.database]
    broker = make_broker(settings, service=SERVICE)
    relay = OutboxRelay(
        collection=database["deliveries"], broker=broker, poll_seconds=settings.relay_poll_seconds
    )
    queue = MongoDeliveryQueue(
        database["deliveries"],
        claims=database["delivery_claims"],
        on_outbox=relay.notify,
        claim_window=2 * settings.delivery_concurrency,
    )
    inbox = MongoInbox(database["inbox"])
    http = webhook_client(settings.webhook_timeout_seconds)
    clock = clock or SystemClock()
    webhook = WebhookChannel(
        http,
        keys=lambda agency_id: signing_keys(ports, agency_id=agency_id),
        clock=clock,
        targets=settings.target_policy(),
        deadline_seconds=settings.webhook_timeout_seconds,
    )
    ports = Ports(
        agencies=MongoAgencyContacts(database["agencies"]),
        inbox=inbox,
        deliveries=queue,
        clock=clock,
        senders=measured(
            {
                Channel.KAFKA: AgencyTopicChannel(broker),
                Channel.WEBHOOK: webhook,
                Channel.EMAIL: MailSpool(settings.mail_spool_dir, sender=settings.mail_from),
            }
        ),
        policy=RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            base_seconds=settings.delivery_backoff_seconds,
            max_seconds=settings.delivery_backoff_max_seconds,
        ),
        secrets=MongoSigningSecrets(database["webhook_secrets"], SecretBox(secrets_key(settings))),
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        secret_grace=timedelta(seconds=settings.webhook_secret_grace_seconds),
        on_planned=lambda: worker.notify(),
    )
    worker = DeliveryWorker(
        next_claim=functools.partial(next_claim, ports),
        attempt=functools.partial(attempt_delivery, ports),
        concurrency=settings.delivery_concurrency,
        poll_seconds=settings.delivery_poll_seconds,
    )
    subscribe_to_events(broker, ports=ports, settings=settings)

    verifier, issuer_http = service_verifier(settings, environment=settings.environment)
    metrics = service_metrics(
        settings, broker=broker, deliveries=database["deliveries"], clock=clock
    )

    async def prepare() -> None:
        await inbox.ensure_indexes()
        await queue.ensure_indexes()

    return create_service_app(
        title="Tsunagu notifications",
        description=DESCRIPTION,
        lifespan=service_lifespan(
            prepare=prepare,
            broker=broker,
            background=[("relay", relay), ("delivery worker", worker), ("metrics", metrics)],
            close=[
                ("webhook client", http.aclose),
                ("issuer client", issuer_http.aclose),
                ("store", client.close),
            ],
        ),
        routers=[router],
        access=access(settings.coordinator_agency_id),
        verifier=verifier,
        readiness=store_and_kafka(client, broker),
        problems=PROBLEMS,
        ports=ports,
        metrics=metrics.registry,
        docs=settings.serves_api_docs(),
    )
