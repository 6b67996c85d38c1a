"""The channels through which a delivery reaches an agency: Kafka, webhook, e-mail spool."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
from faststream.kafka import KafkaBroker

from services.notifications.domain import (
    SIGNATURE_HEADER,
    STRUCTURED_CONTENT_TYPE,
    Delivery,
    agency_secret,
    mail_message,
    signature,
    webhook_body,
)
from services.notifications.ports import DeliveryFailed
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
    """POST the event as a structured CloudEvent, signed with the agency's secret."""

    def __init__(self, client: httpx.AsyncClient, *, signing_key: str) -> None:
        self._client = client
        self._signing_key = signing_key

    async def send(self, delivery: Delivery) -> None:
        """Any answer but 2xx, or no answer, is a failed attempt."""
        body = webhook_body(delivery.event)
        secret = agency_secret(signing_key=self._signing_key, agency_id=delivery.agency_id)
        headers = {
            "content-type": STRUCTURED_CONTENT_TYPE,
            SIGNATURE_HEADER: signature(secret=secret, body=body),
            DELIVERY_HEADER: delivery.delivery_id,
        }
        if delivery.event.traceparent:
            headers["traceparent"] = delivery.event.traceparent
        try:
            response = await self._client.post(delivery.target, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook unreachable: {exc!r}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"webhook answered HTTP {response.status_code}")


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
