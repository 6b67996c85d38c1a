"""The events a referral produces."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import ReferralEventData


@dataclass(frozen=True)
class ReferralEvent:
    """An event the referral produced by a change: its type and its (impersonal) data."""

    type: str
    data: ReferralEventData
