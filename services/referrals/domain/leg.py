"""A leg: one request from the agency holding the case to the agency asked to help."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tsunagu_schemas import ReferralStatus

from .basis import LegalBasis


class Leg(BaseModel):
    """One request from the agency holding the case to the agency asked to help."""

    number: int
    from_agency_id: str
    to_agency_id: str
    needs: list[str]
    status: ReferralStatus
    requested_at: datetime
    responded_at: datetime | None = None
    reason: str | None = None
    comment: str | None = None
    keep_following: bool = True
    basis: LegalBasis
    accept_by: datetime | None = None
    sla_breached_at: datetime | None = None
    escalated_to: str | None = None

    @property
    def overdue(self) -> bool:
        """Whether the leg is still waiting for an answer past its deadline, and was flagged."""
        return self.status is ReferralStatus.REQUESTED and self.sla_breached_at is not None

    def due(self, now: datetime) -> bool:
        """Whether the leg waits for an answer past its deadline and is not yet flagged."""
        return (
            self.status is ReferralStatus.REQUESTED
            and self.sla_breached_at is None
            and self.accept_by is not None
            and self.accept_by <= now
        )
