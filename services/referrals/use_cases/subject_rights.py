"""The person's rights (APPI): disclosure of what is held, correction, and erasure.

The holder agency or the network's coordinator acts for the person. Any other agency is told
404 when it is not party to the referral (its existence does not leak), 403 naming the holder
when it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu_schemas import ErasureReason

from ..domain import (
    ActorNotPermitted,
    Referral,
    ReferralEvent,
    SubjectCorrection,
    correct_subject,
    erase_subject,
)
from ..ports import Ports
from .households import RelatedReferral
from .referrals import ConcurrentUpdate, PreconditionFailed, ReferralNotFound

ERASE_ATTEMPTS = 3
"""An erasure without If-Match tries again over a change that got there first."""


@dataclass(frozen=True)
class SubjectRequest:
    """Who acts for the person on which referral: an agency (by id) or the coordinator."""

    referral_id: str
    actor: str
    coordinator: bool = False
    if_match: int | None = None
    traceparent: str | None = None


@dataclass(frozen=True)
class Disclosure:
    """Everything held about the person (and the household, if asked) for one request."""

    referrals: list[Referral]
    withheld: list[RelatedReferral]
    """Linked referrals the requester does not act for: their id and status only."""


async def subject_referral(ports: Ports, request: SubjectRequest) -> Referral:
    """The referral, if the requester may act for its person (404 or 403 otherwise)."""
    referral = await ports.referrals.get(request.referral_id)
    if referral is None or not (request.coordinator or referral.is_party(request.actor)):
        raise ReferralNotFound(request.referral_id)
    if not request.coordinator and request.actor != referral.holder_agency_id:
        raise ActorNotPermitted(
            action="act for the person of", role="holder", agency_id=referral.holder_agency_id
        )
    return referral


async def erase_subject_data(
    ports: Ports, request: SubjectRequest, *, reason: ErasureReason
) -> Referral:
    """Erase the person's data and destroy its key; erasing again changes nothing more."""
    for _ in range(ERASE_ATTEMPTS):
        referral = await subject_referral(ports, request)
        if referral.erasure is None:
            _check_version(request, referral)
        expected = referral.version
        event = erase_subject(referral, actor=request.actor, reason=reason, now=ports.clock.now())
        if event is None or await _saved(ports, referral, event, expected, request):
            if ports.erasures is not None:
                await ports.erasures.shred(referral.id)
            return referral
    raise ConcurrentUpdate("the referral kept changing; try the erasure again")


async def correct_subject_data(
    ports: Ports, request: SubjectRequest, *, correction: SubjectCorrection
) -> Referral:
    """Replace the fields given (the former values are not kept); nothing new, no event."""
    referral = await subject_referral(ports, request)
    _check_version(request, referral)
    expected = referral.version
    event = correct_subject(
        referral, actor=request.actor, correction=correction, now=ports.clock.now()
    )
    if event is not None and not await _saved(ports, referral, event, expected, request):
        raise ConcurrentUpdate("the referral changed meanwhile; load it again and retry")
    return referral


async def disclose_subject_data(
    ports: Ports, request: SubjectRequest, *, household: bool
) -> Disclosure:
    """The referral, and with `household` the linked ones the requester acts for."""
    referral = await subject_referral(ports, request)
    found, withheld = [referral], []
    for other_id in await ports.households.related(referral.id) if household else []:
        other = await ports.referrals.get(other_id)
        if other is None:
            continue
        if request.coordinator or other.holder_agency_id == request.actor:
            found.append(other)
        else:
            withheld.append(RelatedReferral(other.id, other.status, other.is_party(request.actor)))
    return Disclosure(found, withheld)


def _check_version(request: SubjectRequest, referral: Referral) -> None:
    if request.if_match is not None and request.if_match != referral.version:
        raise PreconditionFailed(f"the referral is at version {referral.version}")


async def _saved(
    ports: Ports, referral: Referral, event: ReferralEvent, expected: int, request: SubjectRequest
) -> bool:
    """Save over `expected`; a lost race with If-Match is a 412, without it the caller decides."""
    saved = await ports.referrals.save(
        referral, event, expected_version=expected, traceparent=request.traceparent
    )
    if not saved and request.if_match is not None:
        raise PreconditionFailed("the referral changed since the version in If-Match")
    return saved
