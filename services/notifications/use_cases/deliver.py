"""Attempting one due delivery and recording the result with its notification event."""

from __future__ import annotations

import structlog

from services.notifications.domain import after_failure, after_success

from ..ports import Claim, DeliveryFailed, Ports

log = structlog.get_logger(__name__)


async def next_claim(ports: Ports) -> Claim | None:
    """Take the delivery due first, if any, for the length of a lease."""
    return await ports.deliveries.claim_due(now=ports.clock.now(), lease=ports.lease)


async def attempt_delivery(ports: Ports, claim: Claim) -> None:
    """Try the claimed delivery's channel once, then record the outcome and its event."""
    delivery = claim.delivery
    bound = log.bind(delivery=delivery.delivery_id, channel=delivery.channel.value)
    try:
        await ports.senders[delivery.channel].send(delivery)
    except Exception as exc:  # any failure of a channel is retried, never fatal
        error = str(exc) if isinstance(exc, DeliveryFailed) else repr(exc)
        outcome = after_failure(delivery, error=error, now=ports.clock.now(), policy=ports.policy)
        bound.warning("delivery attempt failed", error=error, attempts=outcome.delivery.attempts)
    else:
        outcome = after_success(delivery, now=ports.clock.now())
        bound.info("delivered", attempts=outcome.delivery.attempts)
    if not await ports.deliveries.record(claim, outcome, now=ports.clock.now()):
        bound.warning("lease lost before the outcome was recorded; another worker retries")
