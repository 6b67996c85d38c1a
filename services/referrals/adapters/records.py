"""HTTP routes of the records of people's data: an agency's art. 29 third-party provision
record, with the reads it made, and a referral's access log, for its holder."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tsunagu.web import ActingAgency, problem_responses
from tsunagu.web.params import ReferralIdPath, RequiredAgencyIdQuery

from .. import use_cases
from ..domain import ProvisionRecord, SubjectView
from .answers import PortsDep
from .moments import checked_period

router = APIRouter(prefix="/v1/referrals", tags=["provision records"])


class ProvisionRecordList(BaseModel):
    """The disclosures an agency made or received over a period, and the reads of people's
    data it made, oldest first."""

    agency_id: str
    since: datetime
    until: datetime
    items: list[ProvisionRecord]
    views: list[SubjectView] = Field(
        description="Each time the agency was shown a person's data (GET of a referral)."
    )


class AccessLog(BaseModel):
    """Who was shown the person's data of one referral, when and why, oldest first."""

    referral_id: str
    items: list[SubjectView]


@router.get(
    "/provision-records",
    responses=problem_responses(401, 403, 422),
    summary="Third-party provision record of an agency (art. 29), with its reads",
)
async def provision_records(
    ports: PortsDep,
    agency_id: RequiredAgencyIdQuery,
    since: datetime,
    until: Annotated[datetime | None, Query(description="Default: now.")] = None,
) -> ProvisionRecordList:
    """Every disclosure of a person's data the agency made (`made`) or received (`received`)
    in [since, until): referral id, leg, agencies, time and legal basis, never the data itself;
    and in `views` every read of a person's data the agency made then (referral, version, time,
    route, standing). An agency reads only its own record; an auditor any agency's."""
    start, end = checked_period(since, until or ports.clock.now())
    found = await use_cases.provision_record(ports, agency_id=agency_id, since=start, until=end)
    return ProvisionRecordList(
        agency_id=agency_id, since=start, until=end, items=found.disclosures, views=found.views
    )


@router.get(
    "/{referral_id}/access-log",
    responses=problem_responses(401, 403, 404),
    summary="Who has seen the person's data of a referral (the holder)",
)
async def access_log(
    referral_id: ReferralIdPath, actor: ActingAgency, ports: PortsDep
) -> AccessLog:
    """Every read of the person's data of this referral: agency, time, version, route and on
    what standing; for the holder (403 for another party, 404 for any other agency). The legs
    say to whom the data was given; this says who read it here."""
    items = await use_cases.access_log(ports, referral_id=referral_id, viewer=actor)
    return AccessLog(referral_id=referral_id, items=items)
