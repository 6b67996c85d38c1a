"""The legal basis for sharing a person's data with an agency, and when it covers one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas.bounds import MAX_ITEMS, Identifier, ShortText

from .errors import ReferralRefused

NETWORK = "network"


class BasisKind(StrEnum):
    """Why the person's data may be disclosed."""

    CONSENT = "consent"
    SUPPORT_MEETING = "support_meeting"
    VITAL_INTEREST = "vital_interest"
    LEGAL_OBLIGATION = "legal_obligation"


class GivenBy(StrEnum):
    """Who gave consent."""

    SUBJECT = "subject"
    GUARDIAN = "guardian"


class LegalBasis(BaseModel):
    """Consent (scope, expiry), a support meeting (art. 106-6) or a legal exception."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: BasisKind
    given_by: GivenBy | None = None
    scope: Annotated[list[Identifier], Field(max_length=MAX_ITEMS)] | Literal["network"] | None = (
        Field(default=None, description='Agency ids the consent covers, or "network".')
    )
    obtained_at: datetime
    expires_at: datetime | None = None
    reference: ShortText | None = Field(default=None, description="Minutes or case reference.")


def check_basis(basis: LegalBasis, *, receiving_agency_id: str, now: datetime, field: str) -> None:
    """Raise ReferralRefused unless `basis` allows disclosure to the receiving agency now."""
    if basis.kind is BasisKind.CONSENT:
        _check_consent(basis, receiving_agency_id=receiving_agency_id, now=now, field=field)
    elif basis.kind is BasisKind.SUPPORT_MEETING and not basis.reference:
        raise ReferralRefused(
            "a support meeting basis needs the meeting's reference", field=f"{field}.reference"
        )


def _check_consent(
    basis: LegalBasis, *, receiving_agency_id: str, now: datetime, field: str
) -> None:
    """Consent must say who gave it, cover the receiving agency and not have expired."""
    if basis.given_by is None:
        raise ReferralRefused("consent must say who gave it", field=f"{field}.given_by")
    if basis.scope is None:
        raise ReferralRefused("consent must state its scope", field=f"{field}.scope")
    if basis.scope != NETWORK and receiving_agency_id not in basis.scope:
        raise ReferralRefused(
            f"the consent's scope does not cover agency {receiving_agency_id}",
            field=f"{field}.scope",
        )
    if basis.expires_at is None:
        raise ReferralRefused("consent must state when it expires", field=f"{field}.expires_at")
    if basis.expires_at <= now:
        raise ReferralRefused("the consent has expired", field=f"{field}.expires_at")
