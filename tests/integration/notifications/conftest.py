"""Fixtures for notifications: settings isolated per test, and a webhook receiver to call.

The event topics are shared by the whole suite. Each test's consumer group starts at their end
and each test reads only what was published after it began, so a test neither replays nor
depends on the history other tests left there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiokafka import TopicPartition

from services.notifications.settings import NotificationsSettings
from tests.integration.harness import ServiceEnv, eventually
from tests.integration.kafka_positions import Records, end_offsets, read_from
from tsunagu_ops.localstack.ports import free_port
from tsunagu_schemas.topics import (
    DIRECTORY_DELIVERY,
    NOTIFICATION_EVENTS,
    REFERRAL_EVENTS,
    dead_letter_topic,
)

CONSUMED = (REFERRAL_EVENTS, DIRECTORY_DELIVERY)
OBSERVED = (NOTIFICATION_EVENTS, dead_letter_topic(REFERRAL_EVENTS))


@dataclass
class ReceivedCall:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """A local HTTP endpoint recording every call; a path can be told to fail a few times."""

    base_url: str = ""
    calls: list[ReceivedCall] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """The full URL of `path` on this receiver."""
        return f"{self.base_url}{path}"

    def calls_to(self, path: str) -> list[ReceivedCall]:
        """The calls received on `path`, in order."""
        return [c for c in self.calls if c.path == path]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """ASGI entry point: record the request, answer 500 while failures remain, else 204."""
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        path = scope["path"]
        self.calls.append(ReceivedCall(path, headers, body))
        status = 204
        if self.failures.get(path, 0) > 0:
            self.failures[path] -= 1
            status = 500
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    """A receiver served on 127.0.0.1 for the length of one test."""
    receiver = WebhookReceiver()
    port = free_port()
    receiver.base_url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        receiver, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, timeout=10.0, interval=0.05)
    yield receiver
    server.should_exit = True
    await task


@dataclass(frozen=True)
class SharedTopics:
    """The topics the service writes to that other tests share, read from where this test began."""

    bootstrap: str
    start: dict[str, dict[TopicPartition, int]]

    async def read(self, topic: str, *, until: Callable[[Records], bool]) -> Records:
        """The records published on `topic` since the test began, once `until` holds for them."""
        return await read_from(self.bootstrap, self.start[topic], until=until)


@pytest.fixture
async def shared_topics(service_env: ServiceEnv) -> SharedTopics:
    """Where the notification and dead-letter topics end before the test publishes anything."""
    bootstrap = service_env.kafka_bootstrap_servers
    ends = await end_offsets(bootstrap, OBSERVED)
    start = {topic: {p: o for p, o in ends.items() if p.topic == topic} for topic in OBSERVED}
    return SharedTopics(bootstrap, start)


@pytest.fixture
async def notifications_settings(service_env: ServiceEnv, tmp_path: Path) -> NotificationsSettings:
    """One test's service settings: own database, spool and group (at the end); fast retries."""
    settings = NotificationsSettings(
        **service_env.settings_kwargs("notifications"),
        mail_spool_dir=tmp_path / "mail",
        webhook_secrets_key_file=tmp_path / "keys" / "webhooks.key",
        delivery_backoff_seconds=0.3,
        delivery_poll_seconds=0.2,
    )
    await end_offsets(settings.kafka_bootstrap_servers, CONSUMED, group_id=settings.consumer_group)
    return settings
