"""Request and response bodies of the HTTP API, separate from the stored referral."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import CancelReason, CloseOutcome, DeclineReason, HandoffReason, Urgency
from tsunagu_schemas.bounds import MAX_ITEMS, AgencyId, Code

from ..domain import Handoff, LegalBasis, NewReferral, Subject

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
