"""HTTP routes that move a referral through its lifecycle: one route shape, one per action."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import Parameter, Signature
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from tsunagu.web import ActingAgency, ExpectedVersion, Trace, problem_responses
from tsunagu.web.params import ReferralIdPath

from .. import use_cases
from ..domain import Referral
from ..ports import Ports
from .answers import PortsDep, answer
from .bodies import CancelBody, CloseBody, DeclineBody, HandoffBody
from .views import ReferralView

router = APIRouter(prefix="/v1/referrals/{referral_id}", tags=["referrals"])
ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422)
Change = Callable[[Ports, use_cases.Request, Any], Awaitable[Referral]]


async def _change_request(
    referral_id: ReferralIdPath, actor: ActingAgency, trace: Trace, version: ExpectedVersion
) -> use_cases.Request:
    """Who asks to change which referral, over which version."""
    return use_cases.Request(referral_id, actor, version, trace)


ChangeRequest = Annotated[use_cases.Request, Depends(_change_request)]


def _transition(
    action: str, *, summary: str, description: str, body: type[BaseModel] | None, change: Change
) -> None:
    """Add the route `POST .../{action}`: read the body, make the change, answer the view the
    acting agency may see after it (a decliner's answer has no person's data)."""

    async def endpoint(
        request: use_cases.Request, ports: Ports, response: Response, body: Any = None
    ) -> ReferralView:
        changed = await change(ports, request, body)
        return answer(use_cases.shown_to(ports, changed, agency_id=request.actor), response)

    parameters = [
        Parameter("request", Parameter.KEYWORD_ONLY, annotation=ChangeRequest),
        Parameter("ports", Parameter.KEYWORD_ONLY, annotation=PortsDep),
        Parameter("response", Parameter.KEYWORD_ONLY, annotation=Response),
    ]
    if body is not None:
        parameters.insert(0, Parameter("body", Parameter.KEYWORD_ONLY, annotation=body))
    endpoint.__doc__ = description
    setattr(endpoint, "__signature__", Signature(parameters, return_annotation=ReferralView))  # noqa: B010
    router.post(f"/{action}", name=action, responses=ERRORS, summary=summary)(endpoint)


_transition(
    "accept",
    summary="Accept the referral (the asked agency)",
    description="The asked agency accepts and becomes the holder of the case.",
    body=None,
    change=lambda ports, request, _: use_cases.accept_referral(ports, request),
)
_transition(
    "decline",
    summary="Decline the referral (the asked agency)",
    description="The asked agency declines; the holder keeps the case and routes it elsewhere "
    "or closes.",
    body=DeclineBody,
    change=lambda ports, request, body: use_cases.decline_referral(
        ports, request, reason=body.reason, comment=body.comment
    ),
)
_transition(
    "handoff",
    summary="Hand the case to another agency (the holder)",
    description="Ask another agency; the holder stays accountable until that agency accepts.",
    body=HandoffBody,
    change=lambda ports, request, body: use_cases.hand_off_referral(
        ports, request, handoff=body.to_request()
    ),
)
_transition(
    "close",
    summary="Close the referral (the holder)",
    description="End the journey with an outcome.",
    body=CloseBody,
    change=lambda ports, request, body: use_cases.close_referral(
        ports, request, outcome=body.outcome, comment=body.comment
    ),
)
_transition(
    "cancel",
    summary="Cancel the request (the holder)",
    description="Withdraw a request that has not been accepted yet.",
    body=CancelBody,
    change=lambda ports, request, body: use_cases.cancel_referral(
        ports, request, reason=body.reason
    ),
)
