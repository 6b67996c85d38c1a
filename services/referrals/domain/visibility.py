"""What an agency may see of a referral now: the person's data only while a basis covers it.

One function, `visibility`, decides for a reading agency, a referral and the time: where the
agency stands, whether it may read the person's data (subject, note, basis references,
comments), and which legs it sees in full. The rules, and why, are in docs/privacy.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tsunagu_schemas import ReferralStatus

from .basis import NETWORK, BasisKind, LegalBasis
from .leg import Leg

if TYPE_CHECKING:  # the referral module asks this one who may be told of a change
    from .referral import Referral


class Standing(StrEnum):
    """Where an agency stands towards a referral, for reading it."""

    HOLDER = "holder"
    ASKED = "asked"
    FOLLOWER = "follower"
    DECLINED = "declined"
    LEG_CANCELLED = "leg_cancelled"
    FORMER = "former"
    NOT_PARTY = "not_party"
    COORDINATOR = "coordinator"
    """The network's coordinator acting for the person's rights (disclosure, correction,
    erasure): never a reader of referrals otherwise."""


class HiddenReason(StrEnum):
    """Why the person's data is not shown to a party."""

    DECLINED = "declined"
    LEG_CANCELLED = "leg_cancelled"
    NOT_FOLLOWING = "not_following"
    CONSENT_EXPIRED = "consent_expired"
    BASIS_NOT_COVERING = "basis_not_covering"
    NOT_IN_LISTS = "not_in_lists"
    NOT_PARTY = "not_party"


@dataclass(frozen=True)
class Visibility:
    """What one agency may see of one referral at one moment."""

    standing: Standing
    subject: bool
    hidden_reason: HiddenReason | None
    full_legs: frozenset[int]
    """Numbers of the legs shown in full; of the others only the number and status."""

    @property
    def party(self) -> bool:
        """Whether the agency is or was party (others get 404: the referral's existence hides)."""
        return self.standing is not Standing.NOT_PARTY

    @property
    def all_legs(self) -> bool:
        """Whether every leg is shown in full (to the holder only)."""
        return self.standing is Standing.HOLDER


_HIDDEN_FOR = {
    Standing.DECLINED: HiddenReason.DECLINED,
    Standing.LEG_CANCELLED: HiddenReason.LEG_CANCELLED,
    Standing.FORMER: HiddenReason.NOT_FOLLOWING,
    Standing.NOT_PARTY: HiddenReason.NOT_PARTY,
}


def visibility(referral: Referral, *, agency_id: str, now: datetime) -> Visibility:
    """What `agency_id` may see of `referral` at `now` (the one reading policy)."""
    standing = standing_of(referral, agency_id)
    if standing is Standing.HOLDER:
        legs = frozenset(leg.number for leg in referral.legs)
    else:
        legs = frozenset(leg.number for leg in referral.legs if _concerns(leg, agency_id))
    if standing in (Standing.HOLDER, Standing.ASKED):
        return Visibility(standing, True, None, legs)
    if standing is Standing.FOLLOWER:
        reason = follower_hidden_reason(referral, agency_id=agency_id, now=now)
        return Visibility(standing, reason is None, reason, legs)
    return Visibility(standing, False, _HIDDEN_FOR[standing], legs)


def audience(referral: Referral, *, now: datetime) -> list[str]:
    """The agencies to tell of the referral's change now: each party that may see the person's
    data, and the two agencies of the current leg (the one that just declined or withdrew
    included), in order of appearance. A party no longer covered (a decliner of an earlier leg,
    a former holder, a follower past its consent) hears no more of where the person goes."""
    leg = referral.leg
    current = {leg.from_agency_id, leg.to_agency_id}
    return [
        agency
        for agency in referral.parties
        if agency in current or visibility(referral, agency_id=agency, now=now).subject
    ]


def for_the_persons_rights(referral: Referral, *, holder: bool) -> Visibility:
    """What the holder, or the coordinator, acting on the person's rights over their data sees:
    everything held."""
    standing = Standing.HOLDER if holder else Standing.COORDINATOR
    return Visibility(standing, True, None, frozenset(leg.number for leg in referral.legs))


def standing_of(referral: Referral, agency_id: str) -> Standing:
    """Where the agency stands: holder, asked now, declined or cancelled as the asked agency of
    its latest leg, follower, another former party, or never party."""
    if agency_id == referral.holder_agency_id:
        return Standing.HOLDER
    if referral.status is ReferralStatus.REQUESTED and agency_id == referral.leg.to_agency_id:
        return Standing.ASKED
    asked = [leg for leg in referral.legs if leg.to_agency_id == agency_id]
    if asked and asked[-1].status is ReferralStatus.DECLINED:
        return Standing.DECLINED
    if asked and asked[-1].status is ReferralStatus.CANCELLED:
        return Standing.LEG_CANCELLED
    if agency_id in referral.followers:
        return Standing.FOLLOWER
    if referral.is_party(agency_id):
        return Standing.FORMER
    return Standing.NOT_PARTY


def follower_hidden_reason(
    referral: Referral, *, agency_id: str, now: datetime
) -> HiddenReason | None:
    """None while a basis of one of the referral's legs covers the follower; else why not."""
    if any(covers(leg.basis, leg, agency_id=agency_id, now=now) for leg in referral.legs):
        return None
    if any(_consent_in_scope(leg.basis, agency_id) for leg in referral.legs):
        return HiddenReason.CONSENT_EXPIRED
    return HiddenReason.BASIS_NOT_COVERING


def covers(basis: LegalBasis, leg: Leg, *, agency_id: str, now: datetime) -> bool:
    """Whether the basis a leg was made on covers the agency now.

    Consent covers the agencies of its scope (or the whole network) until it expires; a
    support meeting or a legal exception covers the two agencies of the leg it was given for
    (until its expiry, if it states one).
    """
    if basis.expires_at is not None and basis.expires_at <= now:
        return False
    if basis.kind is BasisKind.CONSENT:
        return _consent_in_scope(basis, agency_id)
    return _concerns(leg, agency_id)


def _consent_in_scope(basis: LegalBasis, agency_id: str) -> bool:
    if basis.kind is not BasisKind.CONSENT or basis.scope is None:
        return False
    return basis.scope == NETWORK or agency_id in basis.scope


def _concerns(leg: Leg, agency_id: str) -> bool:
    return agency_id in (leg.from_agency_id, leg.to_agency_id)
