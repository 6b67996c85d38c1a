"""Support must not silently stop: flag legs not accepted in time and escalate them."""

from __future__ import annotations

from datetime import datetime

import structlog

from ..ports import Ports

log = structlog.get_logger(__name__)


async def flag_overdue(ports: Ports, *, now: datetime | None = None, batch: int = 100) -> int:
    """Flag every leg past its deadline once; return how many this call flagged.

    Replicas may scan at the same time: the change document of the next version is inserted
    under a unique `_id`, so only one of them records the breach of a leg.
    """
    at = now or ports.clock.now()
    flagged = 0
    coordinator = ports.coordinator
    for referral_id in await ports.referrals.due(at, limit=batch):
        referral = await ports.referrals.get(referral_id)
        if referral is None or not referral.leg.due(at):
            continue
        expected = referral.version
        event = referral.breach_sla(coordinator=coordinator, now=at)
        if await ports.referrals.save(referral, event, expected_version=expected, traceparent=None):
            flagged += 1
            log.warning(
                "referral not accepted in time",
                referral_id=referral.id,
                leg=referral.current_leg,
                escalated_to=coordinator,
            )
    return flagged
