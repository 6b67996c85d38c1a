"""Attempting one due delivery and recording the result with its notification event."""

from __future__ import annotations

import structlog

from services.notifications.domain import (
    Delivery,
    DeliveryOutcome,
    after_failure,
    after_interruptions,
    after_success,
    exhausted,
)

from ..ports import Claim, DeliveryFailed, Ports

log = structlog.get_logger(__name__)


async def next_claim(ports: Ports) -> Claim | None:
    """Take the delivery due first, if any, for the length of a lease."""
    return await ports.deliveries.claim_due(now=ports.clock.now(), lease=ports.lease)


async def attempt_delivery(ports: Ports, claim: Claim) -> None:
    """Try the claimed delivery's channel once, then record the outcome and its event; a
    delivery whose allowed attempts were all claimed before (and cut short) is given up."""
    delivery = claim.delivery
    bound = log.bind(delivery=delivery.delivery_id, channel=delivery.channel.value)
    if exhausted(delivery, policy=ports.policy):
        outcome = after_interruptions(delivery, now=ports.clock.now())
        bound.error("delivery given up: its attempts never finished", attempts=delivery.attempts)
    else:
        outcome = await _attempt(ports, delivery, bound)
    if not await ports.deliveries.record(claim, outcome, now=ports.clock.now()):
        bound.warning("lease lost before the outcome was recorded; another worker retries")


async def _attempt(
    ports: Ports, delivery: Delivery, bound: structlog.typing.FilteringBoundLogger
) -> DeliveryOutcome:
    """Send once through the delivery's channel; the outcome either way."""
    try:
        await ports.senders[delivery.channel].send(delivery)
    except Exception as exc:  # any failure of a channel is retried, never fatal
        error = str(exc) if isinstance(exc, DeliveryFailed) else repr(exc)
        outcome = after_failure(delivery, error=error, now=ports.clock.now(), policy=ports.policy)
        bound.warning("delivery attempt failed", error=error, attempts=outcome.delivery.attempts)
        return outcome
    outcome = after_success(delivery, now=ports.clock.now())
    bound.info("delivered", attempts=outcome.delivery.attempts)
    return outcome
