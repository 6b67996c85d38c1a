"""The Overdue page: legs past their deadline, by agency and age, with their escalation."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tsunagu_ops.console.rendering import page
from tsunagu_ops.console.services import ServiceError, ServiceReads

router = APIRouter()


def by_agency(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per agency asked: how many legs are overdue, how many escalated, the oldest's lateness."""
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"overdue": 0, "escalated": 0, "oldest_seconds": 0.0}
    )
    for item in items:
        row = rows[item["to_agency_id"]]
        row["overdue"] += 1
        row["escalated"] += int(bool(item["escalated"]))
        row["oldest_seconds"] = max(row["oldest_seconds"], float(item["seconds_overdue"]))
    ordered = sorted(rows.items(), key=lambda pair: (-pair[1]["oldest_seconds"], pair[0]))
    return [{"agency_id": agency, **row} for agency, row in ordered]


@router.get("/overdue", response_class=HTMLResponse)
async def overdue(
    request: Request, agency_id: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    """The legs waiting for an answer past their deadline, most overdue first."""
    reads: ServiceReads = request.app.state.reads
    context: dict[str, object] = {"agency_id": agency_id or "", "items": None}
    try:
        answer = await reads.overdue(agency_id)
        context |= {"items": answer["items"], "agencies": by_agency(answer["items"])}
    except ServiceError as error:
        context["error"] = str(error)
    return page(request, "overdue.html", context)
