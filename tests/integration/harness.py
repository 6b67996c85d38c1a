"""Running a service in-process against real infrastructure, and talking to Kafka directly."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI
from pydantic import BaseModel

from tests.infra import kafka_login_for, kafka_options
from tsunagu.events import outbox_entry
from tsunagu.messaging.login import login_env
from tsunagu_schemas import catalog
from tsunagu_schemas.topics import owner_of


@dataclass(frozen=True)
class ServiceEnv:
    """Endpoints plus a run id that makes database and consumer-group names unique."""

    kafka_bootstrap_servers: str
    mongo_url: str
    run_id: str
    auth_issuer: str | None = None

    def settings_kwargs(self, service: str) -> dict[str, Any]:
        """Keyword arguments for a service's settings class, isolated to this run."""
        return {
            **login_env(kafka_login_for(self.kafka_bootstrap_servers)),
            "kafka_bootstrap_servers": self.kafka_bootstrap_servers,
            "mongo_url": self.mongo_url,
            "database": f"test_{service}_{self.run_id}",
            "consumer_group": f"test-{service}-{self.run_id}",
            "relay_poll_seconds": 0.2,
            "auth_issuer": self.auth_issuer,
            # A directory in-process trusts the tests' issuer rather than hosting its own.
            "issuer_enabled": False,
        }


@asynccontextmanager
async def running(app: FastAPI, auth: httpx.Auth | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (store, broker, relay) and yield an HTTP client bound to it,
    sending requests with `auth` (see `tests.access.PrincipalAuth`)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", auth=auth
        ) as client:
            yield client


async def publish_event(
    bootstrap: str,
    *,
    event_type: str,
    subject: str,
    data: BaseModel,
    event_id: str | None = None,
    service: str | None = None,
) -> dict[str, Any]:
    """Publish one well-formed event as a service would; return its stored outbox form.

    The event's source is the service owning its topic unless `service` says otherwise.
    """
    entry = outbox_entry(
        event_type=event_type,
        subject=subject,
        data=data,
        service=service or owner_of(catalog.kind_of(event_type).topic),
        time=datetime.now(UTC),
        event_id=event_id,
    )
    await publish_raw(
        bootstrap,
        topic=entry["topic"],
        key=subject.encode(),
        value=json.dumps(entry["data"]).encode(),
        headers=entry["headers"],
    )
    return entry


async def publish_raw(
    bootstrap: str, *, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
) -> None:
    """Publish arbitrary bytes and headers, e.g. a poison event."""
    producer = AIOKafkaProducer(**kafka_options(bootstrap), enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
        )
    finally:
        await producer.stop()


async def collect(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool],
    timeout: float = 30.0,
) -> list[ConsumerRecord[Any, Any]]:
    """Read `topic` from the beginning until `until(records)` holds or the time runs out."""
    consumer = AIOKafkaConsumer(
        topic,
        **kafka_options(bootstrap),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord[Any, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until(records):
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


def headers_of(record: ConsumerRecord[Any, Any]) -> dict[str, str]:
    """A record's headers as a str → str mapping."""
    return {k: v.decode() for k, v in record.headers}


async def eventually(
    check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2
) -> Any:
    """Await `check()` (sync or async) until it returns a truthy value; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
