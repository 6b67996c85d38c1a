"""Reading referrals under the reading policy, and recording every read of a person's data."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain import (
    READ_ROUTE,
    ActorNotPermitted,
    HiddenReason,
    Referral,
    SubjectHidden,
    SubjectView,
    Visibility,
    subject_view,
    visibility,
)
from ..ports import Ports, ReferralQuery
from .referrals import ReferralNotFound, list_referrals


@dataclass(frozen=True)
class Shown:
    """A referral and what the reading agency may see of it now."""

    referral: Referral
    seen: Visibility


def shown_to(ports: Ports, referral: Referral, *, agency_id: str) -> Shown:
    """The referral as the agency may see it now (the answer to a change it made, say)."""
    return Shown(referral, visibility(referral, agency_id=agency_id, now=ports.clock.now()))


async def read_referral(
    ports: Ports, *, referral_id: str, viewer: str, traceparent: str | None = None
) -> Shown:
    """The referral for an agency party to it (404 for others); a read that shows the person's
    data is recorded, with its `subject_viewed` event, before it is answered."""
    referral = await ports.referrals.get(referral_id)
    now = ports.clock.now()
    seen = None if referral is None else visibility(referral, agency_id=viewer, now=now)
    if referral is None or seen is None or not seen.party:
        raise ReferralNotFound(referral_id)
    view = subject_view(referral, seen, agency_id=viewer, route=READ_ROUTE, now=now)
    if view is not None:
        await ports.views.record(view, traceparent=traceparent)
    return Shown(referral, seen)


async def list_shown(ports: Ports, *, query: ReferralQuery) -> tuple[list[Shown], str | None]:
    """One page of the agency's referrals, never with a person's data (so lists record no
    reads), and the cursor of the next page."""
    page, cursor = await list_referrals(ports, query=query)
    return [_in_list(shown_to(ports, r, agency_id=query.agency_id)) for r in page], cursor


def _in_list(shown: Shown) -> Shown:
    seen = shown.seen
    reason = seen.hidden_reason or HiddenReason.NOT_IN_LISTS
    return Shown(shown.referral, replace(seen, subject=False, hidden_reason=reason))


async def access_log(ports: Ports, *, referral_id: str, viewer: str) -> list[SubjectView]:
    """Every read of the referral's person's data, for its holder (404 for non-parties)."""
    referral = await ports.referrals.get(referral_id)
    if referral is None or not referral.is_party(viewer):
        raise ReferralNotFound(referral_id)
    if referral.holder_agency_id != viewer:
        raise ActorNotPermitted(
            action="read the access log of", role="holder", agency_id=referral.holder_agency_id
        )
    return await ports.views.of_referral(referral_id)


async def may_see_subject(ports: Ports, *, referral_id: str, viewer: str) -> Referral:
    """The referral, when the agency may see its person's data now; 404 for non-parties, and
    SubjectHidden for a party that may not (a decliner, say)."""
    referral = await ports.referrals.get(referral_id)
    if referral is None or not referral.is_party(viewer):
        raise ReferralNotFound(referral_id)
    seen = visibility(referral, agency_id=viewer, now=ports.clock.now())
    if not seen.subject:
        reason = seen.hidden_reason or HiddenReason.NOT_PARTY
        raise SubjectHidden(referral_id=referral_id, reason=reason.value)
    return referral
