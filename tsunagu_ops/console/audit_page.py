"""The Audit page: records filtered and paged, the log verified, checkpoint and proofs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tsunagu_ops.console.rendering import page
from tsunagu_ops.console.services import ServiceError, ServiceReads

router = APIRouter()
PAGE_SIZE = 50
Text = Annotated[str, Query(max_length=200)]


def _size(checkpoint: str | None) -> int | None:
    """The tree size a C2SP checkpoint names (its second line)."""
    lines = (checkpoint or "").splitlines()
    return int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else None


@router.get("/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    referral_id: Text = "",
    agency_id: Text = "",
    type: Text = "",
    after_seq: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The records matching the filters, and the latest checkpoint."""
    reads: ServiceReads = request.app.state.reads
    filters = {"referral_id": referral_id, "agency_id": agency_id, "type": type}
    context: dict[str, object] = {"filters": filters, "after_seq": after_seq}
    try:
        query = {**filters, "after_seq": str(after_seq) if after_seq else ""}
        context["records"] = await reads.records(query, limit=PAGE_SIZE)
        context["checkpoint"] = await reads.checkpoint()
    except ServiceError as error:
        context["error"] = str(error)
    return page(request, "audit.html", context)


@router.get("/audit/verify", response_class=HTMLResponse)
async def verify(request: Request) -> HTMLResponse:
    """The audit service's verdict on the log (a fragment the page asks for)."""
    reads: ServiceReads = request.app.state.reads
    try:
        context: dict[str, object] = {"verification": await reads.verify()}
    except ServiceError as error:
        context = {"error": str(error)}
    return page(request, "verify.html", context)


@router.get("/audit/proof", response_class=HTMLResponse)
async def proof(request: Request, seq: Annotated[int, Query(ge=1)]) -> HTMLResponse:
    """The inclusion proof of record `seq` in the latest checkpoint's tree (a fragment)."""
    reads: ServiceReads = request.app.state.reads
    try:
        size = _size(await reads.checkpoint())
        if size is None or size < seq:
            size = (await reads.verify()).records
        context: dict[str, object] = {"seq": seq, "proof": await reads.inclusion(seq, size)}
    except ServiceError as error:
        context = {"error": str(error)}
    return page(request, "proof.html", context)
