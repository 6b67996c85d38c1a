"""Fixtures for notifications: settings isolated per test, and a webhook receiver to call."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from services.notifications.settings import NotificationsSettings
from tests.integration.harness import ServiceEnv, eventually


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    """A receiver served on 127.0.0.1 for the length of one test."""
    receiver = WebhookReceiver()
    port = _free_port()
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


@pytest.fixture
def notifications_settings(service_env: ServiceEnv, tmp_path: Path) -> NotificationsSettings:
    """Settings of one test's notifications service: own database, group, spool; fast retries."""
    return NotificationsSettings(
        **service_env.settings_kwargs("notifications"),
        mail_spool_dir=tmp_path / "mail",
        delivery_backoff_seconds=0.3,
        delivery_poll_seconds=0.2,
    )
