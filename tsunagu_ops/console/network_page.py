"""The Network page: the referral network's figures over a chosen period."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tsunagu_ops.console.rendering import page
from tsunagu_ops.console.services import ServiceError, ServiceReads

router = APIRouter()
DEFAULT_DAYS = 30
DateQuery = Annotated[date | None, Query(description="A day (YYYY-MM-DD), UTC.")]
AgencyQuery = Annotated[str | None, Query(max_length=200)]


def period(since: date | None, until: date | None) -> tuple[date, date]:
    """The days chosen, by default the thirty up to and including today (UTC)."""
    last = until or datetime.now(UTC).date()
    first = since or last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last


def stats_params(first: date, last: date, agency_id: str | None) -> dict[str, str]:
    """The statistics route's parameters: from the first day's start to the last day's end."""
    params = {
        "since": datetime.combine(first, time(), UTC).isoformat(),
        "until": datetime.combine(last + timedelta(days=1), time(), UTC).isoformat(),
    }
    if agency_id:
        params["agency_id"] = agency_id
    return params


@router.get("/network", response_class=HTMLResponse)
async def network(
    request: Request,
    since: DateQuery = None,
    until: DateQuery = None,
    agency_id: AgencyQuery = None,
) -> HTMLResponse:
    """Referrals per status and urgency, legs per agency, times and unmet needs."""
    reads: ServiceReads = request.app.state.reads
    first, last = period(since, until)
    context = {"since": first, "until": last, "agency_id": agency_id or "", "stats": None}
    try:
        context["stats"] = await reads.stats(stats_params(first, last, agency_id))
    except ServiceError as error:
        context["error"] = str(error)
    return page(request, "network.html", context)
