"""Composition root: builds the store client, broker, repositories, channels and workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from services.notifications.adapters.agency_store import MongoAgencyContacts
from services.notifications.adapters.api import inbox_router
from services.notifications.adapters.channels import AgencyTopicChannel, MailSpool, WebhookChannel
from services.notifications.adapters.delivery_store import MongoDeliveryQueue
from services.notifications.adapters.delivery_worker import DeliveryWorker
from services.notifications.adapters.inbox_store import MongoInbox
from services.notifications.adapters.subscribers import register
from services.notifications.domain import RetryPolicy
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import (
    DeliverDue,
    IssueWebhookSecret,
    MarkRead,
    NotifyParties,
    ReadInbox,
    RecordAgencyContact,
)
from tsunagu.messaging import make_broker
from tsunagu.outbox import OutboxRelay
from tsunagu.store import make_client
from tsunagu.web import create_app as create_service_app
from tsunagu.web import store_and_kafka
from tsunagu_schemas import Channel

SERVICE = "notifications"
DESCRIPTION = (
    "Tells every agency party to a referral about each of its events: always in the in-app "
    "inbox, and as the agency chose, on its own Kafka topic, by a signed webhook (CloudEvents "
    "structured JSON) or by e-mail. E-mails are written to a spool folder as .eml files; no "
    "SMTP relay sends them yet."
)


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _delivery_worker(
    settings: NotificationsSettings,
    *,
    queue: MongoDeliveryQueue,
    broker: KafkaBroker,
    http: httpx.AsyncClient,
) -> DeliveryWorker:
    """The worker attempting deliveries through each channel, with the configured retries."""
    deliver_due = DeliverDue(
        queue=queue,
        senders={
            Channel.KAFKA: AgencyTopicChannel(broker),
            Channel.WEBHOOK: WebhookChannel(http, signing_key=settings.webhook_signing_key),
            Channel.EMAIL: MailSpool(settings.mail_spool_dir, sender=settings.mail_from),
        },
        policy=RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            base_seconds=settings.delivery_backoff_seconds,
            max_seconds=settings.delivery_backoff_max_seconds,
        ),
        clock=now,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
    )
    return DeliveryWorker(
        next_claim=deliver_due.next_claim,
        attempt=deliver_due.attempt,
        concurrency=settings.delivery_concurrency,
        poll_seconds=settings.delivery_poll_seconds,
    )


@dataclass(frozen=True)
class Runtime:
    """Everything the service runs, in the order it starts."""

    settings: NotificationsSettings
    client: AsyncMongoClient[dict[str, Any]]
    broker: KafkaBroker
    relay: OutboxRelay
    worker: DeliveryWorker
    http: httpx.AsyncClient
    agencies: MongoAgencyContacts
    inbox: MongoInbox
    queue: MongoDeliveryQueue

    async def start(self) -> None:
        """Ensure indexes, subscribe, then start the broker, the relay and the worker."""
        await self.inbox.ensure_indexes()
        await self.queue.ensure_indexes()
        notify_parties = NotifyParties(
            agencies=self.agencies,
            inbox=self.inbox,
            deliveries=self.queue,
            clock=now,
            on_planned=self.worker.notify,
        )
        register(
            self.broker,
            settings=self.settings,
            notify_parties=notify_parties,
            record_agency=RecordAgencyContact(self.agencies),
        )
        await self.broker.start()
        await self.relay.start()
        await self.worker.start()

    async def stop(self) -> None:
        """Stop in reverse order; what is pending stays stored for the next start."""
        await self.worker.stop()
        await self.relay.stop()
        await self.broker.stop()
        await self.http.aclose()
        await self.client.close()


def build_runtime(settings: NotificationsSettings) -> Runtime:
    """Build (without starting) the store client, broker, repositories, relay and worker."""
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
    http = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)
    return Runtime(
        settings=settings,
        client=client,
        broker=broker,
        relay=relay,
        worker=_delivery_worker(settings, queue=queue, broker=broker, http=http),
        http=http,
        agencies=MongoAgencyContacts(database["agencies"]),
        inbox=MongoInbox(database["inbox"]),
        queue=queue,
    )


def create_app(settings: NotificationsSettings) -> FastAPI:
    """The notifications service, ready to be served."""
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    router = inbox_router(
        read_inbox=ReadInbox(runtime.inbox),
        mark_read=MarkRead(runtime.inbox, now),
        issue_secret=IssueWebhookSecret(settings.webhook_signing_key),
    )
    return create_service_app(
        title="Tsunagu notifications",
        description=DESCRIPTION,
        lifespan=lifespan,
        routers=[router],
        readiness=store_and_kafka(runtime.client, runtime.broker),
    )
