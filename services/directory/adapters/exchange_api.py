"""The directory's HSDS 3.0 export and import over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tsunagu.web import Caller, Trace, problem_responses

from .. import use_cases
from ..use_cases import ImportReport, Result
from .api import PortsDep
from .api_models import sees_contacts

MAX_ORGANIZATIONS = 1000


hsds = APIRouter(prefix="/v1/directory", tags=["HSDS exchange"])


class HsdsDocument(BaseModel):
    """An HSDS 3.0 document: organizations embedding what they hold, and the terms they use."""

    model_config = ConfigDict(extra="allow")

    hsds_version: str | None = Field(default=None, max_length=20, examples=["3.0"])
    organizations: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ORGANIZATIONS)
    taxonomies: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ORGANIZATIONS)
    taxonomy_terms: list[dict[str, Any]] = Field(default_factory=list, max_length=5000)


class OutcomeView(BaseModel):
    """What became of one organization."""

    result: Result
    organization_id: str | None = Field(description="The organization's HSDS id.")
    name: str | None
    agency_id: str | None
    reasons: list[str] = Field(description="Why it was refused; empty otherwise.")


class ImportReportView(BaseModel):
    """How many organizations were created, updated, unchanged or refused, and each outcome."""

    counts: dict[Result, int]
    outcomes: list[OutcomeView]

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportView:
        """The view of an import report."""
        results: tuple[Result, ...] = ("created", "updated", "unchanged", "refused")
        return cls(
            counts={result: report.count(result) for result in results},
            outcomes=[OutcomeView.model_validate(o, from_attributes=True) for o in report.outcomes],
        )


@hsds.get("/export", response_model=HsdsDocument)
async def export_directory(ports: PortsDep, caller: Caller) -> dict[str, Any]:
    """Every active agency as Open Referral HSDS 3.0; hidden locations are never exported, and
    staff contacts only to members of the network (agencies and the coordinator)."""
    return await use_cases.export_directory(ports, with_contacts=sees_contacts(caller))


@hsds.post("/import", response_model=ImportReportView, responses=problem_responses(422))
async def import_directory(body: HsdsDocument, ports: PortsDep, trace: Trace) -> ImportReportView:
    """Create or update one agency per organization; refuse, with reasons, those that fail."""
    report = await use_cases.import_directory(ports, body.model_dump(), traceparent=trace)
    return ImportReportView.of(report)
