"""Legs past their deadline: which referral, which agencies, how late, whether escalated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WaitingLeg:
    """The current leg of a referral still waiting for an answer (ids and times only)."""

    referral_id: str
    number: int
    from_agency_id: str
    to_agency_id: str
    accept_by: datetime | None
    sla_breached_at: datetime | None
    escalated_to: str | None


@dataclass(frozen=True)
class OverdueLeg:
    """A waiting leg past its deadline, with the deadline and how long past it is."""

    leg: WaitingLeg
    accept_by: datetime
    seconds_overdue: float

    @property
    def escalated(self) -> bool:
        """Whether the service flagged it (and escalated it to the coordinator, if one is set)."""
        return self.leg.sla_breached_at is not None


def overdue_legs(
    waiting: list[WaitingLeg], now: datetime, agency_id: str | None = None
) -> list[OverdueLeg]:
    """The legs past their deadline at `now`, latest first; those asked of or by `agency_id`
    alone when one is given."""
    late = [
        OverdueLeg(leg, deadline, (now - deadline).total_seconds())
        for leg in waiting
        if (deadline := leg.accept_by) is not None and deadline <= now
        if agency_id is None or agency_id in (leg.from_agency_id, leg.to_agency_id)
    ]
    return sorted(late, key=lambda item: (-item.seconds_overdue, item.leg.referral_id))
