"""HTTP route of the network's statistics (no person's data; small counts withheld)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tsunagu.auth import Role
from tsunagu.web import Caller, Problem, problem_responses
from tsunagu.web.params import AgencyIdQuery

from .. import use_cases
from ..domain.overdue import OverdueLeg
from ..domain.stats import NetworkStats
from .answers import PortsDep
from .moments import as_utc, checked_period

router = APIRouter(prefix="/v1/referrals", tags=["statistics"])
DEFAULT_PERIOD = timedelta(days=30)
LONGEST_PERIOD = timedelta(days=3660)
WITHHELD = "null when the count is from 1 to the smallest count shown (`min_count`) minus one"


class AgencyStats(BaseModel):
    """One agency's legs in the period."""

    sent: int | None = Field(description=f"Legs it asked others; {WITHHELD}.")
    received: int | None = Field(description="Legs it was asked.")
    accepted: int | None
    declined: int | None
    acceptance_rate: float | None = Field(description="accepted / answered, over ≥ min_count.")
    median_seconds_to_accept: float | None


class StatsView(BaseModel):
    """The network's figures over [since, until): referrals opened, legs asked, ended."""

    since: datetime
    until: datetime
    agency_id: str | None = Field(description="The agency the figures are limited to, if any.")
    min_count: int = Field(description="Counts below this (but above 0) are withheld as null.")
    by_status: dict[str, int | None] = Field(description="Referrals opened, by current status.")
    by_urgency: dict[str, int | None]
    agencies: dict[str, AgencyStats]
    acceptance_rate: float | None
    median_seconds_to_accept: float | None
    median_seconds_to_close: float | None
    unmet_needs: dict[str, int | None] = Field(
        description="Needs asked for in legs declined for lack of capacity."
    )

    @classmethod
    def of(cls, stats: NetworkStats, agency_id: str | None) -> StatsView:
        """The answer for computed statistics."""
        period = stats.period
        return cls(
            since=period.since,
            until=period.until,
            agency_id=agency_id,
            min_count=period.min_count,
            by_status=stats.by_status,
            by_urgency=stats.by_urgency,
            agencies={k: AgencyStats.model_validate(v) for k, v in stats.agencies.items()},
            acceptance_rate=stats.acceptance_rate,
            median_seconds_to_accept=stats.median_seconds_to_accept,
            median_seconds_to_close=stats.median_seconds_to_close,
            unmet_needs=stats.unmet_needs,
        )


@router.get(
    "/stats",
    responses=problem_responses(401, 403, 422),
    summary="Network statistics over a period (small counts withheld)",
)
async def network_stats(
    ports: PortsDep,
    caller: Caller,
    agency_id: AgencyIdQuery = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> StatsView:
    """Referrals opened per status and urgency, legs per agency (sent, received, accepted,
    declined), acceptance rate, median times to accept and to close, and needs declined for
    lack of capacity, over [since, until) (default: the 30 days up to now). An agency sees its
    own figures; the coordinator, operators and auditors the network's or any agency's."""
    end = as_utc(until) if until is not None else ports.clock.now()
    start, end = checked_period(since or end - DEFAULT_PERIOD, end)
    if end - start > LONGEST_PERIOD:
        raise Problem(422, "the period may span at most ten years", kind="invalid-period")
    if caller.role is Role.AGENCY:
        agency_id = caller.agency_id
    stats = await use_cases.network_statistics(ports, since=start, until=end, agency_id=agency_id)
    return StatsView.of(stats, agency_id)


class OverdueLegView(BaseModel):
    """A leg past its deadline: ids and times only."""

    referral_id: str
    leg: int = Field(description="The leg's number within its referral, from 1.")
    from_agency_id: str
    to_agency_id: str
    accept_by: datetime = Field(description="The deadline it passed.")
    seconds_overdue: float
    escalated: bool = Field(description="Flagged by the service as past its deadline.")
    escalated_at: datetime | None
    escalated_to: str | None = Field(description="The coordinator agency it went to, if any.")

    @classmethod
    def of(cls, late: OverdueLeg) -> OverdueLegView:
        """The answer for one overdue leg."""
        leg = late.leg
        return cls(
            referral_id=leg.referral_id,
            leg=leg.number,
            from_agency_id=leg.from_agency_id,
            to_agency_id=leg.to_agency_id,
            accept_by=late.accept_by,
            seconds_overdue=late.seconds_overdue,
            escalated=late.escalated,
            escalated_at=leg.sla_breached_at,
            escalated_to=leg.escalated_to,
        )


class OverdueView(BaseModel):
    """The legs past their deadline now, most overdue first."""

    at: datetime
    agency_id: str | None
    items: list[OverdueLegView]


@router.get(
    "/stats/overdue",
    responses=problem_responses(401, 403, 422),
    summary="Legs past their deadline now (ids only)",
)
async def overdue_legs(
    ports: PortsDep, caller: Caller, agency_id: AgencyIdQuery = None
) -> OverdueView:
    """Every leg still waiting for an answer past its deadline, with how late it is and whether
    it was escalated: ids and times only, no person's data. An agency sees the legs it asked or
    was asked; the coordinator, operators and auditors the network's or any agency's."""
    if caller.role is Role.AGENCY:
        agency_id = caller.agency_id
    late = await use_cases.overdue(ports, agency_id=agency_id)
    return OverdueView(
        at=ports.clock.now(), agency_id=agency_id, items=[OverdueLegView.of(x) for x in late]
    )
