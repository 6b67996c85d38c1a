"""HTTP routes of the person's rights over their data in a referral: disclosure, correction
and erasure, for the holder agency or the network's coordinator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tsunagu.auth import Role
from tsunagu.web import Caller, ExpectedVersion, Trace, problem_responses
from tsunagu.web.params import ReferralIdPath
from tsunagu_schemas import ErasureReason

from .. import use_cases
from ..domain import (
    ProvisionRecord,
    Referral,
    SubjectCorrection,
    disclosures_of,
    for_the_persons_rights,
)
from ..use_cases import Shown
from .answers import PortsDep, answer
from .households import RelatedView
from .views import ReferralView

router = APIRouter(prefix="/v1/referrals/{referral_id}/subject", tags=["the person's rights"])
CHANGE_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422)


async def _subject_request(
    referral_id: ReferralIdPath, caller: Caller, trace: Trace, version: ExpectedVersion
) -> use_cases.SubjectRequest:
    """Who acts for the person: the agency its token names, or the coordinator's client."""
    if caller.role is Role.COORDINATOR:
        actor, coordinator = f"coordinator:{caller.client_id}", True
    else:
        actor, coordinator = str(caller.agency_id), False
    return use_cases.SubjectRequest(referral_id, actor, coordinator, version, trace)


SubjectRequestDep = Annotated[use_cases.SubjectRequest, Depends(_subject_request)]


class EraseBody(BaseModel):
    """Why the person's data is erased: a code, never words about the person."""

    model_config = ConfigDict(extra="forbid")

    reason: ErasureReason

    @field_validator("reason")
    @classmethod
    def _not_retention(cls, reason: ErasureReason) -> ErasureReason:
        if reason is ErasureReason.RETENTION:
            raise ValueError("`retention` is the reason of the service's own retention sweep")
        return reason


class DisclosedReferral(BaseModel):
    """One referral as held: the person's data, legs, agencies, bases, and its disclosures."""

    referral: ReferralView
    provision_records: list[ProvisionRecord] = Field(
        description="Each disclosure of the person's data in this referral, leg by leg."
    )


class DisclosureDocument(BaseModel):
    """Everything held about the person in a referral (and its household, if asked)."""

    referral_id: str
    household: bool
    produced_at: datetime
    produced_for: str = Field(description="The agency, or coordinator client, that asked.")
    referrals: list[DisclosedReferral]
    withheld: list[RelatedView] = Field(
        description="Linked referrals of the household the requester does not act for."
    )


@router.post(
    "/erase", responses=CHANGE_ERRORS, summary="Erase the person's data (holder or coordinator)"
)
async def erase(
    body: EraseBody, request: SubjectRequestDep, ports: PortsDep, response: Response
) -> ReferralView:
    """Destroy the referral's data key and remove the person's data from it; the legs,
    agencies, statuses and bases stay. `tsunagu.referral.subject_erased` tells every party to
    erase its copy. Erasing again answers the same referral and emits nothing."""
    referral = await use_cases.erase_subject_data(ports, request, reason=body.reason)
    return answer(_for(request, referral), response)


@router.post(
    "/correct", responses=CHANGE_ERRORS, summary="Correct the person's data (holder or coordinator)"
)
async def correct(
    body: SubjectCorrection, request: SubjectRequestDep, ports: PortsDep, response: Response
) -> ReferralView:
    """Replace the fields given (`null` clears an optional one); the former values are not
    kept. `tsunagu.referral.subject_corrected` names the fields, never their values."""
    referral = await use_cases.correct_subject_data(ports, request, correction=body)
    return answer(_for(request, referral), response)


@router.get(
    "/disclosure",
    responses=problem_responses(401, 403, 404),
    summary="Everything held about the person (holder or coordinator)",
)
async def disclosure(
    request: SubjectRequestDep,
    ports: PortsDep,
    household: Annotated[bool, Query(description="Include the household's referrals.")] = False,
) -> DisclosureDocument:
    """The person's data, the legs with their agencies and bases, and every disclosure made,
    as one document (a disclosure request under the personal-information law)."""
    found = await use_cases.disclose_subject_data(ports, request, household=household)
    return DisclosureDocument(
        referral_id=request.referral_id,
        household=household,
        produced_at=ports.clock.now(),
        produced_for=request.actor,
        referrals=[_disclosed(request, r) for r in found.referrals],
        withheld=[RelatedView(**vars(r)) for r in found.withheld],
    )


def _for(request: use_cases.SubjectRequest, referral: Referral) -> Shown:
    """The referral as the holder or coordinator acting for the person sees it: in full."""
    return Shown(referral, for_the_persons_rights(referral, holder=not request.coordinator))


def _disclosed(request: use_cases.SubjectRequest, referral: Referral) -> DisclosedReferral:
    return DisclosedReferral(
        referral=ReferralView.of(referral, _for(request, referral).seen),
        provision_records=disclosures_of(referral),
    )
