"""HTTP routes linking referrals of one household and showing that related ones exist."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from tsunagu.web import ActingAgency, problem_responses
from tsunagu.web.params import ReferralIdPath
from tsunagu_schemas import ReferralStatus
from tsunagu_schemas.bounds import ReferralId

from .. import use_cases
from .answers import PortsDep

router = APIRouter(prefix="/v1/referrals/{referral_id}/links", tags=["households"])


class LinkBody(BaseModel):
    """The referral of another member of the same household."""

    model_config = ConfigDict(extra="forbid")

    referral_id: ReferralId


class RelatedView(BaseModel):
    """A related referral: that it exists and its status; its content only if you are party
    (and then only what the reading policy allows)."""

    id: str
    status: ReferralStatus
    party: bool = Field(
        description="Whether the viewer is party to it (and may read it, its person as the "
        "reading policy allows)."
    )


class RelatedList(BaseModel):
    """The referrals linked to one, as one household."""

    items: list[RelatedView]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
    summary="Link a referral of the same household",
)
async def link(
    referral_id: ReferralIdPath,
    body: LinkBody,
    actor: ActingAgency,
    ports: PortsDep,
    response: Response,
) -> RelatedList:
    """Link two referrals of one household; the acting agency must be party to both and may see
    the person's data of both now (403 otherwise, e.g. for an agency that declined one)."""
    new = await use_cases.link_household(
        ports, referral_id=referral_id, other_id=body.referral_id, actor=actor
    )
    related = await use_cases.related_referrals(ports, referral_id=referral_id, viewer=actor)
    if not new:
        response.status_code = status.HTTP_200_OK
    return RelatedList(items=[RelatedView(**vars(r)) for r in related])


@router.get(
    "", responses=problem_responses(401, 403, 404), summary="Related referrals of a household"
)
async def related(referral_id: ReferralIdPath, actor: ActingAgency, ports: PortsDep) -> RelatedList:
    """The household's other referrals: ids and status, for an agency party to this one that may
    see its person's data now (403 for another party, e.g. one that declined it)."""
    found = await use_cases.related_referrals(ports, referral_id=referral_id, viewer=actor)
    return RelatedList(items=[RelatedView(**vars(r)) for r in found])
