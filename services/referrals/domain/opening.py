"""Opening a referral: the first leg, checked against the directory and the legal basis."""

from __future__ import annotations

import secrets
from datetime import datetime

from tsunagu_schemas import ReferralStatus
from tsunagu_schemas import referral as types

from .agency import Agency, check_target
from .basis import check_basis
from .errors import ActorNotPermitted, ReferralRefused
from .events import ReferralEvent
from .leg import Leg
from .referral import Referral
from .requests import NewReferral
from .sla import DEFAULT_SLA, SlaPolicy


def new_referral_id(now: datetime) -> str:
    """A fresh id, "ref_" + hex, whose leading digits follow creation time (for paging)."""
    return f"ref_{int(now.timestamp() * 1000):012x}{secrets.token_hex(8)}"


def open_referral(
    request: NewReferral,
    *,
    actor: str,
    target: Agency | None,
    now: datetime,
    sla: SlaPolicy = DEFAULT_SLA,
    referral_id: str | None = None,
) -> tuple[Referral, ReferralEvent]:
    """Open a referral for the acting agency, refusing a target or basis that does not hold."""
    if actor != request.from_agency_id:
        raise ActorNotPermitted(action="open", role="sending", agency_id=request.from_agency_id)
    if request.to_agency_id == request.from_agency_id:
        raise ReferralRefused("an agency cannot refer to itself", field="to_agency_id")
    check_target(target, agency_id=request.to_agency_id, needs=request.needs, field="to_agency_id")
    check_basis(request.basis, receiving_agency_id=request.to_agency_id, now=now, field="basis")
    leg = Leg(
        number=1,
        from_agency_id=request.from_agency_id,
        to_agency_id=request.to_agency_id,
        needs=request.needs,
        status=ReferralStatus.REQUESTED,
        requested_at=now,
        keep_following=request.keep_following,
        basis=request.basis,
        accept_by=sla.accept_by(request.urgency, requested_at=now),
    )
    referral = Referral(
        id=referral_id or new_referral_id(now),
        version=1,
        status=ReferralStatus.REQUESTED,
        holder_agency_id=request.from_agency_id,
        current_leg=1,
        legs=[leg],
        needs=request.needs,
        urgency=request.urgency,
        subject=request.subject,
        basis=request.basis,
        note=request.note,
        created_at=now,
        updated_at=now,
    )
    event = referral.event_data(actor=actor, now=now, reason=None)
    return referral, ReferralEvent(types.REFERRAL_CREATED, event)
