"""HTTP routes to open, read and list referrals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from tsunagu.web import ActingAgency, Problem, Trace, problem_responses
from tsunagu.web.params import AgencyIdQuery, Cursor, ReferralIdPath
from tsunagu_schemas import ReferralStatus, Urgency

from .. import use_cases
from ..ports import ReferralQuery
from .answers import PortsDep, answer
from .bodies import CreateReferralBody
from .views import ReferralPage, ReferralView

PAGE_MAX = 200

router = APIRouter(prefix="/v1/referrals", tags=["referrals"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
    summary="Refer a person to another agency",
)
async def create_referral(
    body: CreateReferralBody,
    actor: ActingAgency,
    ports: PortsDep,
    response: Response,
    trace: Trace,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=200,
            description="Any unique string; a retry with the same key and body returns the "
            "referral the first attempt opened instead of opening another.",
        ),
    ] = None,
) -> ReferralView:
    """Open a referral from the acting agency; the target must accept one of the needs and the
    legal basis must cover it."""
    if idempotency_key is None:
        referral = await use_cases.create_referral(
            ports, request=body.to_request(), actor=actor, traceparent=trace
        )
    else:
        referral = await use_cases.create_referral_once(
            ports, request=body.to_request(), actor=actor, key=idempotency_key, traceparent=trace
        )
    response.headers["Location"] = f"{router.prefix}/{referral.id}"
    return answer(use_cases.shown_to(ports, referral, agency_id=actor), response)


@router.get("", responses=problem_responses(401, 403), summary="List referrals of an agency")
async def list_referrals(
    actor: ActingAgency,
    ports: PortsDep,
    agency_id: AgencyIdQuery = None,
    status: ReferralStatus | None = None,
    urgency: Urgency | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    cursor: Cursor = None,
) -> ReferralPage:
    """The referrals the agency is or was party to, newest first; an agency lists only its own.
    Lists never show a person's data (`subject: null`, `subject_hidden_reason: not_in_lists`
    when the agency could read it): read one referral for that, which is recorded."""
    if agency_id is not None and agency_id != actor:
        raise Problem(403, "an agency may list only its own referrals", kind="not-permitted")
    query = ReferralQuery(actor, status=status, urgency=urgency, limit=limit, before_id=cursor)
    items, next_cursor = await use_cases.list_shown(ports, query=query)
    return ReferralPage(
        items=[ReferralView.of(i.referral, i.seen) for i in items], next_cursor=next_cursor
    )


@router.get("/{referral_id}", responses=problem_responses(401, 404), summary="Read a referral")
async def get_referral(
    referral_id: ReferralIdPath,
    actor: ActingAgency,
    ports: PortsDep,
    response: Response,
    trace: Trace,
) -> ReferralView:
    """The referral for an agency party to it (404 for any other), with the person's data only
    while a basis covers the agency (docs/privacy.md); each answer that shows the data is
    recorded as a `tsunagu.referral.subject_viewed` event."""
    shown = await use_cases.read_referral(
        ports, referral_id=referral_id, viewer=actor, traceparent=trace
    )
    return answer(shown, response)
