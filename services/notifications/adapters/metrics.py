"""The notifications service's metrics: every delivery attempt by channel and outcome (failed
webhook and e-mail attempts among them), deliveries given up, and deliveries waiting."""

from __future__ import annotations

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
GIVEN_UP = Counter(
    "tsunagu_notifications_deliveries_given_up_total",
    "Deliveries that failed their last attempt (announced as tsunagu.notification.failed)",
    ["channel"],
)
PENDING = "tsunagu_notifications_deliveries_pending"


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


def count_outcome(delivery: Delivery) -> None:
    """Count a delivery whose outcome was just recorded, if it was given up."""
    if delivery.status is DeliveryStatus.FAILED:
        GIVEN_UP.labels(delivery.channel.value).inc()


class WaitingDeliveries(Probe):
    """Deliveries waiting for an attempt, counted on the status index (they are the backlog;
    delivered and given-up ones, which only grow, are counted as they happen instead)."""

    name = "deliveries-pending"

    def __init__(self, deliveries: AsyncCollection[dict[str, Any]]) -> None:
        self._deliveries = deliveries

    async def read(self) -> list[Metric]:
        """The number of deliveries waiting."""
        waiting = await self._deliveries.count_documents({"status": DeliveryStatus.PENDING.value})
        family = GaugeMetricFamily(PENDING, "Deliveries waiting for an attempt or a retry")
        family.add_metric([], float(waiting))
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
        WaitingDeliveries(deliveries),
    ]
    return ServiceMetrics(
        service="notifications", probes=probes, interval=settings.metrics_refresh_seconds
    )
