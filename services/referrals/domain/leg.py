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
