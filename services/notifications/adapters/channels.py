"""The channels through which a delivery reaches an agency: Kafka, webhook, e-mail spool."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from faststream.kafka import KafkaBroker

from services.notifications.domain import (
    ID_HEADER,
    SIGNATURE_HEADER,
    STRUCTURED_CONTENT_TYPE,
    TIMESTAMP_HEADER,
    Delivery,
    mail_message,
    signature_header,
    webhook_body,
)
from services.notifications.ports import DeliveryFailed
from tsunagu.clock import Clock
from tsunagu.webhook_targets import CheckedTarget, TargetPolicy, TargetRefused
from tsunagu_schemas import CloudEventAttributes

DELIVERY_HEADER = "X-Tsunagu-Delivery"


class AgencyTopicChannel:
    """Republish the event, unchanged and in binary mode, on the agency's own topic."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def send(self, delivery: Delivery) -> None:
        """Publish with the original `ce_*` headers (same id) and the referral as key."""
        event = delivery.event
        attributes = CloudEventAttributes(
            id=event.id,
            source=event.source,
            type=event.type,
            time=event.time,
            subject=event.subject,
            dataschema=event.dataschema,
            traceparent=event.traceparent,
        )
        key = (event.subject or delivery.agency_id).encode()
        await self._broker.publish(
            event.data, delivery.target, key=key, headers=attributes.to_headers()
        )


class WebhookChannel:
    """POST the event as a structured CloudEvent, signed with every valid key of the agency.

    An attempt is bounded whatever the receiver does: it ends after `deadline_seconds` in all
    (a server that drips its answer a byte at a time holds a delivery slot no longer), and the
    answer's body is never read (its status is all that counts), so a receiver answering a
    gigabyte costs no memory."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        keys: Callable[[str], Awaitable[list[bytes]]],
        clock: Clock,
        targets: TargetPolicy,
        deadline_seconds: float = 10.0,
    ) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._targets = targets
        self._deadline = deadline_seconds

    async def send(self, delivery: Delivery) -> None:
        """Any answer but 2xx, no answer within the deadline, or a URL that may not be called
        is a failed attempt."""
        try:
            target = await self._targets.check(delivery.target)
        except TargetRefused as exc:
            raise DeliveryFailed(f"webhook refused: {exc}") from exc
        body = webhook_body(delivery.event)
        timestamp = int(self._clock.now().timestamp())
        keys = await self._keys(delivery.agency_id)
        headers = {
            "content-type": STRUCTURED_CONTENT_TYPE,
            ID_HEADER: delivery.event.id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature_header(
                keys, message_id=delivery.event.id, timestamp=timestamp, body=body
            ),
            DELIVERY_HEADER: delivery.delivery_id,
        }
        if delivery.event.traceparent:
            headers["traceparent"] = delivery.event.traceparent
        url, extensions = connection_for(target, headers)
        try:
            async with asyncio.timeout(self._deadline):
                answer = self._client.stream(
                    "POST", url, content=body, headers=headers, extensions=extensions
                )
                async with answer as response:  # closed unread: its body is not wanted
                    status = response.status_code
        except TimeoutError as exc:
            raise DeliveryFailed(f"webhook gave no answer within {self._deadline:g} s") from exc
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook unreachable: {exc!r}") from exc
        if not 200 <= status < 300:
            raise DeliveryFailed(f"webhook answered HTTP {status}")


def webhook_client(timeout_seconds: float) -> httpx.AsyncClient:
    """The HTTP client webhooks are sent with. It takes no proxy from the environment: a proxy
    would resolve the name again, by-passing the address each delivery is pinned to."""
    return httpx.AsyncClient(timeout=timeout_seconds, trust_env=False)


def connection_for(
    target: CheckedTarget, headers: dict[str, str]
) -> tuple[httpx.URL, dict[str, Any]]:
    """Where to connect: the checked address, with the name kept for `Host` and TLS (SNI)."""
    url = httpx.URL(target.url)
    if target.address is None:
        return url, {}
    headers["host"] = url.netloc.decode("ascii")
    return url.copy_with(host=target.address), {"sni_hostname": target.host}


class MailSpool:
    """Write each e-mail as an .eml file in a spool folder; nothing sends them by SMTP yet."""

    def __init__(self, folder: Path, *, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, delivery: Delivery) -> None:
        """Write the message atomically; a retried delivery overwrites the same file."""
        message = mail_message(delivery.event, to=delivery.target, sender=self._sender)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", delivery.delivery_id) + ".eml"
        await asyncio.to_thread(self._write, name, message.as_bytes())

    def _write(self, name: str, content: bytes) -> None:
        """Write to a temporary name, then rename, so readers never see half a message."""
        self._folder.mkdir(parents=True, exist_ok=True)
        partial = self._folder / f".{name}.partial"
        partial.write_bytes(content)
        partial.replace(self._folder / name)
