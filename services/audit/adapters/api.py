"""HTTP routes for auditors: search the log, verify it, export it."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from services.audit.domain import AuditRecord, RecordQuery
from services.audit.domain.export import csv_header, csv_line, jsonl_line
from services.audit.ports import Ports
from services.audit.use_cases import AuditLog, find_records, whole_log
from tsunagu.web import ports_of, problem_responses
from tsunagu.web.params import MAX_POSITION, IdQuery

MAX_PAGE = 1000
PortsDep = Annotated[Ports, Depends(ports_of)]
# Who may call each route is decided before it runs, by the rules in `access.py`.
router = APIRouter(prefix="/v1/audit", tags=["audit"])


class RecordPage(BaseModel):
    """One page of audit records; pass `next_after_seq` as `after_seq` for the next one."""

    items: list[AuditRecord]
    next_after_seq: int | None = None


class VerificationOut(BaseModel):
    """Whether the log is intact: its tree's size and root if so, else where it breaks and why."""

    ok: bool
    records: int = Field(description="Records found intact (before the fault, if any).")
    root_hash: str | None = Field(default=None, description="Root of their tree (base64).")
    checkpoints: int = Field(description="Signed checkpoints matched in this pass.")
    first_bad_seq: int | None = Field(
        default=None, description="The first bad record, when it can be named."
    )
    reason: str | None = None


class ExportFormat(StrEnum):
    """Formats of an export: JSON lines verify offline; CSV is for spreadsheets."""

    JSONL = "jsonl"
    CSV = "csv"


MEDIA_TYPES = {ExportFormat.JSONL: "application/x-ndjson", ExportFormat.CSV: "text/csv"}


@router.get("/records", summary="Search audit records", responses=problem_responses(422, 500))
async def search_records(
    referral_id: IdQuery = None,
    agency_id: Annotated[IdQuery, Query(description="An agency named in it.")] = None,
    type: Annotated[str | None, Query(max_length=200, description="Event type.")] = None,
    since: Annotated[datetime | None, Query(description="Inclusive; RFC 3339.")] = None,
    until: Annotated[datetime | None, Query(description="Exclusive; RFC 3339.")] = None,
    after_seq: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="Records after this seq.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    *,
    ports: PortsDep,
) -> RecordPage:
    """Search audit records by referral, agency, event type and time, in seq order."""
    query = RecordQuery(referral_id, agency_id, type, since, until, after_seq)
    items, next_after = await find_records(ports.audit_log, query, limit=limit)
    return RecordPage(items=items, next_after_seq=next_after)


@router.get("/verify", summary="Verify the log", response_model_exclude_none=True)
async def verify(
    ports: PortsDep,
    from_start: Annotated[
        bool, Query(description="Read every record again, not only those added since.")
    ] = False,
) -> VerificationOut:
    """Recompute the log's tree from its records: every seq present, every stored node and every
    signed checkpoint's root matching. Only records added since the last intact pass are read."""
    result = await ports.verifier(from_start=from_start)
    root = base64.b64encode(result.root_hash).decode() if result.root_hash else None
    return VerificationOut(
        ok=result.ok,
        records=result.records,
        root_hash=root,
        checkpoints=result.checkpoints,
        first_bad_seq=result.first_bad_seq,
        reason=result.reason,
    )


@router.get(
    "/export",
    summary="Export the audit log",
    response_class=StreamingResponse,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
)
async def export(ports: PortsDep, format: ExportFormat = ExportFormat.JSONL) -> StreamingResponse:
    """Stream every record in seq order; each JSON line is the record's leaf bytes and a newline."""
    lines = _export_lines(ports.audit_log, format=format, batch_size=ports.scan_batch_size)
    filename = f"tsunagu-audit.{format.value}"
    return StreamingResponse(
        lines,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _export_lines(
    audit_log: AuditLog, *, format: ExportFormat, batch_size: int
) -> AsyncIterator[str]:
    """The lines of an export, produced as the records are read."""
    if format is ExportFormat.CSV:
        yield csv_header()
    async for record in whole_log(audit_log, batch_size=batch_size):
        yield csv_line(record) if format is ExportFormat.CSV else jsonl_line(record)
