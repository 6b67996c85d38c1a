"""Every delivery attempt is counted by channel and outcome, failures included."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY

from services.notifications.adapters.metrics import count_outcome, measured
from services.notifications.domain import Delivery, DeliveryStatus, SourceEvent
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


async def test_a_delivery_is_counted_as_given_up_once_its_last_attempt_failed() -> None:
    now = datetime.now(UTC)
    event = SourceEvent(
        id="evt-2", source="urn:tsunagu:referrals", type="tsunagu.referral.accepted", time=now,
        subject="ref-2", dataschema=None, traceparent=None, data={},
    )  # fmt: skip
    waiting = Delivery(
        delivery_id="d2", notification_id="n2", agency_id="agc_1", channel=Channel.EMAIL,
        target="ops@example.org", event=event, created_at=now, next_attempt_at=now,
    )  # fmt: skip
    labels = {"channel": "email"}
    before = REGISTRY.get_sample_value("tsunagu_notifications_deliveries_given_up_total", labels)
    count_outcome(replace(waiting, attempts=1))  # to be retried
    count_outcome(replace(waiting, status=DeliveryStatus.FAILED, attempts=8))
    after = REGISTRY.get_sample_value("tsunagu_notifications_deliveries_given_up_total", labels)
    assert (after or 0) - (before or 0) == 1
