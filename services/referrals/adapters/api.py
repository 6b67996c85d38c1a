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
from .bodies import CreateReferralBody, ReferralPage, ReferralView

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
    return answer(referral, response)


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
    """The referrals the agency is or was party to, newest first; an agency lists only its own."""
    if agency_id is not None and agency_id != actor:
        raise Problem(403, "an agency may list only its own referrals", kind="not-permitted")
    query = ReferralQuery(actor, status=status, urgency=urgency, limit=limit, before_id=cursor)
    items, next_cursor = await use_cases.list_referrals(ports, query=query)
    return ReferralPage(items=[ReferralView.of(r) for r in items], next_cursor=next_cursor)


@router.get("/{referral_id}", responses=problem_responses(401, 404), summary="Read a referral")
async def get_referral(
    referral_id: ReferralIdPath, actor: ActingAgency, ports: PortsDep, response: Response
) -> ReferralView:
    """The referral with the person's data, for an agency party to it (404 for any other)."""
    referral = await use_cases.view_referral(ports, referral_id=referral_id, viewer=actor)
    return answer(referral, response)
