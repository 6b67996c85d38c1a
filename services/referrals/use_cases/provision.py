"""The art. 29 third-party provision record of one agency over a period, with its reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain import ProvisionRecord, SubjectView, provision_records
from ..ports import Ports


@dataclass(frozen=True)
class AgencyRecord:
    """What an agency gave, received and read of people's data over a period."""

    disclosures: list[ProvisionRecord]
    views: list[SubjectView]


async def provision_record(
    ports: Ports, *, agency_id: str, since: datetime, until: datetime
) -> AgencyRecord:
    """Every disclosure the agency made or received, and every read of a person's data it made,
    in [since, until), oldest first."""
    referrals = await ports.referrals.party_to(agency_id, since=since)
    disclosures = provision_records(referrals, agency_id=agency_id, since=since, until=until)
    views = await ports.views.by_agency(agency_id, since=since, until=until)
    return AgencyRecord(disclosures, views)
