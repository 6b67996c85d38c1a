"""What agencies ask of the domain: to open a referral, or to hand one on."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import HandoffReason, Urgency

from .basis import LegalBasis
from .subject import Subject


@dataclass(frozen=True)
class Handoff:
    """A holder's request to hand the case to another agency."""

    to_agency_id: str
    reason: HandoffReason
    keep_following: bool = True
    needs: list[str] | None = None
    basis: LegalBasis | None = None


@dataclass(frozen=True)
class NewReferral:
    """What an agency sends to open a referral."""

    from_agency_id: str
    to_agency_id: str
    needs: list[str]
    urgency: Urgency
    subject: Subject
    basis: LegalBasis
    note: str | None = None
    keep_following: bool = True
