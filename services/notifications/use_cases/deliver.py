"""Attempting one due delivery and recording the result with its notification event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import structlog

from services.notifications.domain import RetryPolicy, after_failure, after_success
from tsunagu_schemas import Channel

from .ports import ChannelSender, Claim, Clock, DeliveryFailed, DeliveryQueue

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DeliverDue:
    """Take the delivery due first, try its channel, then finish or reschedule it."""

    queue: DeliveryQueue
    senders: Mapping[Channel, ChannelSender]
    policy: RetryPolicy
    clock: Clock
    lease: timedelta

    async def next_claim(self) -> Claim | None:
        """Take the delivery due first, if any, for the length of a lease."""
        return await self.queue.claim_due(now=self.clock(), lease=self.lease)

    async def attempt(self, claim: Claim) -> None:
        """Try the claimed delivery's channel once, then record the outcome and its event."""
        delivery = claim.delivery
        bound = log.bind(delivery=delivery.delivery_id, channel=delivery.channel.value)
        try:
            await self.senders[delivery.channel].send(delivery)
        except Exception as exc:  # any failure of a channel is retried, never fatal
            error = str(exc) if isinstance(exc, DeliveryFailed) else repr(exc)
            outcome = after_failure(delivery, error=error, now=self.clock(), policy=self.policy)
            bound.warning(
                "delivery attempt failed", error=error, attempts=outcome.delivery.attempts
            )
        else:
            outcome = after_success(delivery, now=self.clock())
            bound.info("delivered", attempts=outcome.delivery.attempts)
        if not await self.queue.record(claim, outcome, now=self.clock()):
            bound.warning("lease lost before the outcome was recorded; another worker retries")
