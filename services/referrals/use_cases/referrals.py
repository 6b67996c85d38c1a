"""One use case per thing an agency does: load, let the domain decide, save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tsunagu_schemas import AgencyEventData, CancelReason, CloseOutcome, DeclineReason

from ..domain import (
    Agency,
    AgencyInactive,
    Handoff,
    NewReferral,
    Referral,
    ReferralEvent,
    open_referral,
)
from ..ports import Ports, ReferralQuery


class ReferralNotFound(LookupError):
    """No such referral, or none the asking agency is party to (ids must not leak)."""


class PreconditionFailed(Exception):
    """The client's If-Match names a version that is no longer current."""


class ConcurrentUpdate(Exception):
    """Another change was saved between loading and saving; the client should retry."""


@dataclass(frozen=True)
class Request:
    """Who asks for a change to which referral, and which version they saw."""

    referral_id: str
    actor: str
    if_match: int | None = None
    traceparent: str | None = None


Change = Callable[[Referral, datetime], ReferralEvent]


async def create_referral(
    ports: Ports,
    *,
    request: NewReferral,
    actor: str,
    traceparent: str | None = None,
    referral_id: str | None = None,
) -> Referral:
    """Open a referral to an agency of the directory, under a valid legal basis."""
    await _still_active(ports, actor)
    target = await ports.agencies.get(request.to_agency_id)
    referral, event = open_referral(
        request,
        actor=actor,
        target=target,
        now=ports.clock.now(),
        sla=ports.sla,
        referral_id=referral_id,
    )
    await ports.referrals.add(referral, event, traceparent=traceparent)
    return referral


async def view_referral(
    ports: Ports, *, referral_id: str, viewer: str, recent: bool = False
) -> Referral:
    """The referral, for an agency party to it (`recent`: see `ReferralRepository.get`)."""
    referral = await ports.referrals.get(referral_id, recent=recent)
    if referral is None or not referral.is_party(viewer):
        raise ReferralNotFound(referral_id)
    return referral


async def list_referrals(
    ports: Ports, *, query: ReferralQuery
) -> tuple[list[Referral], str | None]:
    """One page of the referrals an agency is or was party to, and the cursor of the next."""
    found = await ports.referrals.page(
        ReferralQuery(**{**query.__dict__, "limit": query.limit + 1})
    )
    page = found[: query.limit]
    return page, page[-1].id if len(found) > query.limit else None


async def accept_referral(ports: Ports, request: Request) -> Referral:
    """The asked agency accepts the current leg."""
    return await _change(ports, request, lambda r, now: r.accept(actor=request.actor, now=now))


async def decline_referral(
    ports: Ports, request: Request, *, reason: DeclineReason, comment: str | None
) -> Referral:
    """The asked agency declines the current leg."""
    return await _change(
        ports,
        request,
        lambda r, now: r.decline(actor=request.actor, reason=reason, comment=comment, now=now),
    )


async def close_referral(
    ports: Ports, request: Request, *, outcome: CloseOutcome, comment: str | None
) -> Referral:
    """The holder closes the referral with an outcome."""
    return await _change(
        ports,
        request,
        lambda r, now: r.close(actor=request.actor, outcome=outcome, comment=comment, now=now),
    )


async def cancel_referral(ports: Ports, request: Request, *, reason: CancelReason) -> Referral:
    """The holder withdraws a request not yet accepted."""
    return await _change(
        ports, request, lambda r, now: r.cancel(actor=request.actor, reason=reason, now=now)
    )


async def hand_off_referral(ports: Ports, request: Request, *, handoff: Handoff) -> Referral:
    """The holder asks another agency, keeping the case until that agency accepts."""
    target = await ports.agencies.get(handoff.to_agency_id)
    return await _change(
        ports,
        request,
        lambda r, now: r.handoff(
            actor=request.actor, request=handoff, target=target, now=now, sla=ports.sla
        ),
    )


async def apply_agency_event(ports: Ports, *, data: AgencyEventData) -> bool:
    """Update the local directory from an agency event; older or repeated ones change nothing."""
    return await ports.agencies.apply(Agency.from_event(data))


async def _still_active(ports: Ports, agency_id: str) -> None:
    """Refuse an agency the directory has deactivated (one it never announced may act: the
    directory's events may not have reached this service yet)."""
    agency = await ports.agencies.get(agency_id)
    if agency is not None and not agency.active:
        raise AgencyInactive()


async def _change(ports: Ports, request: Request, change: Change) -> Referral:
    """Load the referral, apply one change, and save it only over the version it came from.

    Without If-Match the change is first made from the copy this process last wrote, when it
    has one, saving a read. Should that copy be behind (another process changed the referral
    since), the save misses, or the domain refuses what the stored state might allow: the
    change is then made once more from the stored referral, exactly as if no copy were kept.
    """
    await _still_active(ports, request.actor)
    recent = request.if_match is None
    while True:
        try:
            referral = await view_referral(
                ports, referral_id=request.referral_id, viewer=request.actor, recent=recent
            )
            if request.if_match is not None and request.if_match != referral.version:
                raise PreconditionFailed(f"the referral is at version {referral.version}")
            expected = referral.version
            event = change(referral, ports.clock.now())
        except Exception:
            if not recent:
                raise
            recent = False
            continue
        saved = await ports.referrals.save(
            referral, event, expected_version=expected, traceparent=request.traceparent
        )
        if saved:
            return referral
        if recent:
            recent = False
            continue
        if request.if_match is not None:
            raise PreconditionFailed("the referral changed since the version in If-Match")
        raise ConcurrentUpdate("the referral changed meanwhile; load it again and retry")
