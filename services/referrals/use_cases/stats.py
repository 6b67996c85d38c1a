"""Network statistics over a period, for the ops team, the coordinator and each agency."""

from __future__ import annotations

from datetime import datetime

from ..domain.overdue import OverdueLeg, overdue_legs
from ..domain.stats import NetworkStats, Period, network_stats
from ..ports import Ports


async def network_statistics(
    ports: Ports, *, since: datetime, until: datetime, agency_id: str | None
) -> NetworkStats:
    """The figures of [since, until), network-wide or of one agency, small counts withheld."""
    if ports.facts is None:
        raise RuntimeError("statistics need the referral facts port")
    facts = await ports.facts.changed_since(since)
    period = Period(since, until, ports.stats_min_count)
    return network_stats(facts, period, agency_id=agency_id)


async def overdue(ports: Ports, *, agency_id: str | None) -> list[OverdueLeg]:
    """The legs past their deadline now, network-wide or asked of or by one agency."""
    if ports.facts is None:
        raise RuntimeError("overdue legs need the referral facts port")
    return overdue_legs(await ports.facts.waiting(), ports.clock.now(), agency_id)
