"""Every delivery attempt is counted by channel and outcome, failures included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY

from services.notifications.adapters.metrics import measured
from services.notifications.domain import Delivery, SourceEvent
from services.notifications.ports import ChannelSender, DeliveryFailed
from tsunagu_schemas import Channel

ATTEMPTS = "tsunagu_notifications_delivery_attempts_total"


class Flaky:
    """Fails the first `failures` sends, then delivers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures

    async def send(self, delivery: Delivery) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("503 from the receiver")


def _count(channel: Channel, outcome: str) -> float:
    labels = {"channel": channel.value, "outcome": outcome}
    return REGISTRY.get_sample_value(ATTEMPTS, labels) or 0.0


async def test_failed_and_delivered_attempts_are_counted_per_channel() -> None:
    senders: dict[Channel, ChannelSender] = {Channel.WEBHOOK: Flaky(2), Channel.EMAIL: Flaky(0)}
    counted = measured(senders)
    now = datetime.now(UTC)
    event = SourceEvent(
        id="evt-1", source="urn:tsunagu:referrals", type="tsunagu.referral.accepted", time=now,
        subject="ref-1", dataschema=None, traceparent=None, data={},
    )  # fmt: skip
    delivery = Delivery(
        delivery_id="d1", notification_id="n1", agency_id="agc_1", channel=Channel.WEBHOOK,
        target="https://example.org/hook", event=event, created_at=now,
        next_attempt_at=now,
    )  # fmt: skip
    before = {(c, o): _count(c, o) for c in senders for o in ("failed", "delivered")}
    for _ in range(2):
        with pytest.raises(DeliveryFailed):
            await counted[Channel.WEBHOOK].send(delivery)
    await counted[Channel.WEBHOOK].send(delivery)
    await counted[Channel.EMAIL].send(delivery)
    grown = {key: _count(*key) - was for key, was in before.items()}
    assert grown == {
        (Channel.WEBHOOK, "failed"): 2, (Channel.WEBHOOK, "delivered"): 1,
        (Channel.EMAIL, "failed"): 0, (Channel.EMAIL, "delivered"): 1,
    }  # fmt: skip
