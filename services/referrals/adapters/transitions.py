"""HTTP routes that move a referral through its lifecycle, one per action."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from tsunagu.web import ActingAgency, problem_responses

from .. import use_cases
from .answers import IfMatch, PortsDep, TraceDep, answer, answering, version_in
from .bodies import CancelBody, CloseBody, DeclineBody, HandoffBody, ReferralView

router = APIRouter(prefix="/v1/referrals/{referral_id}", tags=["referrals"])
ERRORS = problem_responses(401, 403, 404, 409, 412, 422)


def _change_request(
    referral_id: str, actor: ActingAgency, trace: TraceDep, if_match: IfMatch = None
) -> use_cases.Request:
    """Who asks to change which referral, over which version."""
    return use_cases.Request(referral_id, actor, version_in(if_match), trace)


ChangeRequest = Annotated[use_cases.Request, Depends(_change_request)]


@router.post("/accept", responses=ERRORS, summary="Accept the referral (the asked agency)")
async def accept(request: ChangeRequest, ports: PortsDep, response: Response) -> ReferralView:
    """The asked agency accepts and becomes the holder of the case."""
    async with answering():
        referral = await use_cases.accept_referral(ports, request)
    return answer(referral, response)


@router.post("/decline", responses=ERRORS, summary="Decline the referral (the asked agency)")
async def decline(
    body: DeclineBody, request: ChangeRequest, ports: PortsDep, response: Response
) -> ReferralView:
    """The asked agency declines; the holder keeps the case and routes it elsewhere or closes."""
    async with answering():
        referral = await use_cases.decline_referral(
            ports, request, reason=body.reason, comment=body.comment
        )
    return answer(referral, response)


@router.post("/handoff", responses=ERRORS, summary="Hand the case to another agency (the holder)")
async def handoff(
    body: HandoffBody, request: ChangeRequest, ports: PortsDep, response: Response
) -> ReferralView:
    """Ask another agency; the holder stays accountable until that agency accepts."""
    async with answering():
        referral = await use_cases.hand_off_referral(ports, request, handoff=body.to_request())
    return answer(referral, response)


@router.post("/close", responses=ERRORS, summary="Close the referral (the holder)")
async def close(
    body: CloseBody, request: ChangeRequest, ports: PortsDep, response: Response
) -> ReferralView:
    """End the journey with an outcome."""
    async with answering():
        referral = await use_cases.close_referral(
            ports, request, outcome=body.outcome, comment=body.comment
        )
    return answer(referral, response)


@router.post("/cancel", responses=ERRORS, summary="Cancel the request (the holder)")
async def cancel(
    body: CancelBody, request: ChangeRequest, ports: PortsDep, response: Response
) -> ReferralView:
    """Withdraw a request that has not been accepted yet."""
    async with answering():
        referral = await use_cases.cancel_referral(ports, request, reason=body.reason)
    return answer(referral, response)
