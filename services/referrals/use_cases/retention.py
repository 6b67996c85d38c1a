"""Retention: the person's data of a referral ended long enough ago is erased, once."""

from __future__ import annotations

from datetime import datetime

import structlog

from tsunagu_schemas import ErasureReason

from ..domain import SYSTEM_ACTOR, erase_subject
from ..ports import Ports

log = structlog.get_logger(__name__)


async def sweep_retention(ports: Ports, *, now: datetime | None = None, batch: int = 100) -> int:
    """Erase the person's data of referrals closed or cancelled more than the retention period
    ago, and finish destroying keys of earlier erasures; return how many this call erased.

    Replicas may sweep at the same time: each erasure is an update guarded by the version it
    was made from, so exactly one of them erases a referral and emits its event.
    """
    if ports.erasures is None:
        return 0
    for referral_id in await ports.erasures.unshredded(limit=batch):
        await ports.erasures.shred(referral_id)
    at = now or ports.clock.now()
    erased = 0
    for referral_id in await ports.erasures.expired(at - ports.retention, limit=batch):
        referral = await ports.referrals.get(referral_id)
        if referral is None:
            continue
        expected = referral.version
        event = erase_subject(referral, actor=SYSTEM_ACTOR, reason=ErasureReason.RETENTION, now=at)
        if event is None:
            continue
        if await ports.referrals.save(referral, event, expected_version=expected, traceparent=None):
            await ports.erasures.shred(referral_id)
            erased += 1
            log.info("person's data erased at the end of retention", referral_id=referral_id)
    return erased
