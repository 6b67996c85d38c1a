"""Whole-family support: linking referrals of one household without sharing their content."""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import ReferralStatus

from ..domain import ReferralRefused
from ..ports import Ports
from .reading import may_see_subject


@dataclass(frozen=True)
class RelatedReferral:
    """That a related referral exists, and its status: never its subject, note or legs."""

    id: str
    status: ReferralStatus
    party: bool


async def link_household(ports: Ports, *, referral_id: str, other_id: str, actor: str) -> bool:
    """Link two referrals of one household; the actor must be party to both (else 404) and may
    see the person's data of both now (saying who lives together is about the people)."""
    if referral_id == other_id:
        raise ReferralRefused("a referral cannot be linked to itself", field="referral_id")
    await may_see_subject(ports, referral_id=referral_id, viewer=actor)
    await may_see_subject(ports, referral_id=other_id, viewer=actor)
    return await ports.households.link(referral_id, other_id, by=actor, at=ports.clock.now())


async def related_referrals(
    ports: Ports, *, referral_id: str, viewer: str
) -> list[RelatedReferral]:
    """The referrals linked to one whose person's data the viewer may see: ids and status only."""
    await may_see_subject(ports, referral_id=referral_id, viewer=viewer)
    found: list[RelatedReferral] = []
    for other_id in await ports.households.related(referral_id):
        other = await ports.referrals.get(other_id)
        if other is not None:
            found.append(RelatedReferral(other.id, other.status, other.is_party(viewer)))
    return found
