"""HTTP route of the art. 29 third-party provision record of an agency."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from tsunagu.web import Problem, problem_responses
from tsunagu.web.params import RequiredAgencyIdQuery

from .. import use_cases
from ..domain import ProvisionRecord
from .answers import PortsDep

router = APIRouter(prefix="/v1/referrals", tags=["provision records"])


class ProvisionRecordList(BaseModel):
    """The disclosures an agency made or received over a period, oldest first."""

    agency_id: str
    since: datetime
    until: datetime
    items: list[ProvisionRecord]


@router.get(
    "/provision-records",
    responses=problem_responses(401, 403, 422),
    summary="Third-party provision record of an agency (art. 29)",
)
async def provision_records(
    ports: PortsDep, agency_id: RequiredAgencyIdQuery, since: datetime, until: datetime
) -> ProvisionRecordList:
    """Every disclosure of a person's data the agency made (`made`) or received (`received`)
    in [since, until): referral id, leg, agencies, time and legal basis, never the data itself.
    An agency reads only its own record; an auditor any agency's (rules in `access.py`)."""
    start, end = _utc(since), _utc(until)
    if end <= start:
        raise Problem(422, "`until` must be after `since`", kind="invalid-period")
    items = await use_cases.provision_record(ports, agency_id=agency_id, since=start, until=end)
    return ProvisionRecordList(agency_id=agency_id, since=start, until=end, items=items)


def _utc(moment: datetime) -> datetime:
    """A naive time is read as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
