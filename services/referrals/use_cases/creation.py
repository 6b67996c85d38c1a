"""Opening a referral at most once per idempotency key, so that a client may safely retry."""

from __future__ import annotations

import hashlib

from ..domain import NewReferral, Referral, ReferralRefused, new_referral_id
from ..ports import Ports, ReferralIdTaken
from .referrals import create_referral


def fingerprint(request: NewReferral) -> str:
    """A digest of the request, to tell a retry from another request reusing the key."""
    return hashlib.sha256(repr(request).encode()).hexdigest()


async def create_referral_once(
    ports: Ports, *, request: NewReferral, actor: str, key: str, traceparent: str | None = None
) -> Referral:
    """Open the referral the key names, or return it when an earlier attempt already did.

    The key is claimed first, fixing the referral's id; a crash after the claim leaves a key
    whose referral a retry then creates under that same id.
    """
    if ports.creation_keys is None:
        return await create_referral(ports, request=request, actor=actor, traceparent=traceparent)
    referral_id, same_request = await ports.creation_keys.claim(
        agency_id=actor,
        key=key,
        referral_id=new_referral_id(ports.clock.now()),
        fingerprint=fingerprint(request),
    )
    if not same_request:
        raise ReferralRefused(
            "this Idempotency-Key was already used for another request", field="Idempotency-Key"
        )
    existing = await ports.referrals.get(referral_id)
    if existing is not None:
        return existing
    try:
        return await create_referral(
            ports, request=request, actor=actor, traceparent=traceparent, referral_id=referral_id
        )
    except ReferralIdTaken:
        taken = await ports.referrals.get(referral_id)
        assert taken is not None, "a referral id is taken only by a stored referral"
        return taken
