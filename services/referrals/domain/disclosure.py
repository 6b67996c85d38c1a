"""The third-party provision record (personal-information law art. 29), read from the legs.

Each leg is one disclosure: when it was requested, the agency holding the case gave the
person's data to the agency asked. The record names the referral, never the person's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from .basis import BasisKind, GivenBy
from .referral import Referral


class Direction(StrEnum):
    """Whether the agency gave the data or received it."""

    MADE = "made"
    RECEIVED = "received"


class ProvisionRecord(BaseModel):
    """One disclosure: who gave whose data (by referral id) to whom, when, on what basis."""

    model_config = ConfigDict(frozen=True)

    referral_id: str
    leg: int
    direction: Direction
    from_agency_id: str
    to_agency_id: str
    disclosed_at: datetime
    basis: BasisKind
    given_by: GivenBy | None = None
    scope: list[str] | str | None = None
    reference: str | None = None
    needs: list[str]


def provision_records(
    referrals: Iterable[Referral], *, agency_id: str, since: datetime, until: datetime
) -> list[ProvisionRecord]:
    """The disclosures the agency made or received in [since, until), oldest first."""
    found = [
        _record(referral, leg_index, agency_id)
        for referral in referrals
        for leg_index, leg in enumerate(referral.legs)
        if since <= leg.requested_at < until and agency_id in (leg.from_agency_id, leg.to_agency_id)
    ]
    return sorted(found, key=lambda r: (r.disclosed_at, r.referral_id, r.leg))


def disclosures_of(referral: Referral) -> list[ProvisionRecord]:
    """Every disclosure made in one referral, leg by leg, as its giving agency recorded it."""
    return [_record(referral, index, leg.from_agency_id) for index, leg in enumerate(referral.legs)]


def _record(referral: Referral, leg_index: int, agency_id: str) -> ProvisionRecord:
    leg = referral.legs[leg_index]
    return ProvisionRecord(
        referral_id=referral.id,
        leg=leg.number,
        direction=Direction.RECEIVED if leg.to_agency_id == agency_id else Direction.MADE,
        from_agency_id=leg.from_agency_id,
        to_agency_id=leg.to_agency_id,
        disclosed_at=leg.requested_at,
        basis=leg.basis.kind,
        given_by=leg.basis.given_by,
        scope=leg.basis.scope,
        reference=leg.basis.reference,
        needs=leg.needs,
    )
