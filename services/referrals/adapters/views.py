"""What an agency is shown of a referral: the view the reading policy allows it, and no more.

The person's data (subject, note, basis references, comments) is shown only when the policy
says so; otherwise `subject` is null and `subject_hidden_reason` says why. A leg is shown in full
to the holder and to the agencies it concerns; of the others, only its number and status. The
agencies named (parties, followers, the holder) are those of the legs shown in full, plus the
holder when the person's data is shown. See docs/privacy.md.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tsunagu_schemas import CloseOutcome, ReferralStatus, Urgency

from ..domain import (
    Action,
    Erasure,
    HiddenReason,
    Leg,
    LegalBasis,
    Referral,
    Standing,
    Subject,
    Visibility,
)


def _basis(basis: LegalBasis, *, personal: bool) -> LegalBasis:
    """The basis, its reference (a case or minutes number) only with the person's data."""
    return basis if personal else basis.model_copy(update={"reference": None})


class LegView(BaseModel):
    """A leg: in full when it concerns the reader or the reader holds the case; else only its
    number and status."""

    number: int
    status: ReferralStatus
    shown: bool = Field(description="Whether the leg is shown in full (the fields below).")
    from_agency_id: str | None = None
    to_agency_id: str | None = None
    needs: list[str] | None = None
    requested_at: datetime | None = None
    responded_at: datetime | None = None
    reason: str | None = None
    comment: str | None = Field(default=None, description="Shown with the person's data only.")
    keep_following: bool | None = None
    basis: LegalBasis | None = Field(default=None, description="Its reference with the data only.")
    accept_by: datetime | None = None
    sla_breached_at: datetime | None = None
    escalated_to: str | None = None

    @classmethod
    def of(cls, leg: Leg, *, full: bool, personal: bool) -> LegView:
        """The leg as the reader may see it."""
        if not full:
            return cls(number=leg.number, status=leg.status, shown=False)
        fields = leg.model_dump(exclude={"comment", "basis"})
        return cls(
            **fields,
            shown=True,
            comment=leg.comment if personal else None,
            basis=_basis(leg.basis, personal=personal),
        )


class ReferralView(BaseModel):
    """A referral as the reading agency may see it now, with the actions possible now."""

    id: str
    version: int
    status: ReferralStatus
    standing: Standing = Field(description="Where the reading agency stands (docs/privacy.md).")
    subject_visible: bool = Field(description="Whether the person's data is shown.")
    subject_hidden_reason: HiddenReason | None = Field(
        description="Why the person's data is not shown, when it is not."
    )
    holder_agency_id: str | None = Field(
        description="The holder; null when it is in no leg shown and the data is not shown."
    )
    current_leg: int
    legs: list[LegView]
    needs: list[str]
    urgency: Urgency
    subject: Subject | None = Field(
        description="The person; null when not shown to this reader or once erased."
    )
    basis: LegalBasis = Field(description="Its reference is shown with the person's data only.")
    note: str | None
    outcome: CloseOutcome | None
    outcome_comment: str | None
    followers: list[str] = Field(description="Those among the agencies this reader may see.")
    parties: list[str] = Field(description="The agencies of the legs shown (docs/privacy.md).")
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
    def of(cls, referral: Referral, seen: Visibility) -> ReferralView:
        """The view of a referral as `seen` allows."""
        personal = seen.subject
        named = _named(referral, seen)
        return cls(
            **referral.model_dump(
                include={"id", "version", "status", "current_leg", "needs", "urgency", "outcome"}
            ),
            standing=seen.standing,
            subject_visible=personal,
            subject_hidden_reason=seen.hidden_reason,
            holder_agency_id=referral.holder_agency_id
            if referral.holder_agency_id in named
            else None,
            legs=[
                LegView.of(leg, full=leg.number in seen.full_legs, personal=personal)
                for leg in referral.legs
            ],
            subject=referral.subject if personal else None,
            basis=_basis(referral.basis, personal=personal),
            note=referral.note if personal else None,
            outcome_comment=referral.outcome_comment if personal else None,
            followers=[a for a in referral.followers if a in named],
            parties=[a for a in referral.parties if a in named],
            allowed_actions=referral.allowed_actions(),
            accept_by=referral.accept_by,
            overdue=referral.overdue,
            sla_breached_at=referral.leg.sla_breached_at if referral.overdue else None,
            erasure=referral.erasure,
            created_at=referral.created_at,
            updated_at=referral.updated_at,
        )


def _named(referral: Referral, seen: Visibility) -> set[str]:
    """The agencies the reader may see named: those of the legs shown in full, and the holder
    when the person's data is shown."""
    named = {
        agency
        for leg in referral.legs
        if leg.number in seen.full_legs
        for agency in (leg.from_agency_id, leg.to_agency_id)
    }
    if seen.subject:
        named.add(referral.holder_agency_id)
    return named


class ReferralPage(BaseModel):
    """One page of referrals, newest first; lists never show a person's data."""

    items: list[ReferralView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
