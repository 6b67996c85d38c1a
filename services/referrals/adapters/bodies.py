"""Request and response bodies of the HTTP API, separate from the stored referral."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import (
    CancelReason,
    CloseOutcome,
    DeclineReason,
    HandoffReason,
    ReferralStatus,
    Urgency,
)
from tsunagu_schemas.bounds import MAX_ITEMS, AgencyId, Code

from ..domain import (
    Action,
    Erasure,
    Handoff,
    Leg,
    LegalBasis,
    NewReferral,
    Referral,
    Subject,
)

Needs = list[str]
NeedCodes = Annotated[list[Code], Field(min_length=1, max_length=MAX_ITEMS)]
"""Need categories as the taxonomy's codes."""


class CreateReferralBody(BaseModel):
    """A request to refer a person from the acting agency to another agency."""

    model_config = ConfigDict(extra="forbid")

    from_agency_id: AgencyId = Field(description="Must be the acting agency.")
    to_agency_id: AgencyId
    needs: NeedCodes = Field(description="Need category codes.")
    urgency: Urgency
    subject: Subject
    basis: LegalBasis
    note: str | None = Field(default=None, max_length=4000)
    keep_following: bool = Field(default=True, description="Keep following once accepted.")

    def to_request(self) -> NewReferral:
        """The domain's form of this request."""
        return NewReferral(**{name: getattr(self, name) for name in type(self).model_fields})


class DeclineBody(BaseModel):
    """Why the asked agency declines."""

    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason
    comment: str | None = Field(default=None, max_length=2000)


class HandoffBody(BaseModel):
    """To whom the holder hands the case, and under which basis if not the referral's."""

    model_config = ConfigDict(extra="forbid")

    to_agency_id: AgencyId
    needs: NeedCodes | None = None
    reason: HandoffReason
    keep_following: bool = True
    basis: LegalBasis | None = None

    def to_request(self) -> Handoff:
        """The domain's form of this request."""
        return Handoff(**{name: getattr(self, name) for name in type(self).model_fields})


class CloseBody(BaseModel):
    """How the journey ended."""

    model_config = ConfigDict(extra="forbid")

    outcome: CloseOutcome
    comment: str | None = Field(default=None, max_length=2000)


class CancelBody(BaseModel):
    """Why the holder withdraws the request."""

    model_config = ConfigDict(extra="forbid")

    reason: CancelReason


class ReferralView(BaseModel):
    """A referral as shown to an agency party to it, with the actions possible now."""

    id: str
    version: int
    status: ReferralStatus
    holder_agency_id: str
    current_leg: int
    legs: list[Leg]
    needs: Needs
    urgency: Urgency
    subject: Subject | None = Field(description="The person; null once their data was erased.")
    basis: LegalBasis
    note: str | None
    outcome: CloseOutcome | None
    outcome_comment: str | None
    followers: list[str]
    parties: list[str]
    allowed_actions: list[Action]
    accept_by: datetime | None = Field(
        description="Deadline for the asked agency to accept the current leg, while requested."
    )
    overdue: bool = Field(description="The current leg is past its deadline and unanswered.")
    sla_breached_at: datetime | None = Field(description="When the overdue leg was flagged.")
    erasure: Erasure | None = Field(
        default=None, description="When, by whom and why the person's data was erased."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, referral: Referral) -> ReferralView:
        """The view of a referral."""
        return cls(
            **referral.model_dump(),
            parties=referral.parties,
            allowed_actions=referral.allowed_actions(),
            accept_by=referral.leg.accept_by
            if referral.status is ReferralStatus.REQUESTED
            else None,
            overdue=referral.overdue,
            sla_breached_at=referral.leg.sla_breached_at if referral.overdue else None,
        )


class ReferralPage(BaseModel):
    """One page of referrals, newest first."""

    items: list[ReferralView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
