"""The notifications service's metrics: every delivery attempt by channel and outcome (failed
webhook and e-mail attempts among them), and deliveries waiting or given up, by status."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from faststream.kafka import KafkaBroker
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.collection import AsyncCollection

from services.notifications.domain import Delivery, DeliveryStatus
from services.notifications.ports import ChannelSender
from services.notifications.settings import NotificationsSettings
from tsunagu.clock import Clock
from tsunagu.messaging.login import kafka_login
from tsunagu.metrics import KafkaPositions, OutboxBacklog, Probe, ServiceMetrics
from tsunagu_schemas import Channel

ATTEMPTS = Counter(
    "tsunagu_notifications_delivery_attempts_total",
    "Delivery attempts by channel and outcome (delivered or failed)",
    ["channel", "outcome"],
)
DELIVERIES = "tsunagu_notifications_deliveries"
COUNTED = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
"""Delivered ones are not counted: they only grow, and the attempts counter tells their rate."""


class MeasuredSender:
    """A channel whose every attempt is counted, succeeding or not."""

    def __init__(self, channel: Channel, sender: ChannelSender) -> None:
        self._channel = channel.value
        self._sender = sender

    async def send(self, delivery: Delivery) -> None:
        """Deliver through the channel, counting the outcome."""
        try:
            await self._sender.send(delivery)
        except Exception:
            ATTEMPTS.labels(self._channel, "failed").inc()
            raise
        ATTEMPTS.labels(self._channel, "delivered").inc()


def measured(senders: Mapping[Channel, ChannelSender]) -> dict[Channel, ChannelSender]:
    """Each sender, its attempts counted."""
    return {channel: MeasuredSender(channel, sender) for channel, sender in senders.items()}


class DeliveryCounts(Probe):
    """Deliveries waiting for an attempt and given up, counted on the status index."""

    name = "delivery-counts"

    def __init__(self, deliveries: AsyncCollection[dict[str, Any]]) -> None:
        self._deliveries = deliveries

    async def read(self) -> list[Metric]:
        """The number of deliveries in each counted status."""
        counts = await asyncio.gather(
            *(self._deliveries.count_documents({"status": s.value}) for s in COUNTED)
        )
        family = GaugeMetricFamily(
            DELIVERIES, "Deliveries waiting (pending) or given up (failed)", labels=["status"]
        )
        for status, count in zip(COUNTED, counts, strict=True):
            family.add_metric([status.value], float(count))
        return [family]


def service_metrics(
    settings: NotificationsSettings,
    *,
    broker: KafkaBroker,
    deliveries: AsyncCollection[dict[str, Any]],
    clock: Clock,
) -> ServiceMetrics:
    """Every background gauge of the notifications service."""
    probes = [
        KafkaPositions(kafka_login(settings), broker),
        OutboxBacklog(deliveries, clock=clock),
        DeliveryCounts(deliveries),
    ]
    return ServiceMetrics(
        service="notifications", probes=probes, interval=settings.metrics_refresh_seconds
    )
