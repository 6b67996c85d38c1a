"""The directory's HTTP API: thin routes that translate, call one use case and answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from tsunagu.web import Caller, RequiredVersion, Trace, ports_of, problem_responses
from tsunagu.web.params import AgencyIdPath, CodeQuery, Cursor, IdPath

from .. import use_cases
from ..ports import Ports
from .api_models import (
    AgencyList,
    AgencyRegistration,
    AgencyRevision,
    AgencyView,
    CodeList,
    CodeView,
)

PortsDep = Annotated[Ports, Depends(ports_of)]

LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"

agencies = APIRouter(prefix="/v1/agencies", tags=["agencies"])
taxonomy = APIRouter(prefix="/v1", tags=["taxonomy"])


def with_etag(response: Response, view: AgencyView) -> AgencyView:
    """Set the ETag (the version) of an agency answer."""
    response.headers["ETag"] = f'"{view.version}"'
    return view


@agencies.post("", status_code=201, response_model=AgencyView, responses=problem_responses(422))
async def register_agency(
    body: AgencyRegistration,
    response: Response,
    ports: PortsDep,
    trace: Trace,
    caller: Caller,
) -> AgencyView:
    """Register an agency; it gets an id and version 1, and is announced on Kafka."""
    agency = await use_cases.register_agency(ports, body, traceparent=trace)
    response.headers["Location"] = f"{agencies.prefix}/{agency.id}"
    return with_etag(response, AgencyView.of(agency, caller))


@agencies.get("", response_model=AgencyList, responses=problem_responses(422))
async def search_agencies(
    ports: PortsDep,
    caller: Caller,
    category: Annotated[CodeQuery, Query(description="Category code.")] = None,
    area: Annotated[CodeQuery, Query(description="Area code; city-wide services too.")] = None,
    accepting: Annotated[bool | None, Query(description="Accepting referrals.")] = None,
    language: Annotated[
        str | None, Query(pattern=LANGUAGE_TAG, description="BCP 47 tag; `en` finds `en-GB`.")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in names, descriptions, eligibility."),
    ] = None,
    include_inactive: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> AgencyList:
    """Agencies with one service matching every criterion given, in id order."""
    page = await use_cases.search_agencies(
        ports,
        category=category,
        area=area,
        accepting=accepting,
        language=language,
        text=q,
        include_inactive=include_inactive,
        limit=limit,
        cursor=cursor,
    )
    items = [AgencyView.of(a, caller) for a in page.items]
    return AgencyList(items=items, next_cursor=page.next_cursor)


@agencies.get("/{agency_id}", response_model=AgencyView, responses=problem_responses(404))
async def get_agency(
    agency_id: AgencyIdPath, response: Response, ports: PortsDep, caller: Caller
) -> AgencyView:
    """One agency, active or deactivated; its version is the ETag."""
    agency = await use_cases.get_agency(ports, agency_id)
    return with_etag(response, AgencyView.of(agency, caller))


@agencies.patch(
    "/{agency_id}",
    response_model=AgencyView,
    responses=problem_responses(404, 409, 412, 422, 428),
)
async def revise_agency(
    agency_id: AgencyIdPath,
    body: AgencyRevision,
    response: Response,
    ports: PortsDep,
    version: RequiredVersion,
    trace: Trace,
    caller: Caller,
) -> AgencyView:
    """Change the fields given; If-Match is required (428 without), a stale one gets 412."""
    agency = await use_cases.revise_agency(
        ports,
        agency_id,
        body.changes(),
        if_match=version,
        traceparent=trace,
    )
    return with_etag(response, AgencyView.of(agency, caller))


@agencies.delete(
    "/{agency_id}", response_model=AgencyView, responses=problem_responses(404, 409, 412, 428)
)
async def deactivate_agency(
    agency_id: AgencyIdPath,
    response: Response,
    ports: PortsDep,
    version: RequiredVersion,
    trace: Trace,
    caller: Caller,
) -> AgencyView:
    """Deactivate an agency (If-Match required): referrals to it are refused afterwards, its
    clients are revoked; its history is kept."""
    agency = await use_cases.deactivate_agency(
        ports, agency_id, if_match=version, traceparent=trace
    )
    return with_etag(response, AgencyView.of(agency, caller))


@agencies.delete(
    "/{agency_id}/locations/{location_id}",
    response_model=AgencyView,
    responses=problem_responses(404, 409, 412, 428),
)
async def remove_location(
    agency_id: AgencyIdPath,
    location_id: IdPath,
    response: Response,
    ports: PortsDep,
    version: RequiredVersion,
    trace: Trace,
    caller: Caller,
) -> AgencyView:
    """Remove one location, hidden or not (the only way to remove a hidden one); If-Match
    required."""
    agency = await use_cases.remove_agency_location(
        ports, agency_id, location_id, if_match=version, traceparent=trace
    )
    return with_etag(response, AgencyView.of(agency, caller))


@taxonomy.get("/categories", response_model=CodeList)
async def list_categories(ports: PortsDep) -> CodeList:
    """Every category of need, with Japanese and English labels."""
    return CodeList(items=[CodeView.of(c) for c in ports.taxonomy.categories])


@taxonomy.get("/areas", response_model=CodeList)
async def list_areas(ports: PortsDep) -> CodeList:
    """Every area of the city, with Japanese and English labels."""
    return CodeList(items=[CodeView.of(a) for a in ports.taxonomy.areas])
