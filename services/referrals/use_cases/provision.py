"""The art. 29 third-party provision record of one agency over a period."""

from __future__ import annotations

from datetime import datetime

from ..domain import ProvisionRecord, provision_records
from ..ports import Ports


async def provision_record(
    ports: Ports, *, agency_id: str, since: datetime, until: datetime
) -> list[ProvisionRecord]:
    """Every disclosure the agency made or received in [since, until), oldest first."""
    referrals = await ports.referrals.party_to(agency_id, since=since)
    return provision_records(referrals, agency_id=agency_id, since=since, until=until)
